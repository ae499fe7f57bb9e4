"""Access gates that run on every request after login."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.contrib.auth.middleware import (
    AuthenticationMiddleware as DjangoAuthenticationMiddleware,
)
from django.contrib.auth.middleware import get_user as django_get_user
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
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


# The backend a session signed in before accounts.backends existed names. Such a session is carried
# over to ours rather than signed out: this can go once SESSION_ABSOLUTE_SECONDS (8 h) have
# passed since the deploy that introduced accounts.backends.
_LEGACY_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"
_BACKEND = "scarpette.accounts.backends.AuthenticationBackend"


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, carrying a session signed in through allauth's backend over to ours.

    Done when `request.user` is first read (as Django does), so that a request that never reads
    it does not load the session.
    """

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _get_user(request))


def _get_user(request):
    if (
        not hasattr(request, "_cached_user")
        and request.session.get(BACKEND_SESSION_KEY) == _LEGACY_BACKEND
    ):
        request.session[BACKEND_SESSION_KEY] = _BACKEND
    return django_get_user(request)


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


# Set in her session once she is known to have a TOTP authenticator: one is only ever added,
# and removing it (allauth's flow) clears the flag (accounts.signals).
MFA_CONFIRMED_SESSION_KEY = "mfa_totp_user"


def has_totp(request) -> bool:
    """Whether the signed-in user has a TOTP authenticator: asked once, then kept in her session."""
    user = request.user
    if request.session.get(MFA_CONFIRMED_SESSION_KEY) == user.pk:
        return True
    from allauth.mfa.models import Authenticator

    if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        request.session[MFA_CONFIRMED_SESSION_KEY] = user.pk
        return True
    return False


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
            name = _url_name(request)
            if name not in _ALWAYS_ALLOWED + _MFA_SETUP and not has_totp(request):
                return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


def touch_session(request, now: int) -> None:
    """Move the idle deadline to `now` and recompute `request.session_expires_in`."""
    request.session["last_seen_at"] = now
    request.session_expires_in = _expires_in(request.session, now)


def _expires_in(session, now: int) -> int:
    # Counted from the stored values, so the page's countdown matches the server's check.
    idle_left = settings.SESSION_IDLE_SECONDS - (now - session["last_seen_at"])
    absolute_left = settings.SESSION_ABSOLUTE_SECONDS - (now - session["started_at"])
    return min(idle_left, absolute_left)


class SessionTimeoutMiddleware:
    """Idle (15 min) and absolute (8 h) session limits, enforced on the server at every request.

    A lapsed session is signed out and sent to the login page with `next` = where she was (a GET,
    or the page a POST came from), and `request.session_lapsed` says why, so that the
    questionnaire can keep a page typed meanwhile. A live session gets `request.session_expires_in`
    (seconds to the nearer deadline), which the pages use to warn before it lapses.

    The idle deadline counts from the stored `last_seen_at`, which moves only when at least
    `SESSION_TOUCH_SECONDS` have passed since it last moved: requests closer together do not write
    the session. A view marked `renews_session` ("Continua a lavorare") always moves it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            if "started_at" not in session:
                session["started_at"] = now
            started = session["started_at"]
            last_seen = session.get("last_seen_at", now)
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
            if "last_seen_at" not in session or now - last_seen >= settings.SESSION_TOUCH_SECONDS:
                touch_session(request, now)
            else:
                request.session_expires_in = _expires_in(session, now)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            request.method == "POST"
            and getattr(view_func, "renews_session", False)
            and request.user.is_authenticated
        ):
            touch_session(request, int(time.time()))
        return None
