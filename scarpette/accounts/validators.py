"""Refuse passwords built from the context (the platform's and the partners' names)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CONTEXT_WORDS = ("scarpette", "rosse", "inps", "milano", "antiviolenza", "password", "sportello")


class ContextPasswordValidator:
    def validate(self, password, user=None):
        lowered = password.lower()
        words = list(CONTEXT_WORDS)
        if user is not None and getattr(user, "email", ""):
            words.append(user.email.split("@")[0].lower())
        for word in words:
            if len(word) >= 4 and word in lowered and len(lowered) < 2 * len(word) + 8:
                raise ValidationError(
                    _("La password non può essere costruita sul nome del servizio o sul tuo."),
                    code="password_context",
                )

    def get_help_text(self):
        return _("Non usare il nome del servizio, degli enti o il tuo indirizzo e-mail.")
