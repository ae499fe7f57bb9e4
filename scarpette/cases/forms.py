from django import forms
from django.utils.translation import gettext_lazy as _

from scarpette.cases.models import Case, CaseIdentity, Consent
from scarpette.core.validators import normalise_tax_code, validate_tax_code


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Codice"), required=False, max_length=20)
    status = forms.ChoiceField(
        label=_("Stato"), required=False, choices=[("", _("Tutti"))] + list(Case.Status.choices)
    )
    mine = forms.BooleanField(label=_("Solo i miei"), required=False)


class CaseOpenForm(forms.Form):
    opened_on = forms.DateField(
        label=_("Data di presa in carico"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    assigned = forms.ModelMultipleChoiceField(
        label=_("Operatrici assegnate"),
        queryset=None,
        required=False,
        to_field_name="public_id",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Se non scegli nessuna, il percorso viene assegnato a te."),
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned"].queryset = staff


class AssignForm(forms.Form):
    assigned = forms.ModelMultipleChoiceField(
        label=_("Operatrici assegnate"),
        queryset=None,
        to_field_name="public_id",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned"].queryset = staff


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Nuovo stato"), choices=Case.Status.choices)


class IdentityForm(forms.Form):
    full_name = forms.CharField(label=_("Nome e cognome"), required=False, max_length=150)
    tax_code = forms.CharField(
        label=_("Codice fiscale"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(label=_("Telefono"), required=False, max_length=30)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Indirizzo"), required=False, max_length=300)
    safe_channels = forms.MultipleChoiceField(
        label=_("Canali su cui è sicuro contattarla"),
        required=False,
        choices=CaseIdentity.Channel.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    safe_times = forms.CharField(
        label=_("Giorni e orari in cui è sicuro contattarla"), required=False, max_length=200
    )

    def clean_tax_code(self):
        value = normalise_tax_code(self.cleaned_data["tax_code"])
        if value:
            validate_tax_code(value)
        return value

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        digits = value.replace(" ", "").replace("-", "").removeprefix("+")
        if value and (not digits.isdigit() or not 6 <= len(digits) <= 15):
            raise forms.ValidationError(_("Inserisci un numero di telefono valido."))
        return value

    # Unticked boxes are absent from a POST by HTML nature: this hidden marker says the group of
    # safe channels was on the page, so "none ticked" means "clear", not "not sent".
    CHANNELS_MARKER = "safe_channels_shown"

    def service_data(self) -> dict:
        """Only the fields the request carried: an absent field keeps its stored value."""
        present = {name for name in self.fields if name in self.data}
        if self.CHANNELS_MARKER in self.data:
            present.add("safe_channels")
        data = {name: value for name, value in self.cleaned_data.items() if name in present}
        if "safe_channels" in data:
            data["safe_channels"] = ",".join(data["safe_channels"])
        return data


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Nuova nota"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Finalità"), choices=Consent.Purpose.choices)


class BreakGlassForm(forms.Form):
    code = forms.CharField(
        label=_("Codice esatto del percorso"),
        max_length=20,
        help_text=_("Nel formato ABCD-2345. Non è possibile cercare né sfogliare i percorsi."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    reason = forms.CharField(
        label=_("Motivo dell'accesso"),
        max_length=1000,
        help_text=_(
            "Obbligatorio. Lo vedrà la referente del centro, insieme a ogni pagina consultata."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
