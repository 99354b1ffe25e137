"""A real SMTP server (aiosmtpd, in a thread, on a free local port) that can refuse addresses and be down,
the SMS provider stand-in as its own process, a simulated clock for the worker, and the office's world."""

import email
import email.policy
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller

from motcua.standins.process import StandinProcess
from tests.office.conftest import AT, client_of, dossier, media_root, password_hash, world  # noqa: F401

START = AT + timedelta(minutes=1)  # the worker's simulated clock starts just after the office's actions


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """aiosmtpd handler: keeps every message; answers `refused[address]` (e.g. "550 5.1.1 …") to RCPT for
    those addresses, and `greylist[address]` (a 4xx) the first `n` times."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refused: dict[str, str] = {}
        self.greylist: dict[str, list[str]] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's name
        if address in self.refused:
            return self.refused[address]
        if self.greylist.get(address):
            return self.greylist[address].pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.original_content or envelope.content,
                                                      policy=email.policy.default))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self):
        self.mailbox = Mailbox()
        self.port = free_port()
        self.controller = None

    def start(self):
        if self.controller is None:
            self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
            self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(settings):
    """A started SMTP server the project's settings point at (`smtp.stop()` / `smtp.start()` to take it down
    and up again on the same port)."""
    server = SmtpServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # pytest-django's default is locmem
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.DEFAULT_FROM_EMAIL = "Bộ phận Một cửa <motcua@example.vn>"
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sms_standin(settings):
    """The SMS provider stand-in as its own process; settings point at its /sms endpoint."""
    standin = StandinProcess(module="motcua.standins.sms", token="sms-token")
    standin.start()
    settings.MOTCUA_SMS_URL, settings.MOTCUA_SMS_TOKEN, settings.MOTCUA_SMS_TIMEOUT = f"{standin.url}/sms", "sms-token", 5
    try:
        yield standin
    finally:
        standin.stop()


class Clock:
    def __init__(self, now=START):
        self.now = now
        self.slept = 0.0
        self.on_sleep = None  # called after each sleep, e.g. to bring a server back up

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += timedelta(seconds=seconds)
        self.slept += seconds
        if self.on_sleep is not None:
            self.on_sleep(self.now)


@pytest.fixture
def clock():
    return Clock()
