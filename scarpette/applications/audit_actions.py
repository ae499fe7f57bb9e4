"""The audit actions this app writes, in words (scarpette.audit.actions)."""

from django.utils.translation import gettext_lazy as _

from scarpette.audit.actions import register

register(
    {
        "applications.application.access_denied": _("Tentativo di accesso negato"),
        "applications.application.created": _("Domanda avviata"),
        "applications.application.updated": _("Domanda aggiornata"),
        "applications.application.viewed": _("Consultazione della domanda"),
        "applications.application_list.viewed": _("Consultazione delle domande"),
        "applications.deadline.reminded": _("Promemoria di scadenza inviato"),
        "applications.deadlines.refreshed": _("Scadenze aggiornate"),
    }
)
