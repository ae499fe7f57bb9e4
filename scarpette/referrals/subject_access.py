"""The channel to INPS in her right-of-access export (cases.contributions)."""

from __future__ import annotations

from scarpette.cases.subject_access import choice_label, when
from scarpette.referrals.models import Consultation, Transmission, TransmissionEvent
from scarpette.screening.catalogue import measure_name


def referrals_subject_access(*, case) -> dict:
    """What travelled to INPS and back: transmissions with their steps, consultations."""
    transmissions = []
    for sent in Transmission.objects.filter(case=case).select_related("office").order_by("sent_at"):
        events = TransmissionEvent.objects.filter(transmission=sent).order_by("at", "id")
        transmissions.append(
            {
                "office": sent.office.name,
                "status": choice_label(Transmission.Status, sent.status),
                "sent": when(sent.sent_at),
                "closed": when(sent.closed_at),
                "question": sent.payload.get("question", ""),
                "events": [
                    {
                        "date": when(e.at),
                        "step": choice_label(TransmissionEvent.Kind, e.kind),
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
                "status": choice_label(Consultation.Status, item.status),
                "asked": when(item.asked_at),
                "measures": ", ".join(measure_name(m) for m in item.measures),
                "messages": [
                    {"date": when(m.at), "from": str(m.get_side_display()), "text": m.text}
                    for m in item.messages.order_by("at", "id")
                ],
            }
        )
    return {"transmissions": transmissions, "consultations": consultations}
