"""A real SMTP server for the e-mail tests (aiosmtpd, on a free local port): the fixtures
``mail_server`` (configured, not started) and ``smtp`` (running; its inbox), imported by the
conftest of each test folder that sends e-mail."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

SENDER = "Kelas ASN <noreply@kelasasn.example>"


def free_port() -> int:
    """A local TCP port nobody listens on (now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """The mail server's side: every accepted message, and addresses to refuse."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: dict[str, str] = {}  # address → SMTP reply, e.g. "550 5.1.1 unknown"
        self.delay = 0.0  # seconds each DATA waits before accepting (to overlap two runs)
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.delay:
            await asyncio.sleep(self.delay)
        with self._lock:
            self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages sent to ``address``."""
        return [m for m in self.messages if address in m["To"]]

    def wait_for(self, count: int, timeout: float = 10) -> list[EmailMessage]:
        """The messages once there are at least ``count`` (sent by another thread), or
        AssertionError after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            assert time.monotonic() < deadline, f"{len(self.messages)} of {count} e-mails came"
            time.sleep(0.02)
        return list(self.messages)


class MailServer:
    """An aiosmtpd server that can be started and stopped on one port."""

    def __init__(self, port: int) -> None:
        self.port, self.inbox, self._controller = port, Inbox(), None

    def start(self) -> None:
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def mail_server(app):
    """A mail server the app is configured to use, not started yet (``.start()``)."""
    server = MailServer(free_port())
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, SMTP_STARTTLS=False,
                      MAIL_FROM=SENDER, SMTP_TIMEOUT_SECONDS=10)
    yield server
    server.stop()


@pytest.fixture
def smtp(mail_server):
    """The running mail server's inbox."""
    mail_server.start()
    return mail_server.inbox
