from django import forms
from django.utils.translation import gettext_lazy as _

from scarpette.accounts.models import Organisation
from scarpette.accounts.permissions import Role


class AccountSearchForm(forms.Form):
    """?q= of the account list. A CharField refuses NUL bytes, which PostgreSQL cannot compare."""

    q = forms.CharField(label=_("Nome o e-mail"), required=False, max_length=100)


class InviteOperatorForm(forms.Form):
    full_name = forms.CharField(label=_("Nome e cognome"), max_length=150)
    email = forms.EmailField(label=_("E-mail di lavoro"))


def _organisation_field(help_text: str = "") -> forms.ModelChoiceField:
    """The organisation of an account (an active one; none for administrators)."""
    return forms.ModelChoiceField(
        label=_("Ente"),
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
        to_field_name="public_id",
        help_text=help_text,
    )


class AccountCreateForm(forms.Form):
    full_name = forms.CharField(label=_("Nome e cognome"), max_length=150)
    email = forms.EmailField(label=_("E-mail di lavoro"))
    role = forms.ChoiceField(label=_("Ruolo"), choices=Role.choices)
    organisation = _organisation_field(help_text=_("Lasciare vuoto solo per gli amministratori."))


class RoleChangeForm(forms.Form):
    role = forms.ChoiceField(label=_("Ruolo"), choices=Role.choices)
    organisation = _organisation_field()


class OrganisationForm(forms.ModelForm):
    # An unticked box is absent from a POST: this hidden marker says the box was on the page.
    ACTIVE_MARKER = "is_active_shown"

    class Meta:
        model = Organisation
        fields = ["name", "kind", "is_active"]
