"""A live server in a thread and a headless Chromium driven by Playwright."""
import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from qms.extensions import db

CHROMIUM = os.environ.get("QMS_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-dev-shm-usage", "--no-first-run"]


@pytest.fixture
def app_overrides():
    # The browser talks to a real socket: no SERVER_NAME pinning, real CSRF tokens.
    return {"SERVER_NAME": None, "WTF_CSRF_ENABLED": True}


@pytest.fixture
def live_server(app):
    """Serve ``app`` on a free local port; the test must not hold a database transaction."""
    db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium no está instalado en {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page_for(browser, live_server, tmp_path):
    """Return a function that opens a fresh browser context logged in as a user."""
    contexts = []
    console_errors = []

    def open_as(username: str, password: str):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="es-CL")
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
        page.set_default_timeout(15000)
        page.goto(f"{live_server}/ingresar")
        page.fill("#username", username)
        page.fill("#password", password)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{live_server}/pendientes")
        return page

    yield open_as
    for context in contexts:
        context.close()
    # Every page keeps to the content security policy (a violation is a console error).
    assert [m for m in console_errors if "Content Security Policy" in m] == []
