"""The referent's access log of her centre: filters, rows in words, and the CSV export.

Reads, and one write: the export's own audit event (`access_log_exported`). Every lookup
is bounded by one page or one batch: the names of the people and the codes of the percorsi on it
are read with one query each, whatever the size of the log.
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from django import forms
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from scarpette.accounts.models import Organisation, User
from scarpette.accounts.permissions import Perm, Role, require
from scarpette.audit.actions import known
from scarpette.audit.models import AuditEvent
from scarpette.audit.selectors import audit_events_filtered
from scarpette.audit.services import audit_log
from scarpette.cases.models import Case

PAGE_SIZE = 50
EXPORT_MAX_ROWS = 50_000
EXPORT_BATCH = 2_000
CSV_SEPARATOR = ";"  # Italian Excel reads ';' as the column separator
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _labels() -> dict[str, list[str]]:
    """{words: actions}: actions sharing the same words (e.g. every denied attempt) are one
    choice of the filter."""
    by_label: dict[str, list[str]] = {}
    for action, label in known().items():
        by_label.setdefault(str(label), []).append(action)
    return {label: sorted(actions) for label, actions in by_label.items()}


def action_groups() -> dict[str, list[str]]:
    """{key: actions}; the key is the group's first action (in the URL only, never shown)."""
    return {actions[0]: actions for actions in _labels().values()}


def _action_choices() -> list[tuple[str, str]]:
    choices = sorted(
        ((actions[0], label) for label, actions in _labels().items()),
        key=lambda choice: choice[1].lower(),
    )
    return [("", _("Tutte")), *choices]


def people_of(organisation_id: int):
    """Who may appear in a centre's log: its staff, INPS staff (transmissions) and
    administrators (emergency access). One query."""
    return (
        User.objects.filter(
            Q(membership__organisation_id=organisation_id)
            | Q(membership__organisation__kind=Organisation.Kind.INPS)
            | Q(membership__organisation__isnull=True, membership__isnull=False)
        )
        .select_related("membership")
        .order_by("full_name", "id")
    )


class CursorForm(forms.Form):
    """?prima=<id>: the page of the events older than that one (keyset pagination)."""

    prima = forms.IntegerField(min_value=1, required=False)


