"""The channel to INPS's column of the percorsi list (cases.listing): the state at INPS of the
percorso's latest transmission, with a filter."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from scarpette.cases import listing
from scarpette.referrals.models import Transmission

NOT_SENT = "none"
STATES = [(NOT_SENT, _("Non trasmesso")), *Transmission.Status.choices]


def annotate(qs):
    """The status of the latest transmission (none: never transmitted), one subquery per list
    on the transmissions of each percorso (foreign key index on the percorso)."""
    latest = Transmission.objects.filter(case=OuterRef("pk")).order_by("-sent_at", "-id")
    return qs.annotate(inps_state=Subquery(latest.values("status")[:1]))


def cell(case, today) -> listing.Cell:
    return listing.Cell(str(dict(STATES).get(case.inps_state or NOT_SENT, "")))


def apply_filter(qs, value: str, today):
    """On the state shown: "not transmitted" is an anti-join; a status first keeps the percorsi
    with a transmission in that status (a semi-join), then checks that it is the latest."""
    sent = Transmission.objects.filter(case=OuterRef("pk"))
    if value == NOT_SENT:
        return qs.filter(~Exists(sent))
    return qs.filter(Exists(sent.filter(status=value)), inps_state=value)


def register() -> None:
    listing.register(
        listing.ListColumn(
            key="inps",
            order=20,
            header=_("Stato INPS"),
            annotate=annotate,
            cell=cell,
            filter_label=_("Stato INPS"),
            filter_choices=STATES,
            apply_filter=apply_filter,
        )
    )
