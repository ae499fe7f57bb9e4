"""Input shapes for the application pages (rules live in services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from scarpette.applications.models import Application
from scarpette.screening.facts import MEASURE_IDS


class StartForm(forms.Form):
    measure = forms.ChoiceField(label=_("Misura"), choices=[(m, m) for m in MEASURE_IDS])


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ApplicationForm(forms.Form):
    """Documents ticked, status, and the fields of each step."""

    documents_ready = forms.MultipleChoiceField(
        label=_("Documenti pronti"), required=False, widget=forms.CheckboxSelectMultiple
    )
    # Not required: a request without it keeps the current status (absent means keep).
    status = forms.ChoiceField(label=_("Stato della domanda"), required=False)
    submitted_on = forms.DateField(label=_("Presentata il"), required=False, widget=_DateInput())
    channel = forms.CharField(
        label=_("Canale di presentazione"),
        required=False,
        max_length=100,
        help_text=_("Per esempio: online INPS, patronato, Contact Center, Comune."),
    )
    protocol_number = forms.CharField(
        label=_("Numero di protocollo"), required=False, max_length=100
    )
    outcome = forms.ChoiceField(
        label=_("Esito"), required=False, choices=[("", "—"), *Application.Outcome.choices]
    )
    # Localised: operators write euro amounts the Italian way ("850,00").
    amount = forms.DecimalField(
        label=_("Importo (€)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    amount_period = forms.ChoiceField(
        label=_("Periodicità"),
        required=False,
        choices=[("", "—"), *Application.AmountPeriod.choices],
    )
    start_on = forms.DateField(label=_("Decorrenza"), required=False, widget=_DateInput())
    paid_on = forms.DateField(label=_("Primo pagamento il"), required=False, widget=_DateInput())

    def __init__(self, *args, application: Application, documents: list[str], **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "documents_ready": [str(i) for i in application.documents_ready],
                "status": application.status,
                "submitted_on": application.submitted_on,
                "channel": application.channel,
                "protocol_number": application.protocol_number,
                "outcome": application.outcome,
                "amount": application.amount,
                "amount_period": application.amount_period,
                "start_on": application.start_on,
                "paid_on": application.paid_on,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["documents_ready"].choices = [(str(i), d) for i, d in enumerate(documents)]
        if not documents:
            del self.fields["documents_ready"]
        # Status moves forward only: offer the current one and those after it.
        values = Application.Status.values
        current = values.index(application.status)
        self.fields["status"].choices = [
            c for c in Application.Status.choices if values.index(c[0]) >= current
        ]

    # Unticked boxes are absent from a POST: this hidden marker says the checklist was on the page.
    DOCUMENTS_MARKER = "documents_ready_shown"

    def service_data(self) -> dict:
        """Only the fields the request carried: an absent field keeps its stored value."""
        present = {name for name in self.fields if name in self.data}
        if self.DOCUMENTS_MARKER in self.data:
            present.add("documents_ready")
        data = {name: value for name, value in self.cleaned_data.items() if name in present}
        if "documents_ready" in data:
            data["documents_ready"] = [int(i) for i in data["documents_ready"]]
        return data
