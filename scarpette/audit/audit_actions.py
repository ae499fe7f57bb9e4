"""The audit actions this app writes, in words (scarpette.audit.actions)."""

from django.utils.translation import gettext_lazy as _

from scarpette.audit.actions import register

register(
    {
        "audit.request.forbidden": _("Azione non consentita"),
        "core.encryption.verified": _("Verifica della cifratura"),
    }
)
