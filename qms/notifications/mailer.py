"""Email: the SMTP settings (``QMS_SMTP_*``), the Spanish message and its sending.

SMTP is off until ``QMS_SMTP_HOST`` is set: on a laptop notifications stay in the app
and nothing is written to the outbox.
"""
from __future__ import annotations

import smtplib
import ssl
import uuid
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for
from markupsafe import escape


def smtp_enabled() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def base_url() -> str:
    """The public address that links in messages start with (``QMS_BASE_URL``)."""
    configured = (current_app.config.get("BASE_URL") or "").rstrip("/")
    if configured:
        return configured
    scheme = current_app.config.get("PREFERRED_URL_SCHEME", "http")
    return f"{scheme}://{current_app.config.get('SERVER_NAME') or 'localhost'}"


@contextmanager
def url_context():
    """Let ``url_for`` build paths in a job, which has no request: as a request to the
    site's public address would (inside a request, nothing changes)."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context("/", base_url=base_url()):
        yield


def absolute(link: str) -> str:
    """The full address of an in-app path. Paths already carry the site's prefix (when it
    is served under one), so only the scheme and host of the base URL go in front."""
    if not link.startswith("/"):
        return link
    parts = urlsplit(base_url())
    return f"{parts.scheme}://{parts.netloc}{link}"


def preferences_url() -> str:
    with url_context():
        return absolute(url_for("notifications.preferences"))


def sender() -> str:
    return current_app.config.get("SMTP_FROM") or "qms@localhost"


def new_message_id(tag: str = "") -> str:
    """A Message-ID for one outbox row: the same header on every attempt to send it."""
    domain = sender().rpartition("@")[2].strip(">") or "qms.local"
    middle = tag or uuid.uuid4().hex
    return f"<qms.{middle}@{domain}>"


GREETING = "Hola {name}:"
FOOTER = ("Este aviso lo envía el sistema de gestión de la calidad (QMS). Puede elegir cómo recibir "
          "cada tipo de aviso en sus preferencias: {url}")


def compose(name: str, lines: list[tuple[str, str]], intro: str = "") -> tuple[str, str]:
    """Return (plain text, HTML) for ``lines`` of ``(sentence, link)``, greeting ``name``."""
    preferences = preferences_url()
    text = [GREETING.format(name=name), ""]
    html = [f"<p>{escape(GREETING.format(name=name))}</p>"]
    if intro:
        text += [intro, ""]
        html.append(f"<p>{escape(intro)}</p>")
    html.append("<ul>")
    for sentence, link in lines:
        url = absolute(link) if link else ""
        text.append(f"- {sentence}" + (f"\n  {url}" if url else ""))
        html.append(f'<li><a href="{escape(url)}">{escape(sentence)}</a></li>' if url else f"<li>{escape(sentence)}</li>")
    html.append("</ul>")
    text += ["", "--", FOOTER.format(url=preferences)]
    html.append(f'<p style="color:#666;font-size:small">{escape(FOOTER.format(url=""))}'
                f'<a href="{escape(preferences)}">{escape(preferences)}</a></p>')
    return "\n".join(text) + "\n", "<html><body>" + "".join(html) + "</body></html>"


def build(message) -> EmailMessage:
    """The MIME message of an outbox row: plain text with an HTML alternative."""
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = sender()
    email["To"] = message.to_address
    email["Message-ID"] = message.message_id
    email["Date"] = formatdate(localtime=False)
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.text_body)
    email.add_alternative(message.html_body, subtype="html")
    return email


def send(email: EmailMessage) -> None:
    """Hand ``email`` to the SMTP server; raise ``OSError`` or ``smtplib.SMTPException`` on failure."""
    config = current_app.config
    host, port = config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25)
    timeout = float(config.get("SMTP_TIMEOUT_SECONDS") or 10)
    if config.get("SMTP_SSL"):
        client = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(host, port, timeout=timeout)
    with client:
        if config.get("SMTP_STARTTLS") and not config.get("SMTP_SSL"):
            client.starttls(context=ssl.create_default_context())
        if config.get("SMTP_USER"):
            client.login(config["SMTP_USER"], config.get("SMTP_PASSWORD", ""))
        client.send_message(email)
