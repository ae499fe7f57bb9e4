"""`requeue_failed_mail`: counts, --dry-run, audit, and no traceback on bad input."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from scarpette.audit.models import AuditEvent
from scarpette.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


def _failed(n: int) -> None:
    for i in range(n):
        OutboxMessage.objects.create(
            key=f"k:{i}", template="inps_reply", recipient=f"op{i}@example.org", status="failed"
        )


def _run(*args: str) -> str:
    out = StringIO()
    call_command("requeue_failed_mail", *args, stdout=out)
    return out.getvalue()


def test_dry_run_counts_and_changes_nothing():
    _failed(3)
    assert _run("--dry-run").strip() == "failed e-mails that would be re-queued: 3"
    assert OutboxMessage.objects.filter(status="failed").count() == 3
    assert not AuditEvent.objects.filter(action="notifications.outbox.requeued").exists()


def test_it_requeues_every_failed_message_once_and_audits_it():
    _failed(3)
    OutboxMessage.objects.create(
        key="s", template="inps_reply", recipient="s@example.org", status="sent"
    )
    assert _run().strip() == "failed e-mails re-queued: 3"
    assert OutboxMessage.objects.filter(status="queued").count() == 3
    assert OutboxMessage.objects.get(key="s").status == "sent"
    event = AuditEvent.objects.get(action="notifications.outbox.requeued")
    assert event.detail == {"count": 3}
    assert event.actor_id is None and event.actor_label == "manage.py requeue_failed_mail"
    assert _run().strip() == "failed e-mails re-queued: 0"
    assert AuditEvent.objects.filter(action="notifications.outbox.requeued").count() == 1


def test_an_unknown_option_is_a_command_error():
    with pytest.raises(CommandError, match="unrecognized arguments"):
        _run("--everything")


def test_bad_input_from_the_shell_prints_usage_not_a_traceback():
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [sys.executable, "manage.py", "requeue_failed_mail", "--dry-run=yes"],
        cwd=root,
        env={"SCARPETTE_ENV": "test", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "usage:" in result.stderr and "Traceback" not in result.stderr
