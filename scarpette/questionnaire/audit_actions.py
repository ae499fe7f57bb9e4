"""The audit actions this app writes, in words (scarpette.audit.actions)."""

from django.utils.translation import gettext_lazy as _

from scarpette.audit.actions import register

register(
    {
        "questionnaire.answers.saved": _("Risposte salvate"),
        "questionnaire.draft.kept": _(
            "Pagina del questionario conservata dopo la scadenza della sessione"
        ),
        "questionnaire.draft.restored": _("Pagina del questionario ripresa"),
        "questionnaire.form.imported": _("Versione del questionario importata"),
        "questionnaire.form.published": _("Versione del questionario pubblicata"),
        "questionnaire.form.uploaded": _("Versione del questionario caricata"),
        "questionnaire.session.access_denied": _("Tentativo di accesso negato"),
        "questionnaire.session.completed": _("Questionario concluso"),
        "questionnaire.session.reopened": _("Questionario riaperto"),
        "questionnaire.session.started": _("Avvio del questionario"),
        "questionnaire.session.viewed": _("Consultazione del questionario"),
        "questionnaire.start.viewed": _("Consultazione dell'avvio del questionario"),
        "questionnaire.summary.downloaded": _("Scaricamento del riepilogo"),
        "questionnaire.tablet.claimed": _("Questionario aperto sul tablet"),
        "questionnaire.tablet.code_issued": _("Codice per il tablet generato"),
        "questionnaire.tablet.handed_back": _("Tablet riconsegnato all'operatrice"),
        "questionnaire.tablet.paused": _("Tablet in pausa"),
        "questionnaire.tablet.quick_exit": _("Uscita rapida dal tablet"),
        "questionnaire.tablet.released": _("Tablet liberato con il codice di riconsegna"),
        "screening.run.created": _("Verifica delle misure"),
        "screening.run.rescreened": _("Nuova verifica dopo un cambio di regole"),
        "screening.run.reviewed": _("Nuovo risultato visto"),
    }
)
