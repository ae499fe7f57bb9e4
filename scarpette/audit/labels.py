"""Audit actions in words, for the pages that show the log (never the dotted code)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "accounts.login.succeeded": _("Accesso alla piattaforma"),
    "accounts.login.failed": _("Accesso alla piattaforma non riuscito"),
    "accounts.logout.succeeded": _("Uscita dalla piattaforma"),
    "cases.case.created": _("Apertura del percorso"),
    "cases.case.viewed": _("Consultazione del percorso"),
    "cases.case.access_denied": _("Tentativo di accesso negato"),
    "cases.case.status_changed": _("Cambio di stato del percorso"),
    "cases.case.assignment_changed": _("Cambio delle operatrici assegnate"),
    "cases.case.anonymised": _("Anonimizzazione per fine conservazione"),
    "cases.case.break_glass_access": _("Accesso di emergenza di un amministratore"),
    "cases.break_glass.opened": _("Apertura di un accesso di emergenza"),
    "cases.case.subject_access_exported": _("Esportazione dei dati della persona"),
    "cases.identity.updated": _("Modifica dei dati identificativi"),
    "cases.identity.revealed": _("Visualizzazione dei dati identificativi"),
    "cases.note.created": _("Nota aggiunta"),
    "cases.consent.given": _("Consenso registrato"),
    "cases.consent.withdrawn": _("Consenso revocato"),
    "cases.retention.purged": _("Anonimizzazione periodica"),
    "questionnaire.session.started": _("Avvio del questionario"),
    "questionnaire.session.viewed": _("Consultazione del questionario"),
    "questionnaire.session.completed": _("Questionario concluso"),
    "questionnaire.session.reopened": _("Questionario riaperto"),
    "questionnaire.session.access_denied": _("Tentativo di accesso negato"),
    "questionnaire.answers.saved": _("Risposte salvate"),
    "questionnaire.summary.downloaded": _("Scaricamento del riepilogo"),
    "questionnaire.tablet.code_issued": _("Codice per il tablet generato"),
    "questionnaire.tablet.claimed": _("Questionario aperto sul tablet"),
    "questionnaire.tablet.paused": _("Tablet in pausa"),
    "questionnaire.tablet.quick_exit": _("Uscita rapida dal tablet"),
    "screening.run.created": _("Verifica delle misure"),
    "screening.run.rescreened": _("Nuova verifica dopo un cambio di regole"),
    "screening.run.reviewed": _("Nuovo risultato visto"),
    "referrals.transmission.sent": _("Trasmissione a INPS"),
    "referrals.transmission.viewed": _("Consultazione della trasmissione"),
    "referrals.transmission.info_provided": _("Risposta del centro a INPS"),
    "referrals.consultation.asked": _("Richiesta di consulenza"),
    "referrals.consultation.replied": _("Risposta alla consulenza"),
    "referrals.consultation.closed": _("Consulenza chiusa"),
    "referrals.consultation.viewed": _("Consultazione della consulenza"),
    "applications.application.created": _("Domanda avviata"),
    "applications.application.updated": _("Domanda aggiornata"),
    "applications.application.viewed": _("Consultazione della domanda"),
    "applications.application_list.viewed": _("Consultazione delle domande"),
    "applications.application.access_denied": _("Tentativo di accesso negato"),
    "accounts.membership.changed": _("Cambio di ruolo o di organizzazione"),
    "accounts.organisation.created": _("Organizzazione creata"),
    "accounts.organisation.updated": _("Organizzazione modificata"),
    "accounts.session.expired": _("Sessione scaduta"),
    "accounts.session.revoked": _("Sessione chiusa per ruolo revocato"),
    "accounts.user.activated": _("Account riattivato"),
    "accounts.user.created": _("Account creato"),
    "accounts.user.deactivated": _("Account disattivato"),
    "accounts.user.invited": _("Operatrice invitata"),
    "accounts.user.access_denied": _("Tentativo negato su un account"),
    "applications.deadline.reminded": _("Promemoria di scadenza inviato"),
    "applications.deadlines.refreshed": _("Scadenze aggiornate"),
    "audit.request.forbidden": _("Azione non consentita"),
    "cases.access_log.viewed": _("Consultazione del registro degli accessi"),
    "core.encryption.verified": _("Verifica della cifratura"),
    "notifications.message.requeued": _("E-mail rimessa in coda"),
    "notifications.outbox.requeued": _("E-mail non riuscite rimesse in coda"),
    "questionnaire.draft.kept": _(
        "Pagina del questionario conservata dopo la scadenza della sessione"
    ),
    "questionnaire.draft.restored": _("Pagina del questionario ripresa"),
    "questionnaire.form.imported": _("Versione del questionario importata"),
    "questionnaire.form.published": _("Versione del questionario pubblicata"),
    "questionnaire.form.uploaded": _("Versione del questionario caricata"),
    "questionnaire.start.viewed": _("Consultazione dell'avvio del questionario"),
    "questionnaire.tablet.handed_back": _("Tablet riconsegnato all'operatrice"),
    "questionnaire.tablet.released": _("Tablet liberato con il codice di riconsegna"),
    "referrals.consultation.withdrawn": _("Consulenza ritirata: consenso revocato"),
    "referrals.transmission.withdrawn": _("Trasmissione ritirata: consenso revocato"),
}

# Actions built from a step name (referrals.transmission.<kind>) or not listed: by their verb.
VERB_LABELS = {
    "viewed": _("Consultazione"),
    "access_denied": _("Tentativo di accesso negato"),
    "created": _("Creazione"),
    "updated": _("Modifica"),
}


def action_label(action: str) -> str:
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    if action.startswith("referrals.transmission."):
        return str(_("Passaggio della trasmissione a INPS"))
    verb = action.rsplit(".", 1)[-1]
    return str(VERB_LABELS.get(verb, _("Altra operazione")))
