"""Re-screening after a rules change: open percorsi are screened again on the facts of their
latest run, in batches, and a run whose statuses changed is flagged for the operators.

Built for national scale (500,000 percorsi): per batch, one query for the open percorsi (keyset
pagination), one for the latest run of each (without decrypting anything), one to decrypt only the
stale runs, the screening in Python outside any transaction, then one short transaction that
re-checks nothing newer was saved meanwhile, bulk-inserts the new runs and appends their audit
events with one lock on the chain head. The audit lock is never held while screening.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from scarpette.audit.services import audit_log_many
from scarpette.cases.models import Case
from scarpette.questionnaire.models import ScreeningRun
from scarpette.questionnaire.selectors import latest_runs
from scarpette.questionnaire.signals import screening_saved
from scarpette.screening.catalogue import RULES_VERSION
from scarpette.screening.deadlines import DEADLINE_MEASURES
from scarpette.screening.engine import screen


@dataclass
class RescreenReport:
    checked: int = 0
    rescreened: int = 0
    changed: int = 0


def _statuses(results: list[dict]) -> dict[str, str]:
    return {r["measure"]: r["status"] for r in results}


def rescreen_open_cases(
    *, batch_size: int = 1000, today=None, shard: tuple[int, int] = (0, 1)
) -> RescreenReport:
    """Screen again every open percorso whose latest run used other rules. Idempotent: a second
    run finds nothing to do. Each batch writes in one short transaction; a percorso screened
    by an operator while the batch was computed is skipped (its new run is already current).

    `shard=(k, n)` takes only the percorsi whose id is k modulo n, so that n processes share the
    work without overlapping (`rescreen --workers n`)."""
    today = today or timezone.localdate()
    as_of = today.isoformat()
    report = RescreenReport()
    last_id = 0
    index, count = shard
    open_cases = Case.objects.filter(status=Case.Status.OPEN)
    if count > 1:
        open_cases = open_cases.annotate(shard=F("id") % count).filter(shard=index)
    while True:
        cases = list(
            open_cases.filter(id__gt=last_id)
            .order_by("id")
            .values_list("id", "public_id", "centre_id")[:batch_size]
        )
        if not cases:
            return report
        last_id = cases[-1][0]
        case_info = {case_id: (public_id, centre_id) for case_id, public_id, centre_id in cases}

        latest = latest_runs(case_info, only=("rules_version",))
        report.checked += len(latest)
        stale = [run.id for run in latest.values() if run.rules_version != RULES_VERSION]
        if not stale:
            continue

        new_runs = []
        changes = []
        for run in ScreeningRun.objects.filter(id__in=stale).only(
            "id", "case_id", "session_id", "facts_json", "results_json"
        ):
            output = screen({**run.facts, "as_of": as_of})
            before, after = _statuses(run.results), _statuses(output["results"])
            changed = sorted(m for m in after if before.get(m) != after[m])
            new_runs.append(
                ScreeningRun(
                    case_id=run.case_id,
                    session_id=run.session_id,
                    as_of=today,
                    rules_version=output["rules_version"],
                    facts_json=run.facts_json,
                    results_json=json.dumps(output["results"], ensure_ascii=False),
                    changed_measures=changed,
                )
            )
            changes.append((run.id, changed))

        with transaction.atomic():
            # Skip a percorso that got a newer run while this batch was being computed.
            current = dict(
                ScreeningRun.objects.filter(case_id__in=[r.case_id for r in new_runs])
                .values("case_id")
                .annotate(newest=Max("id"))
                .values_list("case_id", "newest")
            )
            keep = [
                (new, changed)
                for new, (old_id, changed) in zip(new_runs, changes, strict=True)
                if current.get(new.case_id) == old_id
            ]
            ScreeningRun.objects.bulk_create([new for new, _changed in keep], batch_size=1000)
            # Deadlines follow a run only where a measure that has one changed status.
            screening_saved.send(
                sender=ScreeningRun,
                runs=[new for new, changed in keep if DEADLINE_MEASURES.intersection(changed)],
            )
            audit_log_many(
                actor=None,
                action="screening.run.rescreened",
                events=[
                    {
                        "object_type": "cases.case",
                        "object_id": str(case_info[new.case_id][0]),
                        "organisation_id": case_info[new.case_id][1],
                        "detail": {"run": str(new.public_id), "changed": changed},
                    }
                    for new, changed in keep
                ],
            )
        report.rescreened += len(keep)
        report.changed += sum(1 for _new, changed in keep if changed)
