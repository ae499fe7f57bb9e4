"""The audit actions this app writes, in words (scarpette.audit.actions)."""

from django.utils.translation import gettext_lazy as _

from scarpette.audit.actions import register

register(
    {
        "notifications.message.requeued": _("E-mail rimessa in coda"),
        "notifications.outbox.requeued": _("E-mail non riuscite rimesse in coda"),
    }
)
