"""Her right of access (GDPR art. 15): everything held about one woman, as a PDF and as JSON.

Each later app adds its own sections through its `subject_access` contribution
(cases.contributions); `when` and `choice_label` are the shared ways of writing values. Values
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
from scarpette.cases import contributions
from scarpette.cases.models import Case, CaseIdentity, Consent
from scarpette.cases.services import case_audit

FILE_NAME = "documento"  # neutral: the file may stay on a shared device
FORMATS = ("pdf", "json")


def when(value) -> str:
    """A date or a time in Italian digits (for the export's rows)."""
    if value is None:
        return ""
    if hasattr(value, "hour"):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def choice_label(choices, value) -> str:
    """A stored choice in words."""
    return str(choices(value).label) if value in choices.values else value


def subject_access_data(*, actor, case: Case) -> dict:
    """Build the export. Permission: case.subject_access, on a percorso of her centre."""
    require(actor, Perm.CASE_SUBJECT_ACCESS)
    if not Case.objects.visible_to(actor).filter(pk=case.pk).exists():
        raise PermissionDenied

    identity = CaseIdentity.objects.filter(case=case).first()
    identity_rows = []
    if identity is not None:
        channels = ", ".join(
            choice_label(CaseIdentity.Channel, c) for c in identity.safe_channel_list
        )
        identity_rows = [
            {"field": _("Nome e cognome"), "value": identity.full_name},
            {"field": _("Cognome"), "value": identity.surname},
            {"field": _("Codice fiscale"), "value": identity.tax_code},
            {"field": _("Telefono"), "value": identity.phone},
            {"field": _("E-mail"), "value": identity.email},
            {"field": _("Indirizzo"), "value": identity.address},
            {"field": _("Canali sicuri"), "value": channels},
            {"field": _("Orari sicuri"), "value": identity.safe_times},
        ]
    accesses = [
        {
            "date": when(e.at),
            "who": e.actor_label or _("sistema"),
            "role": choice_label(Role, e.actor_role) if e.actor_role else "",
            "action": e.action_label,
            "outcome": str(e.get_outcome_display()),
        }
        for e in audit_events_for_centre(
            organisation_id=case.centre_id, object_id=str(case.public_id)
        ).order_by("id")
    ]
    data = {
        "document": _("Dati conservati sulla persona"),
        "produced_on": when(timezone.now()),
        "percorso": {
            "code": case.code,
            "status": choice_label(Case.Status, case.status),
            "opened_on": when(case.opened_on),
            "closed_on": when(case.closed_on),
        },
        "identity": identity_rows,
        "consents": [
            {
                "purpose": choice_label(Consent.Purpose, c.purpose),
                "given": when(c.recorded_at),
                "notice_version": c.notice_version,
                "withdrawn": when(c.withdrawn_at),
            }
            for c in Consent.objects.filter(case=case).order_by("recorded_at", "id")
        ],
        "notes": [
            {"date": when(n.created_at), "text": n.text}
            for n in case.notes.order_by("created_at", "id")
        ],
    }
    # The later apps' sections, in their order (cases.contributions).
    for contributor in contributions.contributors():
        if contributor.subject_access is not None:
            data.update(contributor.subject_access(case=case))
    data["accesses"] = accesses
    return data


@transaction.atomic
def subject_access_export(*, actor, case: Case, fmt: str) -> tuple[bytes, str, str]:
    """The export as (content, content type, file name), audited as
    `cases.case.subject_access_exported`. Permission: case.subject_access."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    data = subject_access_data(actor=actor, case=case)
    case_audit(actor=actor, action="cases.case.subject_access_exported", case=case, format=fmt)
    if fmt == "json":
        content = json.dumps(data, ensure_ascii=False, indent=2).encode()
        return content, "application/json", f"{FILE_NAME}.json"
    from weasyprint import HTML

    html = render_to_string("cases/subject_access_document.html", {"data": data})
    return HTML(string=html).write_pdf(), "application/pdf", f"{FILE_NAME}.pdf"
