from django import forms
from django.utils.translation import gettext_lazy as _

from scarpette.accounts.models import Organisation
from scarpette.core.widgets import use_fast_selects
from scarpette.referrals.models import Consultation, Transmission
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


class _ListFilterForm(forms.Form):
    """The filters and the order of an INPS list, through GET. An unknown value is a field error
    shown beside the field and is ignored (the list shows as if it were not given), never sent to
    the database."""

    assegnate = forms.ChoiceField(
        label=_("Assegnazione"),
        required=False,
        choices=[("", _("Tutte")), ("mine", _("Assegnate a me")), ("none", _("Non assegnate"))],
    )
    misura = forms.ChoiceField(label=_("Misura interessata"), required=False, choices=[])
    ordine = forms.ChoiceField(
        label=_("Ordine"),
        required=False,
        choices=[
            ("oldest", _("Dalla più vecchia")),
            ("newest", _("Dalla più recente")),
            ("status", _("Per stato")),
        ],
    )

    def __init__(self, *args, names: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["misura"].choices = [("", _("Tutte"))] + [
            (m, names.get(m, m)) for m in MEASURE_IDS
        ]
        use_fast_selects(self)

    def filters(self) -> dict:
        """The valid filters (the invalid ones dropped), with the default order: oldest first."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "status": data.get("stato", ""),
            "assigned": "mine" if data.get("mie") else data.get("assegnate", ""),
            "measure": data.get("misura", ""),
            "sort": data.get("ordine") or "oldest",
        }


class InboxFilterForm(_ListFilterForm):
    """The INPS inbox: ?stato=, ?assegnate= (?mie=1 of older links means "assigned to me"),
    ?misura=, ?ordine=."""

    stato = forms.ChoiceField(
        label=_("Stato"), required=False, choices=[("", _("Tutti")), *Transmission.Status.choices]
    )
    mie = forms.BooleanField(required=False, widget=forms.HiddenInput)
    field_order = ["stato", "assegnate", "misura", "ordine"]


class ConsultationFilterForm(_ListFilterForm):
    """The INPS consultations list; "assigned" means who last answered it."""

    stato = forms.ChoiceField(
        label=_("Stato"), required=False, choices=[("", _("Tutti")), *Consultation.Status.choices]
    )
    field_order = ["stato", "assegnate", "misura", "ordine"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assegnate"].label = _("Risposta")
        self.fields["assegnate"].choices = [
            ("", _("Tutte")),
            ("mine", _("Risposte da me")),
            ("none", _("Ancora senza risposta")),
        ]


class AssigneeForm(forms.Form):
    """The colleague an INPS specialist assigns a transmission to (the service checks the office)."""

    assignee = forms.UUIDField(
        label=_("Consulente"),
        error_messages={"invalid": _("Scegli una consulente della tua sede.")},
    )
