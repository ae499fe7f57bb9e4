"""Check the audit log: the old per-row chain, every seal's link and the events it names, every
event's keyed MAC, no event left unsealed, the head, and the signed checkpoints kept outside the
database (scarpette.audit.checkpoint)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q

from scarpette.audit import checkpoint as checkpoints
from scarpette.audit.models import (
    AuditChainHead,
    AuditEvent,
    AuditSeal,
    chain_hash,
    legacy_chain_hash,
    parse_ranges,
    row_mac,
    seal_hash,
)

BATCH = 5000
SEALS_PER_READ = 500


@dataclass
class VerifyResult:
    checked: int = 0
    legacy: int = 0  # rows written before the chain was keyed
    seals: int = 0
    pending: int = 0  # events committed but not sealed yet (a sealer is about to)
    checkpoints: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, text: str) -> None:
        self.problems.append(text)


def verify_chain(max_problems: int = 20, checkpoint_dir: str | None = None) -> VerifyResult:
    result = VerifyResult()
    head = AuditChainHead.objects.filter(pk=1).first() or AuditChainHead()
    tip = _verify_old_chain(result, head, max_problems)
    sealed = _verify_seals(result, head, tip, max_problems)
    if len(result.problems) < max_problems:
        _verify_every_event_sealed(result, head, sealed, max_problems)
    _check_checkpoints(
        result, settings.AUDIT_CHECKPOINT_DIR if checkpoint_dir is None else checkpoint_dir
    )
    return result


def _verify_old_chain(result: VerifyResult, head: AuditChainHead, max_problems: int) -> str:
    """The rows of the per-row chain (ids 1..head.last_id); returns its last hash."""
    keyed_seen = False
    expected_prev = "0" * 64
    expected_id = 1
    last_id = 0
    while len(result.problems) < max_problems and last_id < head.last_id:
        rows = list(
            AuditEvent.objects.filter(id__gt=last_id, id__lte=head.last_id).order_by("id")[:BATCH]
        )
        if not rows:
            break
        for event in rows:
            if event.id != expected_id:
                result.problem(f"rows {expected_id}..{event.id - 1} are missing")
            if event.prev_hash != expected_prev:
                result.problem(f"row {event.id}: link to the previous row is broken")
            canonical = event.canonical()
            if chain_hash(event.prev_hash, canonical) == event.hash:
                keyed_seen = True
            elif not keyed_seen and legacy_chain_hash(event.prev_hash, canonical) == event.hash:
                result.legacy += 1  # an unkeyed row is accepted only before the first keyed one
            else:
                result.problem(f"row {event.id}: content does not match its hash")
            expected_prev = event.hash
            expected_id = event.id + 1
            result.checked += 1
        last_id = rows[-1].id
    if head.last_id and expected_id - 1 != head.last_id and len(result.problems) < max_problems:
        result.problem(
            f"the chain ends at row {expected_id - 1} but {head.last_id} rows were written"
        )
    return expected_prev


def _events_by_id(ids: list[int]) -> dict[int, AuditEvent]:
    """The events of a run of seals: one range read where they are dense, else by id."""
    low, high = min(ids), max(ids)
    if high - low < 4 * len(ids) + 1000:
        rows = AuditEvent.objects.filter(id__gte=low, id__lte=high)
    else:
        rows = AuditEvent.objects.filter(id__in=ids)
    return {event.id: event for event in rows.iterator(chunk_size=BATCH)}


def _verify_seals(result: VerifyResult, head: AuditChainHead, tip: str, max_problems: int) -> int:
    """Every seal in order: numbered without gaps, linked, naming existing, intact events.
    Returns how many events the seals name."""
    expected_seq = 1
    expected_prev = tip
    sealed = 0
    while len(result.problems) < max_problems:
        seals = list(
            AuditSeal.objects.filter(seq__gte=expected_seq).order_by("seq")[:SEALS_PER_READ]
        )
        if not seals:
            break
        named = {seal.seq: parse_ranges(seal.events) for seal in seals}
        events = _events_by_id([i for ids in named.values() for i in ids])
        for seal in seals:
            if seal.seq != expected_seq:
                result.problem(f"seals {expected_seq}..{seal.seq - 1} are missing")
            if seal.prev_hash != expected_prev:
                result.problem(f"seal {seal.seq}: link to the previous seal is broken")
            pairs = []
            for event_id in named[seal.seq]:
                event = events.get(event_id)
                if event is None:
                    result.problem(f"row {event_id} is missing (sealed in seal {seal.seq})")
                    pairs.append((event_id, ""))
                    continue
                sealed += 1
                if event.prev_hash or row_mac(event.canonical()) != event.hash:
                    result.problem(f"row {event_id}: content does not match its hash")
                pairs.append((event_id, event.hash))
                result.checked += 1
            if seal_hash(seal.prev_hash, seal.seq, pairs) != seal.hash:
                result.problem(f"seal {seal.seq}: content does not match its hash")
            result.seals += 1
            expected_prev = seal.hash
            expected_seq = seal.seq + 1
            if len(result.problems) >= max_problems:
                return sealed
    last_seq = expected_seq - 1
    if last_seq != head.seal_seq:
        result.problem(f"the chain ends at seal {last_seq} but {head.seal_seq} seals were written")
    elif head.seal_seq and head.last_hash != expected_prev:
        result.problem("the last seal does not match the chain head")
    elif not head.seal_seq and head.last_id and head.last_hash != tip:
        result.problem("the last row does not match the chain head")
    return sealed


def _verify_every_event_sealed(
    result: VerifyResult, head: AuditChainHead, sealed: int, max_problems: int
) -> None:
    """Every event after the old chain is sealed, or pending: committed after the last seal (or
    in a recent hole). An event that is neither was inserted behind the sealer's back."""
    pending = Q(id__gt=head.sealed_through)
    for start, end, seen in head.holes:
        if time.time() - seen < settings.AUDIT_HOLE_GRACE_SECONDS:
            pending |= Q(id__gte=start, id__lte=end)
    newer = AuditEvent.objects.filter(id__gt=head.last_id)
    waiting = list(newer.filter(pending).order_by("id"))
    for event in waiting:
        if event.prev_hash or row_mac(event.canonical()) != event.hash:
            result.problem(f"row {event.id}: content does not match its hash")
        result.checked += 1
    result.pending = len(waiting)
    total = newer.count()
    if total == sealed + len(waiting):
        return
    # Rare, and only when something is wrong: find which rows no seal names.
    named: set[int] = set()
    for text in AuditSeal.objects.values_list("events", flat=True).iterator(chunk_size=BATCH):
        named.update(parse_ranges(text))
    waiting_ids = {event.id for event in waiting}
    unsealed = [
        event_id
        for event_id in newer.values_list("id", flat=True).order_by("id").iterator(chunk_size=BATCH)
        if event_id not in named and event_id not in waiting_ids
    ]
    for event_id in unsealed[: max(0, max_problems - len(result.problems))]:
        result.problem(f"row {event_id} was never sealed (inserted behind the application)")


def _check_checkpoints(result: VerifyResult, directory: str) -> None:
    found, unreadable = checkpoints.load(directory)
    for name in unreadable:
        result.problem(f"checkpoint {name}: unreadable")
    for point in found:
        result.checkpoints += 1
        noun = "seal" if point.kind == "seal" else "row"
        what = f"{noun} {point.last_id}"
        if not checkpoints.signature_ok(point):
            result.problem(f"checkpoint of {what}: signature does not match")
            continue
        if point.kind == "seal":
            stored = AuditSeal.objects.filter(pk=point.last_id).values_list("hash", flat=True)
        else:
            stored = AuditEvent.objects.filter(pk=point.last_id).values_list("hash", flat=True)
        stored = stored.first()
        if stored is None:
            result.problem(f"checkpoint of {what}: the {noun} is gone (the log was truncated)")
        elif stored != point.last_hash:
            result.problem(
                f"checkpoint of {what}: the {noun}'s hash changed (the log was rewritten)"
            )
