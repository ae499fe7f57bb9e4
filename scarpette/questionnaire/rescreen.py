"""Re-screening after a rules change: open percorsi are screened again on the facts of their
latest run, in batches, and a run whose statuses changed is flagged for the operators."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from scarpette.audit.services import audit_log
from scarpette.cases.models import Case
from scarpette.questionnaire.models import ScreeningRun
from scarpette.screening.catalogue import RULES_VERSION
from scarpette.screening.engine import screen


@dataclass
class RescreenReport:
    checked: int = 0
    rescreened: int = 0
    changed: int = 0


def _statuses(results: list[dict]) -> dict[str, str]:
    return {r["measure"]: r["status"] for r in results}


def rescreen_open_cases(*, batch_size: int = 500, today=None) -> RescreenReport:
    """Screen again every open percorso whose latest run used other rules. Idempotent: a second
    run finds nothing to do. Each batch is one transaction."""
    today = today or timezone.localdate()
    report = RescreenReport()
    last_id = 0
    while True:
        case_ids = list(
            Case.objects.filter(status=Case.Status.OPEN, id__gt=last_id)
            .order_by("id")
            .values_list("id", flat=True)[:batch_size]
        )
        if not case_ids:
            return report
        last_id = case_ids[-1]
        with transaction.atomic():
            latest = {}
            for run in ScreeningRun.objects.filter(case_id__in=case_ids).order_by(
                "case_id", "-created_at", "-id"
            ):
                latest.setdefault(run.case_id, run)
            for run in latest.values():
                report.checked += 1
                if run.rules_version == RULES_VERSION:
                    continue
                output = screen({**run.facts, "as_of": today.isoformat()})
                before, after = _statuses(run.results), _statuses(output["results"])
                changed = sorted(m for m in after if before.get(m) != after[m])
                new = ScreeningRun.objects.create(
                    case_id=run.case_id,
                    session_id=run.session_id,
                    as_of=today,
                    rules_version=output["rules_version"],
                    facts_json=run.facts_json,
                    results_json=json.dumps(output["results"], ensure_ascii=False),
                    changed_measures=changed,
                )
                report.rescreened += 1
                report.changed += bool(changed)
                audit_log(
                    actor=None,
                    action="screening.run.rescreened",
                    object_type="cases.case",
                    object_id=str(new.case.public_id),
                    organisation_id=new.case.centre_id,
                    detail={"run": str(new.public_id), "changed": changed},
                )
