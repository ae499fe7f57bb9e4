"""Cross-cutting request handling: security headers, error references, request context, timeouts."""

from __future__ import annotations

import logging
import secrets
import time
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from scarpette.core import request_context
from scarpette.core.client_ip import client_ip

logger = logging.getLogger("scarpette.errors")

_HANDLED = (Http404, PermissionDenied, SuspiciousOperation, BadRequest)


class SecurityHeadersMiddleware:
    """CSP with a per-request nonce, HSTS, and no-store on every page that is not a static file."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        nonce = request.csp_nonce
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            "style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        )
        response.headers.setdefault(
            "Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload"
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if not request.path.startswith(settings.STATIC_URL):
            # Nothing about a woman may stay in a browser or proxy cache.
            response.headers["Cache-Control"] = "no-store"
            response.headers.setdefault("Pragma", "no-cache")
        return response


class ErrorReferenceMiddleware:
    """Give each unhandled error a reference id, logged with the traceback and shown to the user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, _HANDLED):
            return None  # 400/403/404 pages: expected answers, not errors
        request.error_reference = uuid.uuid4().hex[:12]
        logger.error(
            "unhandled error ref=%s path_name=%s",
            request.error_reference,
            getattr(request.resolver_match, "view_name", "?"),
            exc_info=exception,
        )
        return None


class RequestContextMiddleware:
    """Make "from where" (IP, user agent, request id) available to the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_context.set_current(
            request_context.RequestInfo(
                ip=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
                request_id=uuid.uuid4().hex[:16],
            )
        )
        try:
            return self.get_response(request)
        finally:
            request_context.reset(token)


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
                from scarpette.audit.services import audit_log

                reason = "idle" if idle else "absolute"
                audit_log(
                    actor=request.user,
                    action="accounts.session.expired",
                    detail={"reason": reason},
                )
                logout(request)
                request.session_lapsed = reason
                messages.info(request, _("La sessione è scaduta. Accedi di nuovo."))
                return_to = _return_to(request)
                if return_to:
                    return redirect_to_login(return_to)
                return redirect(settings.LOGIN_URL)
            request.session["last_seen_at"] = now
            request.session_expires_in = min(
                settings.SESSION_IDLE_SECONDS, settings.SESSION_ABSOLUTE_SECONDS - (now - started)
            )
        return self.get_response(request)


def same_origin(request) -> bool:
    """The request was sent by a page of this site (Origin, or Referer when Origin is absent)."""
    here = f"{request.scheme}://{request.get_host()}"
    origin = request.META.get("HTTP_ORIGIN")
    if origin:
        return origin == here
    return request.META.get("HTTP_REFERER", "").startswith(here + "/")


def _return_to(request) -> str:
    """Where to come back after signing in again: this page, or for a POST the page it came from."""
    if request.method == "GET":
        return request.get_full_path()
    referer = request.META.get("HTTP_REFERER", "")
    if same_origin(request) and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        path = urlsplit(referer)
        return path.path + (f"?{path.query}" if path.query else "")
    return ""


class ItalianFirstMiddleware:
    """Italian unless the user chose another language (cookie): the browser's language is not used.

    Centre PCs and tablets are often set up in English; the pages must still open in Italian.
    Runs before LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
