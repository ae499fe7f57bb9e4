from django import forms
from django.utils.translation import gettext_lazy as _

from scarpette.accounts.models import Organisation
from scarpette.referrals.models import Transmission
from scarpette.screening.facts import MEASURE_IDS


def _offices():
    return Organisation.objects.filter(kind=Organisation.Kind.INPS, is_active=True)


class TransmitForm(forms.Form):
    office = forms.ModelChoiceField(label=_("Sede INPS"), queryset=None, to_field_name="public_id")
    question = forms.CharField(
        label=_("Domanda del centro (facoltativa)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Non scrivere nomi né dettagli personali: INPS vede solo il codice del percorso."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = _offices()


class TextForm(forms.Form):
    text = forms.CharField(
        label=_("Testo"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AdviceForm(forms.Form):
    measure = forms.ChoiceField(label=_("Misura"), choices=[])
    text = forms.CharField(
        label=_("Parere"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, names: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [(m, names.get(m, m)) for m in MEASURE_IDS]


class ConsultationForm(forms.Form):
    office = forms.ModelChoiceField(label=_("Sede INPS"), queryset=None, to_field_name="public_id")
    measures = forms.MultipleChoiceField(
        label=_("Misure su cui chiedi"), choices=[], widget=forms.CheckboxSelectMultiple
    )
    text = forms.CharField(
        label=_("Domanda"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Non scrivere nomi né dettagli personali: INPS vede solo il codice del percorso."
        ),
    )

    def __init__(self, *args, names: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = _offices()
        self.fields["measures"].choices = [(m, names.get(m, m)) for m in MEASURE_IDS]


class InboxFilterForm(forms.Form):
    """?stato= and ?mie= of the INPS inbox; an unknown value is ignored, never sent to the database."""

    stato = forms.ChoiceField(
        label=_("Stato"), required=False, choices=[("", _("Tutti")), *Transmission.Status.choices]
    )
    mie = forms.BooleanField(label=_("Solo le mie"), required=False)


class AssigneeForm(forms.Form):
    """The colleague an INPS specialist assigns a transmission to (the service checks the office)."""

    assignee = forms.UUIDField(
        label=_("Consulente"),
        error_messages={"invalid": _("Scegli una consulente della tua sede.")},
    )
