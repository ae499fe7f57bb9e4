"""The dashboard (composed of panels), the logout that clears the browser, the health check, the error pages."""

from __future__ import annotations

import logging

from allauth.account.views import LogoutView
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods, require_POST

from scarpette.core import panels
from scarpette.core.access import public, renews_session, signed_in

logger = logging.getLogger("scarpette.health")


@require_http_methods(["GET"])
@signed_in
def dashboard(request):
    """Each role's home page, composed of the panels the apps contribute (core.panels)."""
    return render(
        request, "core/dashboard.html", {"panels": panels.panels_for(request, panels.DASHBOARD)}
    )


@require_http_methods(["GET"])
@signed_in
def benchmark_bare(request):
    """The load benchmark's reference page (docs/performance.md): the same middleware as every
    signed-in page and no work, so each page is measured against what any request costs. Routed
    only when `BENCHMARK_BARE_VIEW` is on; not audited (it reads nothing of anyone)."""
    return HttpResponse(b"ok", content_type="text/plain")


@public("the load balancer has no account; the answer says nothing")
@require_http_methods(["GET", "HEAD"])
def health(request):
    """For the load balancer: 200 when the database answers `SELECT 1`, 503 otherwise.

    Public on purpose (the balancer has no account) and so it says nothing: no data, no version,
    no error text. Not audited: it is called every few seconds and concerns no one.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        # The class name only: a driver message can carry host and user names.
        logger.warning("health check: database unavailable (%s)", type(exc).__name__)
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def _info_page(template: str):
    @public("a public service's notice: the same text for everyone, no data, nothing audited")
    @require_http_methods(["GET", "HEAD"])
    def view(request):
        return render(request, template, {"retention_months": settings.RETENTION_MONTHS})

    return view


# The footer's pages (AgID's guidelines ask every public service for them). Their text states
# what the platform does; the owning body completes its own references before going live.
accessibility = _info_page("core/accessibility.html")
privacy = _info_page("core/privacy.html")
legal = _info_page("core/legal.html")


class ClearingLogoutView(LogoutView):
    """allauth's logout, plus Clear-Site-Data so the browser drops cache, cookies and storage."""

    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
        return response


@renews_session
@require_POST
@signed_in
def session_renew(request):
    """ "Continua a lavorare": any signed-in user. SessionTimeoutMiddleware moves the idle deadline
    for a view marked `renews_session`; the answer carries the seconds left, for the warning's next
    countdown."""
    response = HttpResponse(status=204)
    response["X-Session-Expires-In"] = str(getattr(request, "session_expires_in", 0))
    return response


def _tablet_start_url(request) -> str | None:
    """The tablet's start screen if this request came from the self-completion tablet.

    The woman may meet these pages there: they must not show the platform's name or menu.
    """
    try:
        start = reverse("questionnaire:tablet")
    except NoReverseMatch:
        return None
    return start if request.path.startswith(start) else None


def _error_page(request, template: str, status: int, **context) -> HttpResponse:
    tablet_start = _tablet_start_url(request)
    context = {"neutral": tablet_start is not None, "back_url": tablet_start, **context}
    return render(request, template, context, status=status)


@login_not_required
def error_404(request, exception=None):
    return _error_page(request, "404.html", 404)


@login_not_required
def error_403(request, exception=None):
    return _error_page(request, "403.html", 403)


@login_not_required
def error_400(request, exception=None):
    return _error_page(request, "400.html", 400)


@login_not_required
def error_429(request, exception=None):
    """Throttled (allauth's login, reset and two-factor limits): in Italian, in the layout."""
    return _error_page(request, "429.html", 429)


@login_not_required
def csrf_failure(request, reason: str = ""):
    """CSRF_FAILURE_VIEW: usually a page left open too long, or a form sent from another tab.

    The reason stays in the server log (Django logs it) and on the request for
    KeepTypedPageMiddleware (a questionnaire page posted with a stale token is kept, not lost);
    the page says what to do.
    """
    request.csrf_failure_reason = reason
    return _error_page(request, "403_csrf.html", 403)


@login_not_required
def error_500(request):
    # No context processors that touch the database: the error may be the database itself.
    from django.template import loader

    template = loader.get_template("500.html")
    reference = getattr(request, "error_reference", "")
    from django.http import HttpResponseServerError

    return HttpResponseServerError(template.render({"reference": reference}))
