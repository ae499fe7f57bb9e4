"""The audit actions this app writes, in words (scarpette.audit.actions)."""

from django.utils.translation import gettext_lazy as _

from scarpette.audit.actions import register

register(
    {
        "accounts.login.failed": _("Accesso alla piattaforma non riuscito"),
        "accounts.login.succeeded": _("Accesso alla piattaforma"),
        "accounts.logout.succeeded": _("Uscita dalla piattaforma"),
        "accounts.membership.changed": _("Cambio di ruolo o di organizzazione"),
        "accounts.organisation.created": _("Organizzazione creata"),
        "accounts.organisation.updated": _("Organizzazione modificata"),
        "accounts.session.expired": _("Sessione scaduta"),
        "accounts.session.revoked": _("Sessione chiusa per ruolo revocato"),
        "accounts.user.access_denied": _("Tentativo negato su un account"),
        "accounts.user.activated": _("Account riattivato"),
        "accounts.user.created": _("Account creato"),
        "accounts.user.deactivated": _("Account disattivato"),
        "accounts.user.invited": _("Operatrice invitata"),
    }
)
