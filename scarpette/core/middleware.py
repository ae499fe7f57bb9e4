"""Cross-cutting request handling: security headers, error references, request context, timeouts."""

from __future__ import annotations

import logging
import secrets
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.utils.http import url_has_allowed_host_and_scheme

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


def same_origin(request) -> bool:
    """The request was sent by a page of this site (Origin, or Referer when Origin is absent)."""
    here = f"{request.scheme}://{request.get_host()}"
    origin = request.META.get("HTTP_ORIGIN")
    if origin:
        return origin == here
    return request.META.get("HTTP_REFERER", "").startswith(here + "/")


def return_to_after_login(request) -> str:
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
