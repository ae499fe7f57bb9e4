"""Her right of access (GDPR art. 15): everything held about one woman, as a PDF and as JSON.

Composes the later apps' rows (imported inside the function, as the percorso page does). Values
are given in words (statuses, purposes, roles, actions), never as internal codes.
"""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from scarpette.accounts.permissions import Perm, Role, require
from scarpette.audit.selectors import audit_events_for_centre
from scarpette.audit.services import audit_log
from scarpette.cases.models import Case, CaseIdentity, Consent

FILE_NAME = "documento"  # neutral: the file may stay on a shared device
FORMATS = ("pdf", "json")


def _when(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "hour"):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else value


def _question_labels(version) -> dict[str, str]:
    """Question name -> its Italian label, from the form version's survey sheet."""
    labels = {}
    for row in (version.rows or {}).get("survey", []):
        name = row.get("name")
        label = row.get("label::Italiano (it)") or row.get("label") or ""
        if name and label:
            labels[name] = label
    return labels


def _answers(answers: dict, labels: dict[str, str]) -> list[dict]:
    rows = []
    for name, value in sorted(answers.items()):
        if isinstance(value, list) and value and isinstance(value[0], dict):
            value = "; ".join(", ".join(f"{k}: {v}" for k, v in item.items()) for item in value)
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        rows.append({"question": labels.get(name, name), "answer": str(value)})
    return rows


def subject_access_data(*, actor, case: Case) -> dict:
    """Build the export. Permission: case.subject_access, on a percorso of her centre."""
    from scarpette.applications.models import Application
    from scarpette.core.templatetags.core_tags import need_labels, screening_status
    from scarpette.questionnaire.models import CaseNeed, QuestionnaireSession, ScreeningRun
    from scarpette.referrals.models import Consultation, Transmission, TransmissionEvent
    from scarpette.screening.catalogue import CATALOGUE

    require(actor, Perm.CASE_SUBJECT_ACCESS)
    if not Case.objects.visible_to(actor).filter(pk=case.pk).exists():
        raise PermissionDenied

    def measure(mid: str) -> str:
        found = CATALOGUE.by_id.get(mid)
        return found.name_it if found else mid

    identity = CaseIdentity.objects.filter(case=case).first()
    identity_rows = []
    if identity is not None:
        channels = ", ".join(_label(CaseIdentity.Channel, c) for c in identity.safe_channel_list)
        identity_rows = [
            {"field": _("Nome e cognome"), "value": identity.full_name},
            {"field": _("Codice fiscale"), "value": identity.tax_code},
            {"field": _("Telefono"), "value": identity.phone},
            {"field": _("E-mail"), "value": identity.email},
            {"field": _("Indirizzo"), "value": identity.address},
            {"field": _("Canali sicuri"), "value": channels},
            {"field": _("Orari sicuri"), "value": identity.safe_times},
        ]
    sessions = []
    for session in QuestionnaireSession.objects.filter(case=case).select_related("form_version"):
        sessions.append(
            {
                "started": _when(session.created_at),
                "completed": _when(session.completed_at),
                "status": _label(QuestionnaireSession.Status, session.status),
                "answers": _answers(session.answers, _question_labels(session.form_version)),
            }
        )
    screenings = [
        {
            "date": _when(run.as_of),
            "rules_version": run.rules_version,
            "results": [
                {
                    "measure": measure(r.get("measure", "")),
                    "result": screening_status(r.get("status")),
                }
                for r in run.results
            ],
        }
        for run in ScreeningRun.objects.filter(case=case).order_by("created_at", "id")
    ]
    transmissions = []
    for sent in Transmission.objects.filter(case=case).select_related("office").order_by("sent_at"):
        events = TransmissionEvent.objects.filter(transmission=sent).order_by("at", "id")
        transmissions.append(
            {
                "office": sent.office.name,
                "status": _label(Transmission.Status, sent.status),
                "sent": _when(sent.sent_at),
                "closed": _when(sent.closed_at),
                "question": sent.payload.get("question", ""),
                "events": [
                    {
                        "date": _when(e.at),
                        "step": _label(TransmissionEvent.Kind, e.kind),
                        "text": e.text,
                    }
                    for e in events
                ],
            }
        )
    consultations = []
    for item in (
        Consultation.objects.filter(case=case).select_related("office").order_by("asked_at")
    ):
        consultations.append(
            {
                "office": item.office.name,
                "status": _label(Consultation.Status, item.status),
                "asked": _when(item.asked_at),
                "measures": ", ".join(measure(m) for m in item.measures),
                "messages": [
                    {"date": _when(m.at), "from": str(m.get_side_display()), "text": m.text}
                    for m in item.messages.order_by("at", "id")
                ],
            }
        )
    applications = [
        {
            "measure": a.measure_name,
            "status": _label(Application.Status, a.status),
            "submitted_on": _when(a.submitted_on),
            "channel": a.channel,
            "protocol_number": a.protocol_number,
            "outcome": _label(Application.Outcome, a.outcome) if a.outcome else "",
            "amount": str(a.amount) if a.amount is not None else "",
            "amount_period": _label(Application.AmountPeriod, a.amount_period)
            if a.amount_period
            else "",
            "start_on": _when(a.start_on),
            "paid_on": _when(a.paid_on),
        }
        for a in Application.objects.filter(case=case)
    ]
    accesses = [
        {
            "date": _when(e.at),
            "who": e.actor_label or _("sistema"),
            "role": _label(Role, e.actor_role) if e.actor_role else "",
            "action": e.action_label,
            "outcome": str(e.get_outcome_display()),
        }
        for e in audit_events_for_centre(user=actor, object_id=str(case.public_id)).order_by("id")
    ]
    return {
        "document": _("Dati conservati sulla persona"),
        "produced_on": _when(timezone.now()),
        "percorso": {
            "code": case.code,
            "status": _label(Case.Status, case.status),
            "opened_on": _when(case.opened_on),
            "closed_on": _when(case.closed_on),
        },
        "identity": identity_rows,
        "consents": [
            {
                "purpose": _label(Consent.Purpose, c.purpose),
                "given": _when(c.recorded_at),
                "notice_version": c.notice_version,
                "withdrawn": _when(c.withdrawn_at),
            }
            for c in Consent.objects.filter(case=case).order_by("recorded_at", "id")
        ],
        "notes": [
            {"date": _when(n.created_at), "text": n.text}
            for n in case.notes.order_by("created_at", "id")
        ],
        "needs": need_labels(CaseNeed.objects.filter(case=case).values_list("need", flat=True)),
        "questionnaires": sessions,
        "screenings": screenings,
        "transmissions": transmissions,
        "consultations": consultations,
        "applications": applications,
        "accesses": accesses,
    }


@transaction.atomic
def subject_access_export(*, actor, case: Case, fmt: str) -> tuple[bytes, str, str]:
    """The export as (content, content type, file name), audited as
    `cases.case.subject_access_exported`. Permission: case.subject_access."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    data = subject_access_data(actor=actor, case=case)
    audit_log(
        actor=actor,
        action="cases.case.subject_access_exported",
        obj=case,
        organisation_id=case.centre_id,
        detail={"format": fmt},
    )
    if fmt == "json":
        content = json.dumps(data, ensure_ascii=False, indent=2).encode()
        return content, "application/json", f"{FILE_NAME}.json"
    from weasyprint import HTML

    html = render_to_string("cases/subject_access_document.html", {"data": data})
    return HTML(string=html).write_pdf(), "application/pdf", f"{FILE_NAME}.pdf"
