"""Consent pages: giving and withdrawing (withdrawal asks first), the information notice of each
version, and the printable consent form for her signature."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from scarpette.accounts.decorators import permission_required
from scarpette.accounts.permissions import Perm
from scarpette.cases import notices, selectors, services
from scarpette.cases.forms import ConsentForm
from scarpette.cases.models import Consent
from scarpette.core.idempotency import key_from_request, submit_and_report

# What withdrawing each consent implies, said before she confirms (cases.contributions: each app
# withdraws what travelled under it).
WITHDRAWAL_EFFECTS = {
    Consent.Purpose.TRANSMISSION: gettext_lazy(
        "Le trasmissioni dei risultati a INPS fatte con questo consenso vengono ritirate: INPS "
        "non potrà più aprirle, e il centro non potrà trasmettere di nuovo senza un nuovo consenso."
    ),
    Consent.Purpose.CONSULTATION: gettext_lazy(
        "Le consulenze con gli esperti INPS su questo percorso vengono ritirate: INPS non potrà "
        "più leggerle, e non se ne potranno chiedere altre senza un nuovo consenso."
    ),
    Consent.Purpose.SPORTELLO: gettext_lazy(
        "Non si potranno più fissare per lei appuntamenti allo sportello INPS senza un nuovo "
        "consenso."
    ),
    Consent.Purpose.STATISTICS: gettext_lazy(
        "Da ora in poi il percorso non sarà più contato nelle statistiche anonime."
    ),
}


def _consent_change(request, case, form, service, done: str):
    """Give or withdraw one consent: the same form, key and messages, another service."""
    submit_and_report(
        request,
        lambda: service(
            actor=request.user,
            case=case,
            purpose=form.cleaned_data["purpose"],
            idempotency_key=key_from_request(request),
        ),
        success=done,
    )
    return redirect("cases:case_detail", public_id=case.public_id)


@require_POST
@permission_required(Perm.CASE_VIEW, Perm.CASE_BREAK_GLASS)
def consent_give(request, public_id):
    case = selectors.case_get_for_user(user=request.user, public_id=public_id)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Finalità non valida."))
        return redirect("cases:case_detail", public_id=case.public_id)
    return _consent_change(request, case, form, services.consent_record, _("Consenso registrato."))


@require_POST
@permission_required(Perm.CASE_VIEW, Perm.CASE_BREAK_GLASS)
def consent_withdraw(request, public_id):
    """Two steps, both POST, no JavaScript needed: the first shows what the withdrawal implies
    and asks "Sei sicura?"; the second (confirm=1) withdraws."""
    case = selectors.case_get_for_user(user=request.user, public_id=public_id)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Finalità non valida."))
        return redirect("cases:case_detail", public_id=case.public_id)
    if request.POST.get("confirm") != "1":
        purpose = form.cleaned_data["purpose"]
        return render(
            request,
            "cases/consent_withdraw_confirm.html",
            {
                "case": case,
                "purpose": purpose,
                "purpose_label": Consent.Purpose(purpose).label,
                "effect": WITHDRAWAL_EFFECTS[purpose],
                "active": case.consents.filter(purpose=purpose, withdrawn_at__isnull=True).first(),
            },
        )
    return _consent_change(request, case, form, services.consent_withdraw, _("Consenso revocato."))


class LanguageForm(forms.Form):
    lingua = forms.ChoiceField(label=gettext_lazy("Lingua della donna"), required=False)

    def __init__(self, *args, notice: notices.Notice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lingua"].choices = [("", gettext_lazy("Solo italiano"))] + [
            (code, name) for code, name in notice.languages if code != "it"
        ]


def _language_context(request, notice: notices.Notice):
    """The Italian text and, if chosen and valid, her language's (None otherwise)."""
    form = LanguageForm(request.GET, notice=notice)
    chosen = form.cleaned_data["lingua"] if form.is_valid() else ""
    other = notice.texts[chosen] if chosen else None
    return form, notice.text("it"), other


@require_http_methods(["GET"])
@permission_required(Perm.CASE_VIEW, Perm.CASE_BREAK_GLASS)
def notice_page(request, version):
    """The information notice of one version, to read and print (Italian, and her language)."""
    notice = notices.notice(version)
    if notice is None:
        raise Http404
    form, italian, other = _language_context(request, notice)
    return render(
        request,
        "cases/notice.html",
        {
            "notice": notice,
            "form": form,
            "italian": italian,
            "other": other,
            "current": notice.version == settings.INFORMATION_NOTICE_VERSION,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET"])
@permission_required(Perm.CASE_VIEW, Perm.CASE_BREAK_GLASS)
def consent_form(request, public_id):
    """The printable consent form of one percorso: the notice in force and one box per purpose,
    with place, date and signature, in Italian and in her language (the read is audited)."""
    case = selectors.case_get_for_user(user=request.user, public_id=public_id)
    notice = notices.notice(settings.INFORMATION_NOTICE_VERSION)
    if notice is None:
        raise Http404
    form, italian, other = _language_context(request, notice)
    texts = [italian] + ([other] if other else [])
    return render(
        request,
        "cases/consent_form.html",
        {
            "case": case,
            "notice": notice,
            "form": form,
            "texts": texts,
            "other": other,
            "purposes": list(Consent.Purpose.values),
        },
        status=400 if form.errors else 200,
    )
