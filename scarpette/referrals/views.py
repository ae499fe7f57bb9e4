"""Pages of the channel to INPS: the centre's side of a percorso, the INPS inbox, consultations."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from scarpette.accounts.decorators import permission_required, sensitive_action
from scarpette.accounts.permissions import Perm, has_perm, require
from scarpette.cases.models import Consent
from scarpette.cases.selectors import case_active_consents, case_get_for_user
from scarpette.core.idempotency import (
    DUPLICATE_MESSAGE,
    AlreadyDone,
    AlreadySubmitted,
    key_from_request,
    submit_and_report,
)
from scarpette.core.pagination import paginate
from scarpette.core.timewords import waiting_since
from scarpette.questionnaire.selectors import latest_run
from scarpette.referrals import selectors, services
from scarpette.referrals.forms import (
    AdviceForm,
    AssigneeForm,
    ConsultationFilterForm,
    ConsultationForm,
    InboxFilterForm,
    TextForm,
    TransmitForm,
)
from scarpette.referrals.models import (
    Consultation,
    Transmission,
    TransmissionEvent,
    consent_missing,
)
from scarpette.screening.vocabulary import Need, need_labels

# --- Centre side ----------------------------------------------------------------------------


@require_http_methods(["GET"])
# Her centre, or an administrator under a break-glass grant (the scope decides which).
@permission_required(Perm.CASE_VIEW, Perm.CASE_BREAK_GLASS)
def case_inps(request, case_id):
    case = case_get_for_user(user=request.user, public_id=case_id)
    run = latest_run(case=case)
    return render(
        request,
        "referrals/case_inps.html",
        {
            "case": case,
            "run": run,
            "consents": case_active_consents(case=case),
            "form": TransmitForm(),
            "answer_form": TextForm(),
            "transmissions": selectors.transmissions_for_case(case=case),
            "names": selectors.measure_names(),
            "can_transmit": has_perm(request.user, Perm.TRANSMISSION_SEND),
        },
    )


@sensitive_action(Perm.TRANSMISSION_SEND)
@require_POST
def transmit(request, case_id):
    case = case_get_for_user(user=request.user, public_id=case_id)
    form = TransmitForm(request.POST)
    if form.is_valid():
        submit_and_report(
            request,
            lambda: services.transmission_send(
                actor=request.user,
                case=case,
                office=form.cleaned_data["office"],
                question=form.cleaned_data["question"],
                idempotency_key=key_from_request(request),
            ),
            success=_("Risultati trasmessi a INPS: la sede riceve un avviso."),
        )
    else:
        messages.error(request, _("Scegli una sede INPS."))
    return redirect("referrals:case_inps", case_id=case.public_id)


@require_POST
@permission_required(Perm.CASE_VIEW, Perm.CASE_BREAK_GLASS)
def answer_info(request, public_id):
    transmission = selectors.transmission_get_for_user(user=request.user, public_id=public_id)
    require(request.user, Perm.CASE_EDIT)
    form = TextForm(request.POST)
    if form.is_valid():
        submit_and_report(
            request,
            lambda: services.transmission_answer_info(
                actor=request.user,
                transmission=transmission,
                text=form.cleaned_data["text"],
                idempotency_key=key_from_request(request),
            ),
            success=_("Risposta inviata a INPS."),
        )
    else:
        messages.error(request, _("Scrivi la risposta."))
    return redirect("referrals:case_inps", case_id=transmission.case.public_id)


@require_http_methods(["GET", "POST"])
@permission_required(Perm.CASE_VIEW, Perm.CASE_BREAK_GLASS)
def case_consultations(request, case_id):
    case = case_get_for_user(user=request.user, public_id=case_id)
    require(request.user, Perm.CONSULTATION_ASK)
    names = selectors.measure_names()
    form = ConsultationForm(request.POST or None, names=names)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.consultation_ask(
                actor=request.user,
                case=case,
                office=form.cleaned_data["office"],
                measures=form.cleaned_data["measures"],
                text=form.cleaned_data["text"],
                idempotency_key=key_from_request(request),
            )
        except AlreadySubmitted as done:
            messages.info(request, DUPLICATE_MESSAGE)
            return redirect("referrals:consultation_detail", public_id=done.result_ref)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Domanda inviata a INPS."))
            return redirect("referrals:consultation_detail", public_id=consultation.public_id)
    return render(
        request,
        "referrals/case_consultations.html",
        {"case": case, "form": form, "consultations": case.consultations.all(), "names": names},
    )


# --- Both sides -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(Perm.CASE_VIEW, Perm.CONSULTATION_ANSWER, Perm.CASE_BREAK_GLASS)
def consultation_detail(request, public_id):
    consultation = selectors.consultation_get_for_user(user=request.user, public_id=public_id)
    form = TextForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "close":
                services.consultation_close(actor=request.user, consultation=consultation)
                messages.success(request, _("Consulenza chiusa."))
                return redirect("referrals:consultation_detail", public_id=public_id)
            if form.is_valid():
                services.consultation_reply(
                    actor=request.user,
                    consultation=consultation,
                    text=form.cleaned_data["text"],
                    idempotency_key=key_from_request(request),
                )
                messages.success(
                    request,
                    _("Risposta inviata al centro.")
                    if has_perm(request.user, Perm.CONSULTATION_ANSWER)
                    else _("Messaggio inviato a INPS."),
                )
                return redirect("referrals:consultation_detail", public_id=public_id)
        except AlreadySubmitted:
            messages.info(request, DUPLICATE_MESSAGE)
            return redirect("referrals:consultation_detail", public_id=public_id)
        except AlreadyDone as done:
            messages.warning(request, done.message)
            return redirect("referrals:consultation_detail", public_id=public_id)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
    inps_side = has_perm(request.user, Perm.CONSULTATION_ANSWER)
    return render(
        request,
        "referrals/consultation_detail.html",
        {
            "consultation": consultation,
            "thread": consultation.messages.select_related("author"),
            "form": form,
            "names": selectors.measure_names(),
            "extract": selectors.consultation_extract(consultation) if inps_side else None,
            "inps_side": inps_side,
        },
        status=400 if form.errors else 200,
    )


# --- INPS side ------------------------------------------------------------------------------------


def _list_querystring(form) -> str:
    """The valid filters of an INPS list, for the pagination links (a page keeps its filters)."""
    data = getattr(form, "cleaned_data", {})
    pairs = {name: data.get(name) for name in ("stato", "assegnate", "misura", "ordine")}
    if data.get("mie"):
        pairs["assegnate"] = "mine"
    return urlencode({k: v for k, v in pairs.items() if v})


def _needs_words(needs) -> str:
    """Her needs in words, in the questionnaire's canonical order (the payload keeps them sorted
    by code)."""
    order = {value: i for i, value in enumerate(Need.values)}
    return need_labels(sorted(needs or [], key=lambda n: order.get(n, len(order))))


def _measure_words(measures, names) -> str:
    return ", ".join(names.get(m, m) for m in measures or [])


def _inbox_rows(transmissions, names: dict[str, str]) -> list[dict]:
    """What each row of the inbox says, in words. A withdrawn transmission keeps only its date
    and status: after the consent was revoked INPS may know that it existed, nothing more."""
    now = timezone.now()
    rows = []
    # The list reads the office's rows by status; a row whose consent is not in force (which the
    # withdrawal marks "withdrawn" at once) is left out, never shown.
    missing = consent_missing(transmissions, Consent.Purpose.TRANSMISSION)
    for t in transmissions:
        if t.pk in missing:
            continue
        withdrawn = t.status == Transmission.Status.WITHDRAWN
        open_ = t.status not in (Transmission.Status.CLOSED, Transmission.Status.WITHDRAWN)
        payload = {} if withdrawn else t.payload
        rows.append(
            {
                "t": t,
                "code": "" if withdrawn else t.case.code,
                "needs": _needs_words(payload.get("needs")),
                "measures": "" if withdrawn else _measure_words(t.measures, names),
                "waiting": waiting_since(t.last_at or t.sent_at, now) if open_ else "",
                "replied": open_ and t.last_kind == TransmissionEvent.Kind.INFO_PROVIDED,
            }
        )
    return rows


@require_http_methods(["GET"])
@permission_required(Perm.INBOX_WORK)
def inbox(request):
    names = selectors.measure_names()
    form = InboxFilterForm(request.GET or None, names=names)
    filters = form.filters() if form.is_bound else {"sort": selectors.SORT_OLDEST}
    page = paginate(request, selectors.inbox_for_user(user=request.user, **filters), 25)
    return render(
        request,
        "referrals/inbox.html",
        {
            "page": page,
            "rows": _inbox_rows(page.object_list, names),
            "form": form,
            "sort": filters["sort"],
            "querystring": _list_querystring(form),
        },
    )


@require_http_methods(["GET"])
@permission_required(Perm.INBOX_WORK)
def inbox_detail(request, public_id):
    transmission = selectors.transmission_get_for_user(user=request.user, public_id=public_id)
    names = selectors.measure_names()
    return render(
        request,
        "referrals/inbox_detail.html",
        {
            "transmission": transmission,
            "payload": transmission.payload,
            "events": transmission.events.select_related("actor"),
            "advice": {a.measure: a for a in transmission.advice.all()},
            "names": names,
            "info_form": TextForm(),
            "advice_form": AdviceForm(names=names),
            "colleagues": services.office_specialists(request.user),
        },
    )


# What happened, in words, per step (instead of a bare "Fatto.").
STEP_DONE = {
    "prendi": _lazy("Pratica presa in carico e assegnata a te."),
    "assegna": _lazy("Pratica assegnata alla collega scelta."),
    "ricevuta": _lazy("Ricezione confermata: il centro riceve un avviso."),
    "chiedi": _lazy("Richiesta di informazioni inviata al centro."),
    "parere": _lazy("Parere registrato e inviato al centro."),
    "chiudi": _lazy("Pratica chiusa: il centro riceve un avviso."),
}
STEPS = set(STEP_DONE)


@require_POST
@permission_required(Perm.INBOX_WORK)
def inbox_step(request, public_id, step):
    if step not in STEPS:
        raise Http404
    transmission = selectors.transmission_get_for_user(user=request.user, public_id=public_id)
    # The posted fields go through forms (a NUL byte or a malformed id never reaches a query).
    form = {
        "assegna": AssigneeForm,
        "chiedi": TextForm,
        "parere": lambda data: AdviceForm(data, names=selectors.measure_names()),
    }.get(step, lambda data: None)(request.POST)
    if form is not None and not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("referrals:inbox_detail", public_id=transmission.public_id)
    key = key_from_request(request)

    def take_step() -> None:
        if step == "prendi":
            services.transmission_claim(
                actor=request.user, transmission=transmission, idempotency_key=key
            )
        elif step == "assegna":
            services.transmission_assign(
                actor=request.user,
                transmission=transmission,
                assignee_public_id=form.cleaned_data["assignee"],
                idempotency_key=key,
            )
        elif step == "ricevuta":
            services.transmission_acknowledge(
                actor=request.user, transmission=transmission, idempotency_key=key
            )
        elif step == "chiedi":
            services.transmission_request_info(
                actor=request.user,
                transmission=transmission,
                text=form.cleaned_data["text"],
                idempotency_key=key,
            )
        elif step == "parere":
            services.transmission_record_advice(
                actor=request.user,
                transmission=transmission,
                measure=form.cleaned_data["measure"],
                text=form.cleaned_data["text"],
                idempotency_key=key,
            )
        else:
            services.transmission_close(
                actor=request.user, transmission=transmission, idempotency_key=key
            )

    submit_and_report(request, take_step, success=STEP_DONE[step])
    return redirect("referrals:inbox_detail", public_id=transmission.public_id)


def _consultation_rows(consultations, names: dict[str, str]) -> list[dict]:
    """Each consultation of the INPS list in words; a withdrawn one keeps its date and status."""
    now = timezone.now()
    rows = []
    missing = consent_missing(consultations, Consent.Purpose.CONSULTATION)
    for c in consultations:
        if c.pk in missing:
            continue
        withdrawn = c.status == Consultation.Status.WITHDRAWN
        waiting = c.status == Consultation.Status.OPEN
        rows.append(
            {
                "c": c,
                "code": "" if withdrawn else c.case.code,
                "needs": "" if withdrawn else _needs_words([n.need for n in c.case.needs.all()]),
                "measures": "" if withdrawn else _measure_words(c.measures, names),
                "waiting": waiting_since(c.last_at or c.asked_at, now) if waiting else "",
                # The centre wrote again after INPS's answer: a reply, announced as such.
                "replied": waiting and c.answered_by_id is not None and c.last_side == "centre",
            }
        )
    return rows


@require_http_methods(["GET"])
@permission_required(Perm.CONSULTATION_ANSWER)
def inps_consultations(request):
    names = selectors.measure_names()
    form = ConsultationFilterForm(request.GET or None, names=names)
    filters = form.filters() if form.is_bound else {"sort": selectors.SORT_OLDEST}
    page = paginate(request, selectors.consultations_for_user(user=request.user, **filters), 25)
    return render(
        request,
        "referrals/inps_consultations.html",
        {
            "page": page,
            "rows": _consultation_rows(page.object_list, names),
            "form": form,
            "sort": filters["sort"],
            "querystring": _list_querystring(form),
        },
    )
