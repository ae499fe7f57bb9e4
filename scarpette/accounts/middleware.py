"""Access gates that run on every request after login."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from scarpette.accounts.permissions import active_membership
from scarpette.audit.services import audit_log
from scarpette.core.middleware import return_to_after_login

# Pages a signed-in user may reach before the gates below are satisfied.
_ALWAYS_ALLOWED = ("account_logout", "set_language")
_MFA_SETUP = (
    "mfa_activate_totp",
    "mfa_index",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "account_reauthenticate",
    "mfa_reauthenticate",
)


def _url_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        from django.urls import Resolver404, resolve

        try:
            match = resolve(request.path_info)
        except Resolver404:
            return ""
    return match.url_name or ""


class MembershipRequiredMiddleware:
    """A signed-in user whose role was revoked is signed out on her very next request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and active_membership(user) is None:
            from scarpette.audit.services import audit_log

            audit_log(actor=user, action="accounts.session.revoked", outcome="denied")
            logout(request)
            messages.error(request, _("Il tuo accesso non è attivo. Rivolgiti alla referente."))
            return redirect(settings.LOGIN_URL)
        return self.get_response(request)


class MfaRequiredMiddleware:
    """Two-factor login is mandatory: a user without an authenticator can only set one up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.MFA_REQUIRED
            and request.user.is_authenticated
            and not request.path.startswith(settings.STATIC_URL)
        ):
            from allauth.mfa.models import Authenticator

            name = _url_name(request)
            if (
                name not in _ALWAYS_ALLOWED + _MFA_SETUP
                and not Authenticator.objects.filter(
                    user=request.user, type=Authenticator.Type.TOTP
                ).exists()
            ):
                return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


class SessionTimeoutMiddleware:
    """Idle (15 min) and absolute (8 h) session limits, enforced on the server at every request.

    A lapsed session is signed out and sent to the login page with `next` = where she was (a GET,
    or the page a POST came from), and `request.session_lapsed` says why, so that the
    questionnaire can keep a page typed meanwhile. A live session gets `request.session_expires_in`
    (seconds to the nearer deadline), which the pages use to warn before it lapses.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.setdefault("started_at", now)
            last_seen = request.session.get("last_seen_at", now)
            idle = now - last_seen > settings.SESSION_IDLE_SECONDS
            expired = now - started > settings.SESSION_ABSOLUTE_SECONDS
            if idle or expired:
                reason = "idle" if idle else "absolute"
                audit_log(
                    actor=request.user,
                    action="accounts.session.expired",
                    detail={"reason": reason},
                )
                logout(request)
                request.session_lapsed = reason
                messages.info(request, _("La sessione è scaduta. Accedi di nuovo."))
                return_to = return_to_after_login(request)
                if return_to:
                    return redirect_to_login(return_to)
                return redirect(settings.LOGIN_URL)
            request.session["last_seen_at"] = now
            request.session_expires_in = min(
                settings.SESSION_IDLE_SECONDS, settings.SESSION_ABSOLUTE_SECONDS - (now - started)
            )
        return self.get_response(request)
