"""The audit actions this app writes, in words (scarpette.audit.actions)."""

from django.utils.translation import gettext_lazy as _

from scarpette.audit.actions import register

register(
    {
        "cases.access_log.exported": _("Esportazione del registro degli accessi"),
        "cases.access_log.viewed": _("Consultazione del registro degli accessi"),
        "cases.break_glass.opened": _("Apertura di un accesso di emergenza"),
        "cases.case.access_denied": _("Tentativo di accesso negato"),
        "cases.case.anonymised": _("Anonimizzazione per fine conservazione"),
        "cases.case.assignment_changed": _("Cambio delle operatrici assegnate"),
        "cases.case.break_glass_access": _("Accesso di emergenza di un amministratore"),
        "cases.case.created": _("Apertura del percorso"),
        "cases.case.status_changed": _("Cambio di stato del percorso"),
        "cases.case.subject_access_exported": _("Esportazione dei dati della persona"),
        "cases.case.viewed": _("Consultazione del percorso"),
        "cases.consent.given": _("Consenso registrato"),
        "cases.consent.withdrawn": _("Consenso revocato"),
        "cases.identity.revealed": _("Visualizzazione dei dati identificativi"),
        "cases.identity.updated": _("Modifica dei dati identificativi"),
        "cases.lookup.searched": _("Ricerca di un percorso per codice fiscale o cognome"),
        "cases.note.created": _("Nota aggiunta"),
        "cases.retention.purged": _("Anonimizzazione periodica"),
    }
)
