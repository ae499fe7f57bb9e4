"""Check the audit chain: every row's hash, every link, no gap, and the head."""

from __future__ import annotations

from dataclasses import dataclass, field

from scarpette.audit.models import AuditChainHead, AuditEvent, chain_hash

BATCH = 5000


@dataclass
class VerifyResult:
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain(max_problems: int = 20) -> VerifyResult:
    result = VerifyResult()
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
            if chain_hash(event.prev_hash, event.canonical()) != event.hash:
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
    return result
