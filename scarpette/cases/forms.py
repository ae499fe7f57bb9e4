from django import forms
from django.utils.translation import gettext_lazy as _

from scarpette.cases import listing
from scarpette.cases.models import Case, CaseIdentity, Consent
from scarpette.core.validators import normalise_tax_code, validate_tax_code
from scarpette.core.widgets import FastSelect, use_fast_selects

INVALID_TAX_CODE_MESSAGE = _("Il codice fiscale non è valido: controlla le 16 lettere e cifre.")


class CaseFilterForm(forms.Form):
    """The percorsi list: a lookup (by code, or by her exact tax code or surname) and filters."""

    KIND_CODE = "code"
    KIND_TAX_CODE = "tax_code"
    KIND_SURNAME = "surname"

    kind = forms.ChoiceField(
        label=_("Cerca per"),
        required=False,
        choices=[
            (KIND_CODE, _("codice del percorso")),
            (KIND_TAX_CODE, _("codice fiscale")),
            (KIND_SURNAME, _("cognome")),
        ],
    )
    q = forms.CharField(
        label=_("Valore da cercare"),
        required=False,
        max_length=60,
        help_text=_(
            "Codice del percorso: anche solo l'inizio (per esempio ABCD-2). Codice fiscale e "
            "cognome: solo la corrispondenza esatta, non una parte."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    status = forms.ChoiceField(
        label=_("Stato"), required=False, choices=[("", _("Tutti"))] + list(Case.Status.choices)
    )
    mine = forms.BooleanField(label=_("Solo i miei"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The filters the later apps add to the list (cases.listing): questionnaire, INPS, deadline.
        self.column_filters = []
        for column in listing.columns():
            if column.apply_filter is None:
                continue
            self.fields[column.key] = forms.ChoiceField(
                label=column.filter_label,
                required=False,
                choices=[("", _("Tutti")), *column.filter_choices],
            )
            self.column_filters.append(column.key)
        use_fast_selects(self)

    def filter_fields(self):
        return [self[name] for name in self.column_filters]

    def clean_kind(self):
        return self.cleaned_data["kind"] or self.KIND_CODE

    def clean(self):
        cleaned = super().clean()
        value = (cleaned.get("q") or "").strip()
        if cleaned.get("kind") == self.KIND_TAX_CODE and value:
            try:
                validate_tax_code(value)
            except forms.ValidationError:
                self.add_error("q", INVALID_TAX_CODE_MESSAGE)
        return cleaned


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
    status = forms.ChoiceField(
        label=_("Nuovo stato"), choices=Case.Status.choices, widget=FastSelect
    )


class IdentityForm(forms.Form):
    full_name = forms.CharField(label=_("Nome e cognome"), required=False, max_length=150)
    surname = forms.CharField(
        label=_("Cognome"),
        required=False,
        max_length=100,
        help_text=_(
            "Come nel documento, anche se è già nel nome: serve a ritrovare il percorso per cognome."
        ),
    )
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
