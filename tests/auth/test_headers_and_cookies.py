"""Attacks on what the browser keeps: cached pages, a session cookie that outlives the session.

A page shown to a signed-in user must not be kept by the browser (shared computers,
the back button after logout); HTTPS is pinned when the site uses secure cookies; the
session cookie expires with the idle timeout instead of Flask's 31 days, and no
remember-me cookie is ever issued.
"""
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import pytest

from qms.config import build_config


def _session_cookie(response):
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("qms_session="))


def test_signed_in_pages_are_never_cached_but_static_files_may_be(client, users, login):
    login("author")
    for url in ("/pendientes", "/documentos/", "/cuenta/contrasena"):
        response = client.get(url)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store", url
    static = client.get("/static/app.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")
    static.close()


def test_no_https_pinning_without_secure_cookies(client, users):
    assert "Strict-Transport-Security" not in client.get("/ingresar").headers


@pytest.mark.parametrize("app_overrides", [{"SESSION_COOKIE_SECURE": True}])
def test_https_is_pinned_with_secure_cookies(client, users):
    assert client.get("/ingresar").headers["Strict-Transport-Security"].startswith("max-age=")


def test_the_session_cookie_expires_with_the_idle_timeout(app, client, users, login):
    response = login("author")
    assert not any(h.startswith("remember_token=") for h in response.headers.getlist("Set-Cookie"))
    for response in (response, client.get("/pendientes")):
        cookie = _session_cookie(response)
        expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
        lifetime = expires - datetime.now(timezone.utc)
        assert timedelta(minutes=29) < lifetime <= timedelta(minutes=app.config["IDLE_TIMEOUT_MINUTES"])


def test_the_cookie_lifetimes_follow_the_configured_idle_timeout(tmp_path, monkeypatch):
    monkeypatch.setenv("QMS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("QMS_IDLE_TIMEOUT_MINUTES", "45")
    config = build_config({"SECRET_KEY": "x"})
    assert config["PERMANENT_SESSION_LIFETIME"] == config["REMEMBER_COOKIE_DURATION"] == timedelta(minutes=45)
