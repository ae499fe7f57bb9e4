"""The channel to INPS on composed pages (core.panels): the centre's queue (INPS's requests for
information, consultation answers, results to transmit) and the specialist's inbox on the
dashboard; the transmission and consultation buttons on the percorso page."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from scarpette.accounts.permissions import Perm, has_perm
from scarpette.cases.panels import case_action_for
from scarpette.core import panels
from scarpette.core.panels import QUEUE_LIMIT, QueueRow
from scarpette.core.timewords import waiting_since
from scarpette.referrals import selectors
from scarpette.referrals.models import Transmission


def centre_queue(request):
    """Her centre's work waiting on the channel to INPS, oldest first (case.view)."""
    user = request.user
    if not has_perm(user, Perm.CASE_VIEW):
        return None
    now = timezone.now()
    list_url = reverse("cases:case_list") + "?inps=info_requested"
    queues = [
        panels.queue(
            key="inps-info",
            title=_("Richieste di informazioni da INPS"),
            rows=[
                QueueRow(
                    code=t.case.code,
                    what=_("INPS chiede altre informazioni"),
                    when=waiting_since(t.asked_at or t.sent_at, now),
                    url=reverse("referrals:case_inps", kwargs={"case_id": t.case.public_id})
                    + f"#risposta-{t.public_id}",
                    action=_("Rispondi"),
                )
                for t in selectors.info_requests_waiting(user=user, limit=QUEUE_LIMIT + 1)
            ],
            empty=_("Nessuna richiesta di INPS in attesa di risposta."),
            more_url=list_url,
            more_label=_("Tutti i percorsi con una richiesta di INPS"),
        ),
        panels.queue(
            key="consultation-answers",
            title=_("Risposte alle consulenze"),
            rows=[
                QueueRow(
                    code=c.case.code,
                    what=_("INPS ha risposto alla domanda del centro"),
                    when=waiting_since(c.answered_at or c.asked_at, now),
                    url=reverse("referrals:consultation_detail", kwargs={"public_id": c.public_id}),
                    action=_("Leggi la risposta"),
                )
                for c in selectors.consultation_answers_waiting(user=user, limit=QUEUE_LIMIT + 1)
            ],
            empty=_(
                "Nessuna risposta da leggere. Per chiedere un parere a INPS, apri il percorso e "
                "scegli «Consulenze»."
            ),
        ),
    ]
    if has_perm(user, Perm.TRANSMISSION_SEND):
        queues.append(
            panels.queue(
                key="to-transmit",
                title=_("Risultati da trasmettere a INPS"),
                rows=[
                    QueueRow(
                        code=run.case.code,
                        what=_("Consenso alla trasmissione dato, risultati non ancora trasmessi"),
                        when=waiting_since(run.created_at, now),
                        url=reverse("referrals:case_inps", kwargs={"case_id": run.case.public_id}),
                        action=_("Rivedi e trasmetti"),
                    )
                    for run in selectors.results_to_transmit(user=user, limit=QUEUE_LIMIT + 1)
                ],
                empty=_(
                    "Nessun risultato in attesa di trasmissione. Quando un questionario è "
                    "completato e lei consente alla trasmissione, lo trovi qui."
                ),
            )
        )
    return {"queues": queues}


INBOX_STATUSES = (
    Transmission.Status.SENT,
    Transmission.Status.ACKNOWLEDGED,
    Transmission.Status.INFO_REQUESTED,
    Transmission.Status.CLOSED,
)


def inbox(request):
    """The INPS specialist's inbox by status, with how long the oldest of each has waited."""
    user = request.user
    if not has_perm(user, Perm.INBOX_WORK):
        return None
    overview = selectors.inbox_overview_for_user(user=user)
    now = timezone.now()
    by_status = overview["by_status"]
    inbox_url = reverse("referrals:inbox")
    statuses = [
        {
            "label": Transmission.Status(status).label,
            "count": by_status.get(status, {}).get("n", 0),
            "mine": by_status.get(status, {}).get("mine", 0),
            "oldest": ""
            if status == Transmission.Status.CLOSED
            else waiting_since(by_status.get(status, {}).get("oldest"), now),
            "url": f"{inbox_url}?stato={status}",
        }
        for status in INBOX_STATUSES
    ]
    to_claim = panels.queue(
        key="inps-to-claim",
        title=_("Segnalazioni da prendere in carico"),
        rows=[
            QueueRow(
                code=t.case.code,
                what=_("Trasmessa dal centro"),
                when=waiting_since(t.sent_at, now),
                url=reverse("referrals:inbox_detail", kwargs={"public_id": t.public_id}),
                action=_("Apri"),
            )
            for t in overview["to_claim"]
        ],
        empty=_("Nessuna segnalazione da prendere in carico."),
        more_url=f"{inbox_url}?stato=sent",
        more_label=_("Tutte le segnalazioni da prendere in carico"),
    )
    consultations = overview["consultations"]
    return {
        "statuses": statuses,
        "received": sum(s["count"] for s in statuses),
        "queues": [to_claim],
        "consultations_open": consultations["n"],
        "consultations_oldest": waiting_since(consultations["oldest"], now),
    }


def register() -> None:
    from scarpette.referrals import listing

    listing.register()  # its column of the percorsi list (cases.listing)
    panels.register(
        panels.DASHBOARD,
        key="referrals.centre_queue",
        order=2,
        template="core/panels/queues.html",
        context=centre_queue,
    )
    panels.register(
        panels.DASHBOARD,
        key="referrals.inbox",
        order=10,
        template="referrals/panels/dashboard_inbox.html",
        context=inbox,
    )
    panels.register(
        panels.CASE_ACTIONS,
        key="referrals.actions",
        order=30,
        template="referrals/panels/case_actions.html",
        context=case_action_for(Perm.CASE_VIEW),
    )
