"""A real SMTP server on localhost (aiosmtpd) that keeps what it receives, and an app
whose notifications go to it, with links from a public base URL."""
from __future__ import annotations

import email
import socket
import threading
from email import policy

import pytest
from aiosmtpd.controller import Controller

BASE_URL = "https://calidad.example.cl"


class Mailbox:
    """What the SMTP server accepted: ``(recipients, parsed message)`` in arrival order."""

    def __init__(self):
        self.received: list[tuple[list[str], email.message.EmailMessage]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.received.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for rcpt, m in self.received if address in rcpt]

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for _rcpt, m in self.received]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def mailbox(smtp_port):
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield box
    controller.stop()


@pytest.fixture
def app_overrides(tmp_path, smtp_port):
    return {
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_port, "SMTP_FROM": "qms@calidad.example.cl",
        "SMTP_TIMEOUT_SECONDS": 5, "BASE_URL": BASE_URL, "NOTIFY_JOURNAL_PATH": str(tmp_path / "journal"),
        "TESTING_DISABLE_TICK": True,
    }


@pytest.fixture
def emails(app, users):
    """Give each default user an address ``<role>@example.cl``."""
    from qms.extensions import db

    for role, user in users.items():
        user.email = f"{role}@example.cl"
    db.session.commit()
    return {role: f"{role}@example.cl" for role in users}


def body(message, subtype: str = "plain") -> str:
    return message.get_body(preferencelist=(subtype,)).get_content()
