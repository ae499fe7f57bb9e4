"""The audit actions this app writes, in words (scarpette.audit.actions)."""

from django.utils.translation import gettext_lazy as _

from scarpette.audit.actions import register

register(
    {
        "referrals.consultation.access_denied": _("Tentativo di accesso negato"),
        "referrals.consultation.asked": _("Richiesta di consulenza"),
        "referrals.consultation.closed": _("Consulenza chiusa"),
        "referrals.consultation.replied": _("Risposta alla consulenza"),
        "referrals.consultation.viewed": _("Consultazione della consulenza"),
        "referrals.consultation.withdrawn": _("Consulenza ritirata: consenso revocato"),
        "referrals.transmission.access_denied": _("Tentativo di accesso negato"),
        "referrals.transmission.acknowledged": _("Trasmissione presa in carico da INPS"),
        "referrals.transmission.advice": _("Parere di INPS registrato"),
        "referrals.transmission.assigned": _("Trasmissione assegnata a una consulente INPS"),
        "referrals.transmission.closed": _("Trasmissione chiusa da INPS"),
        "referrals.transmission.info_provided": _("Risposta del centro a INPS"),
        "referrals.transmission.info_requested": _("INPS chiede altre informazioni"),
        "referrals.transmission.sent": _("Trasmissione a INPS"),
        "referrals.transmission.viewed": _("Consultazione della trasmissione"),
        "referrals.transmission.withdrawn": _("Trasmissione ritirata: consenso revocato"),
    }
)
