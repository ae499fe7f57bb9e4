"""The dashboard per role, the logout that clears the browser, the health check, the error pages."""

from __future__ import annotations

import logging

from allauth.account.views import LogoutView
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from scarpette.accounts.permissions import Perm, active_membership, has_perm
from scarpette.cases.selectors import case_counts_for_user, case_list_for_user

logger = logging.getLogger("scarpette.health")


@require_http_methods(["GET"])
def dashboard(request):
    user = request.user
    context = {"membership": active_membership(user)}
    if has_perm(user, Perm.CASE_VIEW):
        context["counts"] = case_counts_for_user(user=user)
        context["recent"] = list(case_list_for_user(user=user, mine=True, status="open")[:5])
        from scarpette.questionnaire.selectors import changed_runs_for_user

        context["changed_runs"] = changed_runs_for_user(user=user)
    return render(request, "core/dashboard.html", context)


@login_not_required
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


class ClearingLogoutView(LogoutView):
    """allauth's logout, plus Clear-Site-Data so the browser drops cache, cookies and storage."""

    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
        return response


@login_not_required
def error_404(request, exception=None):
    return render(request, "404.html", status=404)


@login_not_required
def error_403(request, exception=None):
    return render(request, "403.html", status=403)


@login_not_required
def error_400(request, exception=None):
    return render(request, "400.html", status=400)


@login_not_required
def error_500(request):
    # No context processors that touch the database: the error may be the database itself.
    from django.template import loader

    template = loader.get_template("500.html")
    reference = getattr(request, "error_reference", "")
    from django.http import HttpResponseServerError

    return HttpResponseServerError(template.render({"reference": reference}))
