"""Check the audit chain: every row's keyed hash, every link, no gap, the head, and the signed
checkpoints kept outside the database (scarpette.audit.checkpoint)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

from scarpette.audit import checkpoint as checkpoints
from scarpette.audit.models import AuditChainHead, AuditEvent, chain_hash, legacy_chain_hash

BATCH = 5000


@dataclass
class VerifyResult:
    checked: int = 0
    legacy: int = 0  # rows written before the chain was keyed
    checkpoints: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain(max_problems: int = 20, checkpoint_dir: str | None = None) -> VerifyResult:
    result = VerifyResult()
    keyed_seen = False
    expected_prev = "0" * 64
    expected_id = 1
    last_id = 0
    while len(result.problems) < max_problems:
        rows = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:BATCH])
        if not rows:
            break
        for event in rows:
            if event.id != expected_id:
                result.problems.append(f"rows {expected_id}..{event.id - 1} are missing")
            if event.prev_hash != expected_prev:
                result.problems.append(f"row {event.id}: link to the previous row is broken")
            canonical = event.canonical()
            if chain_hash(event.prev_hash, canonical) == event.hash:
                keyed_seen = True
            elif not keyed_seen and legacy_chain_hash(event.prev_hash, canonical) == event.hash:
                result.legacy += 1  # an unkeyed row is accepted only before the first keyed one
            else:
                result.problems.append(f"row {event.id}: content does not match its hash")
            expected_prev = event.hash
            expected_id = event.id + 1
            result.checked += 1
        last_id = rows[-1].id
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_id != expected_id - 1 and len(result.problems) < max_problems:
        result.problems.append(
            f"the chain ends at row {expected_id - 1} but {head.last_id} rows were written"
        )
    elif head is not None and head.last_id and head.last_hash != expected_prev:
        result.problems.append("the last row does not match the chain head")
    _check_checkpoints(
        result, settings.AUDIT_CHECKPOINT_DIR if checkpoint_dir is None else checkpoint_dir
    )
    return result


def _check_checkpoints(result: VerifyResult, directory: str) -> None:
    found, unreadable = checkpoints.load(directory)
    for name in unreadable:
        result.problems.append(f"checkpoint {name}: unreadable")
    for point in found:
        result.checkpoints += 1
        if not checkpoints.signature_ok(point):
            result.problems.append(f"checkpoint of row {point.last_id}: signature does not match")
            continue
        stored = AuditEvent.objects.filter(pk=point.last_id).values_list("hash", flat=True).first()
        if stored is None:
            result.problems.append(
                f"checkpoint of row {point.last_id}: the row is gone (the log was truncated)"
            )
        elif stored != point.last_hash:
            result.problems.append(
                f"checkpoint of row {point.last_id}: the row's hash changed (the log was rewritten)"
            )