class AccessLogFilterForm(forms.Form):
    persona = forms.TypedChoiceField(
        label=_("Persona"), required=False, coerce=int, empty_value=None
    )
    percorso = forms.CharField(label=_("Codice del percorso"), required=False, max_length=20)
    azione = forms.ChoiceField(label=_("Azione"), required=False)
    dal = forms.DateField(
        label=_("Dal"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    al = forms.DateField(
        label=_("Al"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, organisation_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id = organisation_id
        self.fields["persona"].choices = [("", _("Tutte"))] + [
            (user.pk, f"{user.full_name or user.email} ({_role_label(user.membership.role)})")
            for user in people_of(organisation_id)
        ]
        self.fields["azione"].choices = _action_choices()
        self.case_public_id: str | None = None

    def clean_percorso(self) -> str:
        code = self.cleaned_data["percorso"].strip().upper()
        if not code:
            return ""
        public_id = (
            Case.objects.filter(centre_id=self.organisation_id, code=code)
            .values_list("public_id", flat=True)
            .first()
        )
        if public_id is None:
            raise forms.ValidationError(_("Nessun percorso del centro ha questo codice."))
        self.case_public_id = str(public_id)
        return code

    def clean(self):
        data = super().clean()
        since, until = data.get("dal"), data.get("al")
        if since and until and since > until:
            self.add_error("al", _("La data finale viene prima di quella iniziale."))
        return data

    def used(self) -> list[str]:
        """The names of the filters in use (for the export's audit event: names, not values)."""
        return [name for name, value in self.cleaned_data.items() if value not in (None, "")]

    def events(self, *, before_id: int | None = None):
        data = self.cleaned_data
        actions = action_groups().get(data.get("azione") or "", [])
        return audit_events_filtered(
            organisation_id=self.organisation_id,
            actor_id=data.get("persona"),
            actions=actions,
            object_id=self.case_public_id,
            since=data.get("dal"),
            until=data.get("al"),
            before_id=before_id,
        )


def _role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else "—"


@dataclass(frozen=True)
class AccessRow:
    at: object  # datetime
    percorso: str
    person: str
    role: str
    action: str
    outcome: str
    outcome_label: str
    ip: str


def _case_public_id(event: AuditEvent) -> str | None:
    if event.object_type == "cases.case":
        value = event.object_id
    else:
        value = (event.detail or {}).get("case") if isinstance(event.detail, dict) else None
    try:
        return str(uuid.UUID(str(value))) if value else None
    except ValueError:
        return None


def rows_for(events: list[AuditEvent], *, organisation_id: int) -> list[AccessRow]:
    """The events in words: two queries (names, codes), whatever the number of events."""
    actor_ids = {e.actor_id for e in events if e.actor_id is not None}
    names = dict(User.objects.filter(pk__in=actor_ids).values_list("pk", "full_name"))
    case_ids = {pid for e in events if (pid := _case_public_id(e))}
    codes = {
        str(pid): code
        for pid, code in Case.objects.filter(
            centre_id=organisation_id, public_id__in=case_ids
        ).values_list("public_id", "code")
    }
    return [
        AccessRow(
            at=e.at,
            percorso=codes.get(_case_public_id(e) or "", ""),
            person=names.get(e.actor_id) or e.actor_label or "",
            role=_role_label(e.actor_role) if e.actor_role else "",
            action=e.action_label,
            outcome=e.outcome,
            outcome_label=str(e.get_outcome_display()),
            ip=e.ip or "",
        )
        for e in events
    ]


@dataclass(frozen=True)
class LogPage:
    rows: list[AccessRow]
    next_before: int | None  # the id to ask for older rows, None on the last page


def log_page(form: AccessLogFilterForm, *, before_id: int | None) -> LogPage:
    """One page, keyset-paginated (no COUNT, no OFFSET on a table of millions)."""
    events = list(form.events(before_id=before_id)[: PAGE_SIZE + 1])
    more = len(events) > PAGE_SIZE
    events = events[:PAGE_SIZE]
    return LogPage(
        rows=rows_for(events, organisation_id=form.organisation_id),
        next_before=events[-1].id if more else None,
    )


def neutralise(value: str) -> str:
    """A cell a spreadsheet would read as a formula gets a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


class _Echo:
    def write(self, value):
        return value


def csv_lines(form: AccessLogFilterForm) -> Iterator[str]:
    """The filtered rows as CSV (UTF-8 with BOM, ';'), newest first, at most EXPORT_MAX_ROWS,
    read in batches of EXPORT_BATCH (three queries per batch)."""
    writer = csv.writer(_Echo(), delimiter=CSV_SEPARATOR)
    header = [
        gettext("Data e ora"),
        gettext("Percorso"),
        gettext("Persona"),
        gettext("Ruolo"),
        gettext("Azione"),
        gettext("Esito"),
        gettext("Da dove"),
    ]
    yield "\ufeff" + writer.writerow(header)
    written, before = 0, None
    while written < EXPORT_MAX_ROWS:
        size = min(EXPORT_BATCH, EXPORT_MAX_ROWS - written)
        events = list(form.events(before_id=before)[:size])
        if not events:
            return
        for row in rows_for(events, organisation_id=form.organisation_id):
            cells = [
                timezone.localtime(row.at).strftime("%d/%m/%Y %H:%M:%S"),
                row.percorso,
                row.person,
                row.role,
                row.action,
                row.outcome_label,
                row.ip,
            ]
            yield writer.writerow([neutralise(str(cell)) for cell in cells])
        written += len(events)
        before = events[-1].id
        if len(events) < size:
            return


@transaction.atomic
def access_log_exported(*, actor, organisation_id: int, filters: list[str]) -> AuditEvent:
    """Record that a referent exported her centre's access log; `filters` names the filters in
    use (their names only, never their values). Permission: centre.audit_view."""
    require(actor, Perm.CENTRE_AUDIT_VIEW)
    return audit_log(
        actor=actor,
        action="cases.access_log.exported",
        object_type="accounts.organisation",
        object_id=str(organisation_id),
        organisation_id=organisation_id,
        detail={"filters": sorted(filters)},
    )
