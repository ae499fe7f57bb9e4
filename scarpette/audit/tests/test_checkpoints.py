"""The audit chain is keyed and checkpointed outside the database: the two rewrites that plain
database access allows are detected (security.md battery 15; threat model in docs/security.md)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.db import connection

from scarpette.audit import triggers
from scarpette.audit.checkpoint import write
from scarpette.audit.models import AuditChainHead, AuditEvent, legacy_chain_hash
from scarpette.audit.services import audit_log
from scarpette.audit.verify import verify_chain


@pytest.fixture
def checkpoint_dir(tmp_path, settings):
    settings.AUDIT_CHECKPOINT_DIR = str(tmp_path / "checkpoints")
    return tmp_path / "checkpoints"


@pytest.fixture
def events(personas):
    for index in range(6):
        audit_log(actor=personas.operator_a, action="test.event", detail={"n": index})
    return list(AuditEvent.objects.order_by("id"))


def rows_and_head(statements):
    with triggers.maintenance(connection), connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


def truncate_tail_and_move_head_back(events, keep: int):
    kept = events[keep - 1]
    rows_and_head(
        [
            ("DELETE FROM audit_auditevent WHERE id > %s", [kept.id]),
            (
                "UPDATE audit_auditchainhead SET last_id = %s, last_hash = %s WHERE id = 1",
                [kept.id, kept.hash],
            ),
        ]
    )


def rewrite_from(events, index: int, hash_function):
    """Edit one row, then recompute its hash and every later one, and the head."""
    statements = [
        (
            "UPDATE audit_auditevent SET actor_label = %s WHERE id = %s",
            ["x@example.org", events[index].id],
        )
    ]
    prev = events[index - 1].hash
    for event in events[index:]:
        event.refresh_from_db()
        if event.id == events[index].id:
            event.actor_label = "x@example.org"
        event.prev_hash = prev
        event.hash = hash_function(prev, event.canonical())
        statements.append(
            (
                "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
                [event.prev_hash, event.hash, event.id],
            )
        )
        prev = event.hash
    statements.append(("UPDATE audit_auditchainhead SET last_hash = %s WHERE id = 1", [prev]))
    rows_and_head(statements)


def test_an_intact_chain_with_checkpoints_verifies(events, checkpoint_dir, capsys):
    call_command("audit_checkpoint")
    assert "checkpoint of row" in capsys.readouterr().out
    audit_log(actor=None, action="test.after")  # the log goes on after a checkpoint
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert f"{len(events) + 1} events verified" in out
    assert "1 checkpoints match" in out


def test_truncating_the_tail_and_moving_the_head_back_is_detected(events, checkpoint_dir):
    write()
    truncate_tail_and_move_head_back(events, keep=3)
    result = verify_chain()
    assert result.problems == [
        f"checkpoint of row {events[-1].id}: the row is gone (the log was truncated)"
    ]


def test_without_a_checkpoint_the_truncation_would_pass(events, checkpoint_dir):
    # Why checkpoints exist: the chain alone cannot see a cut tail with a moved head.
    truncate_tail_and_move_head_back(events, keep=3)
    assert verify_chain().ok


def test_rewriting_rows_with_the_unkeyed_hash_is_detected(events, checkpoint_dir):
    rewrite_from(events, 2, legacy_chain_hash)
    problems = verify_chain().problems
    assert f"row {events[2].id}: content does not match its hash" in problems


def test_rewriting_rows_with_a_guessed_key_is_detected(events, checkpoint_dir):
    import hashlib
    import hmac

    def wrong_key(prev, canonical):
        return hmac.new(b"k" * 32, f"{prev}|{canonical}".encode(), hashlib.sha256).hexdigest()

    rewrite_from(events, 2, wrong_key)
    assert f"row {events[2].id}: content does not match its hash" in verify_chain().problems


def test_rewriting_with_the_key_is_still_caught_by_a_checkpoint(events, checkpoint_dir, settings):
    # Even an attacker holding the key (but not the checkpoint store) is caught.
    from scarpette.audit.models import chain_hash

    write()
    rewrite_from(events, 2, chain_hash)
    assert verify_chain().problems == [
        f"checkpoint of row {events[-1].id}: the row's hash changed (the log was rewritten)"
    ]


def test_a_forged_checkpoint_is_refused(events, checkpoint_dir):
    write()
    (file,) = checkpoint_dir.glob("checkpoint-*.json")
    data = json.loads(file.read_text())
    data["last_id"] = events[2].id
    data["last_hash"] = events[2].hash
    file.write_text(json.dumps(data))
    assert verify_chain().problems == [
        f"checkpoint of row {events[2].id}: signature does not match"
    ]


def test_a_checkpoint_needs_a_destination(events, settings):
    from django.core.management.base import CommandError

    settings.AUDIT_CHECKPOINT_DIR = ""
    settings.AUDIT_CHECKPOINT_EMAIL = ""
    with pytest.raises(CommandError, match="AUDIT_CHECKPOINT_DIR"):
        call_command("audit_checkpoint")


def test_a_checkpoint_can_go_by_mail_without_personal_data(events, settings, mailoutbox):
    settings.AUDIT_CHECKPOINT_DIR = ""
    settings.AUDIT_CHECKPOINT_EMAIL = "registro@example.org"
    point, destinations = write()
    assert destinations == ["e-mail"]
    (message,) = mailoutbox
    assert message.to == ["registro@example.org"]
    assert json.loads(message.body)["last_hash"] == point.last_hash
    assert "op.a@example.org" not in message.body


def test_rows_written_before_the_key_verify_only_as_a_prefix(personas, checkpoint_dir, monkeypatch):
    # A log written before the chain was keyed keeps verifying; an unkeyed row after a keyed one
    # is a rewrite.
    def unkeyed(event):
        return legacy_chain_hash(event.prev_hash, event.canonical())

    with monkeypatch.context() as patch:
        patch.setattr(AuditEvent, "compute_hash", unkeyed)
        audit_log(actor=None, action="test.legacy")
    audit_log(actor=None, action="test.keyed")
    result = verify_chain()
    assert result.ok
    assert result.legacy == 1
    monkeypatch.setattr(AuditEvent, "compute_hash", unkeyed)
    audit_log(actor=None, action="test.legacy_again")
    last = AuditChainHead.objects.get().last_id
    assert verify_chain().problems == [f"row {last}: content does not match its hash"]
