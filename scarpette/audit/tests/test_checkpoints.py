"""The audit chain is keyed and checkpointed outside the database: the two rewrites that plain
database access allows are detected (security.md battery 15; threat model in docs/security.md)."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from django.core.management import call_command
from django.db import connection

from scarpette.audit import services, triggers
from scarpette.audit.checkpoint import write
from scarpette.audit.models import (
    AuditChainHead,
    AuditEvent,
    AuditSeal,
    chain_hash,
    legacy_chain_hash,
    parse_ranges,
    seal_hash,
)
from scarpette.audit.sealing import seal_pending
from scarpette.audit.services import audit_log
from scarpette.audit.verify import verify_chain


@pytest.fixture
def checkpoint_dir(tmp_path, settings):
    settings.AUDIT_CHECKPOINT_DIR = str(tmp_path / "checkpoints")
    return tmp_path / "checkpoints"


@pytest.fixture
def events(personas):
    """Six events, each sealed on its own (one request each)."""
    for index in range(6):
        audit_log(actor=personas.operator_a, action="test.event", detail={"n": index})
        seal_pending()
    return list(AuditEvent.objects.order_by("id"))


def run_sql(statements):
    with triggers.maintenance(connection), connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


def truncate_tail_and_move_head_back(events, keep: int):
    kept = events[keep - 1]
    run_sql(
        [
            ("DELETE FROM audit_auditevent WHERE id > %s", [kept.id]),
            ("DELETE FROM audit_auditseal WHERE seq > %s", [keep]),
            (
                "UPDATE audit_auditchainhead SET seal_seq = %s, last_hash = %s, "
                "sealed_through = %s WHERE id = 1",
                [keep, AuditSeal.objects.get(seq=keep).hash, kept.id],
            ),
        ]
    )


def rewrite_from(events, index: int, mac_function, link_function):
    """Edit one event and recompute its MAC, then every seal from its own on, and the head."""
    target = events[index]
    target.actor_label = "x@example.org"
    statements = [
        (
            "UPDATE audit_auditevent SET actor_label = %s, hash = %s WHERE id = %s",
            [target.actor_label, mac_function(target.canonical()), target.id],
        )
    ]
    run_sql(statements)
    seals = list(AuditSeal.objects.order_by("seq"))
    hashes = dict(AuditEvent.objects.values_list("id", "hash"))
    prev = seals[0].prev_hash
    statements = []
    for seal in seals:
        link = link_function(prev, seal.seq, [(i, hashes[i]) for i in parse_ranges(seal.events)])
        statements.append(
            (
                "UPDATE audit_auditseal SET prev_hash = %s, hash = %s WHERE seq = %s",
                [prev, link, seal.seq],
            )
        )
        prev = link
    statements.append(("UPDATE audit_auditchainhead SET last_hash = %s WHERE id = 1", [prev]))
    run_sql(statements)


def keyed_with(key: bytes):
    def mac(canonical):
        return hmac.new(key, f"row|{canonical}".encode(), hashlib.sha256).hexdigest()

    def link(prev, seq, pairs):
        text = f"seal|{seq}|{prev}" + "".join(f"|{i}:{h}" for i, h in pairs)
        return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()

    return mac, link


def test_an_intact_chain_with_checkpoints_verifies(events, checkpoint_dir, capsys):
    call_command("audit_checkpoint")
    assert "checkpoint of seal 6 written" in capsys.readouterr().out
    audit_log(actor=None, action="test.after")  # the log goes on after a checkpoint
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert f"{len(events) + 1} events verified in 7 seals" in out
    assert "1 checkpoints match" in out


def test_truncating_the_tail_and_moving_the_head_back_is_detected(events, checkpoint_dir):
    write()
    truncate_tail_and_move_head_back(events, keep=3)
    assert verify_chain().problems == [
        "checkpoint of seal 6: the seal is gone (the log was truncated)"
    ]


def test_without_a_checkpoint_the_truncation_would_pass(events, checkpoint_dir):
    # Why checkpoints exist: the chain alone cannot see a cut tail with a moved head.
    truncate_tail_and_move_head_back(events, keep=3)
    assert verify_chain().ok


def test_rewriting_an_event_without_the_key_is_detected(events, checkpoint_dir):
    def unkeyed_mac(canonical):
        return hashlib.sha256(f"row|{canonical}".encode()).hexdigest()

    rewrite_from(events, 2, unkeyed_mac, lambda prev, seq, pairs: "0" * 64)
    problems = verify_chain().problems
    assert f"row {events[2].id}: content does not match its hash" in problems


def test_rewriting_with_a_guessed_key_is_detected(events, checkpoint_dir):
    rewrite_from(events, 2, *keyed_with(b"k" * 32))
    problems = verify_chain().problems
    assert f"row {events[2].id}: content does not match its hash" in problems
    assert "seal 3: content does not match its hash" in problems


def test_rewriting_with_the_key_is_still_caught_by_a_checkpoint(events, checkpoint_dir, settings):
    # Even an attacker holding the key (but not the checkpoint store) is caught.
    write()
    rewrite_from(events, 2, *keyed_with(settings.AUDIT_HMAC_KEY))
    assert verify_chain().problems == [
        "checkpoint of seal 6: the seal's hash changed (the log was rewritten)"
    ]


def test_an_event_inserted_behind_the_sealer_is_reported(events, settings, monkeypatch):
    # Even with a valid MAC (the key), a row whose id the sealer passed and never saw is caught.
    last = events[-1].id
    # The sequence moved on past ids of transactions that rolled back: a hole the sealer waits
    # for, then gives up.
    monkeypatch.setattr(services, "_allocate_ids", lambda count: [last + 10])
    audit_log(actor=None, action="test.after")
    seal_pending()
    assert AuditChainHead.objects.get().holes[-1][:2] == [last + 1, last + 9]
    settings.AUDIT_HOLE_GRACE_SECONDS = 0
    seal_pending()
    assert AuditChainHead.objects.get().holes == []
    forged = AuditEvent(id=last + 5, at=events[-1].at, action="test.event", detail={})
    forged.hash = forged.compute_hash()
    forged.save(force_insert=True)
    assert verify_chain().problems == [
        f"row {forged.id} was never sealed (inserted behind the application)"
    ]


def test_an_event_of_a_transaction_still_running_is_sealed_when_it_commits(events, monkeypatch):
    last = events[-1].id
    ids = iter([[last + 2], [last + 1]])  # the later transaction commits first
    monkeypatch.setattr(services, "_allocate_ids", lambda count: next(ids))
    audit_log(actor=None, action="test.after")
    seal_pending()
    assert AuditChainHead.objects.get().holes[-1][:2] == [last + 1, last + 1]
    assert verify_chain().ok  # a hole is pending, not a problem
    audit_log(actor=None, action="test.after")
    seal_pending()
    head = AuditChainHead.objects.get()
    assert all(not low <= last + 1 <= high for low, high, _seen in head.holes)
    assert parse_ranges(AuditSeal.objects.get(seq=head.seal_seq).events) == [last + 1]
    result = verify_chain()
    assert result.ok, result.problems
    assert (result.checked, result.pending) == (len(events) + 2, 0)


def test_a_forged_checkpoint_is_refused(events, checkpoint_dir):
    write()
    (file,) = checkpoint_dir.glob("checkpoint-*.json")
    data = json.loads(file.read_text())
    data["last_id"] = 3
    data["last_hash"] = AuditSeal.objects.get(seq=3).hash
    file.write_text(json.dumps(data))
    assert verify_chain().problems == ["checkpoint of seal 3: signature does not match"]


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


def old_chain(personas, rows: int, hash_function, *, keyed_from: int = 0) -> list[AuditEvent]:
    """Rows as the per-row chain wrote them before the seals (ids 1..rows), and the head it
    left; the migration then marked them all as sealed through."""
    prev = "0" * 64
    written = []
    for index in range(1, rows + 1):
        event = AuditEvent(
            id=index,
            at=personas.operator_a.date_joined,
            action="test.legacy",
            prev_hash=prev,
            detail={"n": index},
        )
        function = chain_hash if keyed_from and index >= keyed_from else hash_function
        event.hash = prev = function(prev, event.canonical())
        event.save(force_insert=True)
        written.append(event)
    AuditChainHead.objects.update_or_create(
        pk=1, defaults={"last_id": rows, "last_hash": prev, "sealed_through": rows}
    )
    return written


@pytest.fixture
def empty_log(db):
    with triggers.maintenance(connection), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
        cursor.execute("DELETE FROM audit_auditseal")
    AuditChainHead.objects.update_or_create(
        pk=1,
        defaults={
            "last_id": 0,
            "last_hash": "0" * 64,
            "seal_seq": 0,
            "sealed_through": 0,
            "holes": [],
        },
    )


def test_the_old_chain_verifies_and_the_first_seal_links_to_it(empty_log, personas):
    rows = old_chain(personas, 3, legacy_chain_hash, keyed_from=2)
    audit_log(actor=None, action="test.keyed")
    seal_pending()
    assert AuditSeal.objects.get().prev_hash == rows[-1].hash
    result = verify_chain()
    assert result.ok, result.problems
    assert (result.legacy, result.checked, result.seals) == (1, 4, 1)


def test_an_unkeyed_row_after_a_keyed_one_in_the_old_chain_is_a_rewrite(empty_log, personas):
    old_chain(personas, 2, chain_hash)
    third = AuditEvent(
        id=3,
        at=personas.operator_a.date_joined,
        action="test.legacy_again",
        prev_hash=AuditEvent.objects.get(id=2).hash,
        detail={},
    )
    third.hash = legacy_chain_hash(third.prev_hash, third.canonical())
    third.save(force_insert=True)
    AuditChainHead.objects.filter(pk=1).update(last_id=3, last_hash=third.hash, sealed_through=3)
    assert verify_chain().problems == ["row 3: content does not match its hash"]


def test_a_seal_that_names_a_wrong_link_is_reported(events):
    assert seal_hash("0" * 64, 1, []) != AuditSeal.objects.get(seq=1).hash
    run_sql([("UPDATE audit_auditseal SET prev_hash = %s WHERE seq = 4", ["f" * 64])])
    problems = verify_chain().problems
    assert "seal 4: link to the previous seal is broken" in problems
