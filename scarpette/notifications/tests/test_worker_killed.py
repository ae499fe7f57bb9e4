"""On PostgreSQL, a real `db_worker` process killed after the SMTP server took the message and
before the commit: the task stays RUNNING, the sweeper reclaims it and sends the message again,
with the same Message-ID (at least once, de-duplicable)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from scarpette.notifications.delivery import message_id_for
from scarpette.notifications.models import OutboxMessage
from scarpette.notifications.services import notify

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres_only(reason="a real worker needs PostgreSQL"),
]

ROOT = Path(__file__).resolve().parents[3]


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait_for(predicate, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def test_a_worker_killed_between_the_smtp_answer_and_the_commit_leaves_nothing_stuck(
    smtp_server, settings_override_stale
):
    smtp_server.delay = 5  # the server holds its "250 OK": the worker is killed while waiting
    with transaction.atomic():
        (message,) = notify(
            key="k:kill",
            to="ref.a@example.org",
            template="inps_reply",
            context={"link": "http://127.0.0.1:8000/x/"},
        )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_SETTINGS")},
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "SCARPETTE_ENV": "test",
        "DATABASE_URL": _database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
        "TASKS_BACKEND": "database",
    }
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        # The server has the message's data; the worker waits for the reply inside its transaction.
        _wait_for(lambda: len(smtp_server.envelopes) == 1)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)
    smtp_server.delay = 0

    task_result = DBTaskResult.objects.get()
    assert task_result.status == "RUNNING"  # what a dead worker leaves behind
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.QUEUED, 0)

    out = StringIO()
    with time_machine.travel(task_result.started_at + timedelta(minutes=16)):
        call_command("send_pending_mail", stdout=out)
    assert "stale tasks reclaimed 1" in out.getvalue() and "sent 1" in out.getvalue()
    task_result.refresh_from_db()
    assert task_result.status == "FAILED"
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    mails = smtp_server.messages
    assert len(mails) == 2
    assert mails[0]["Message-ID"] == mails[1]["Message-ID"] == message_id_for(message)


@pytest.fixture
def settings_override_stale(settings):
    settings.TASKS_STALE_MINUTES = 15
    return settings
