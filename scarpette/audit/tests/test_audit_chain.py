"""The audit log is append-only and tamper-evident."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from scarpette.audit import triggers
from scarpette.audit.models import AuditEvent
from scarpette.audit.sealing import seal_pending
from scarpette.audit.services import audit_log
from scarpette.audit.verify import verify_chain


@pytest.fixture
def events(personas):
    for index in range(5):
        audit_log(actor=personas.operator_a, action="test.event", detail={"n": index})
    seal_pending()  # what the commit of each request does
    return list(AuditEvent.objects.order_by("id"))


def run_verify(capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit_verify")
    return exit_info.value.code, capsys.readouterr().err


def test_it_verifies_an_intact_chain(events, capsys):
    call_command("audit_verify")
    assert "events verified" in capsys.readouterr().out
    assert verify_chain().ok


def test_the_application_cannot_update_audit_rows(events):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=events[0].pk).update(action="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        events[1].action = "changed"
        events[1].save()


def test_the_application_cannot_delete_audit_rows(events):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=events[0].pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        events[2].delete()
    assert AuditEvent.objects.count() == len(events)


@pytest.mark.postgres_only(reason="TRUNCATE is PostgreSQL's")
def test_the_application_cannot_truncate_audit_rows(events):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent")


def test_verify_detects_an_edited_row(events, capsys):
    # Someone with direct database access edits a row behind the application's back.
    with triggers.maintenance(connection), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET actor_label = %s WHERE id = %s",
            ["someone-else@example.org", events[2].pk],
        )
    code, err = run_verify(capsys)
    assert code == 1
    assert f"row {events[2].pk}: content does not match its hash" in err


def test_verify_detects_a_deleted_row(events, capsys):
    with triggers.maintenance(connection), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    code, err = run_verify(capsys)
    assert code == 1
    assert "missing" in err


def test_verify_detects_a_deleted_last_row(events, capsys):
    with triggers.maintenance(connection), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    code, err = run_verify(capsys)
    assert code == 1
    assert f"row {events[-1].pk} is missing (sealed in seal 1)" in err


def test_an_event_is_written_only_with_its_change(personas):
    from scarpette.cases.models import Case
    from scarpette.cases.services import case_open

    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        case_open(actor=personas.operator_a)
        raise RuntimeError("injected after the state change")
    assert AuditEvent.objects.count() == before
    assert not Case.objects.exists()
    assert verify_chain().ok
