"""A real SMTP server (aiosmtpd) on 127.0.0.1 and a synchronous run of the database task worker."""

from __future__ import annotations

import asyncio
import logging
import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


class SmtpSink:
    """An SMTP server that keeps what it receives. It is started by `start()`, so a test can
    first find the port closed (server down) and then bring it up on the same port."""

    def __init__(self, port: int):
        self.port = port
        self.envelopes = []
        self.refuse_recipients = False
        self.delay = 0.0  # seconds to hold each message, to make deliveries overlap
        self._controller: Controller | None = None

    # aiosmtpd handler hooks
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_recipients:
            return f"550 5.1.1 <{address}>: Recipient address rejected"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        # Kept as soon as the data arrive; `delay` holds back only the reply, as a slow server
        # whose "250 OK" may never reach a client that dies meanwhile.
        self.envelopes.append(envelope)
        await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"

    def start(self) -> SmtpSink:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_sink(settings):
    """The SMTP backend pointed at a free local port, with the sink not yet listening."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-connection chatter
    sink = SmtpSink(_free_port())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield sink
    sink.stop()


@pytest.fixture
def smtp_server(smtp_sink):
    """The SMTP sink, listening."""
    return smtp_sink.start()


@pytest.fixture
def run_worker(monkeypatch, django_capture_on_commit_callbacks):
    """Run the database task worker in this process until no task is ready (`db_worker --batch`),
    running the on-commit callbacks of the tasks (retries are enqueued after commit)."""
    from django_tasks_db.management.commands import db_worker

    # The worker recycles database connections between tasks; inside the test's transaction that
    # would close the connection under the test.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            db_worker.Worker(
                queue_names=["default"],
                interval=0,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id="test-worker",
                excluded_queue_names=[],
            ).run()

    return run
