"""Her applications and their outcomes in her right-of-access export (cases.contributions)."""

from __future__ import annotations

from scarpette.applications.models import Application
from scarpette.cases.subject_access import choice_label, when


def applications_subject_access(*, case) -> dict:
    applications = [
        {
            "measure": a.measure_name,
            "status": choice_label(Application.Status, a.status),
            "submitted_on": when(a.submitted_on),
            "channel": a.channel,
            "protocol_number": a.protocol_number,
            "outcome": choice_label(Application.Outcome, a.outcome) if a.outcome else "",
            "amount": str(a.amount) if a.amount is not None else "",
            "amount_period": choice_label(Application.AmountPeriod, a.amount_period)
            if a.amount_period
            else "",
            "start_on": when(a.start_on),
            "paid_on": when(a.paid_on),
        }
        for a in Application.objects.filter(case=case)
    ]
    return {"applications": applications}
