"""The dashboard per role, the logout that clears the browser, and the error pages."""

from __future__ import annotations

from allauth.account.views import LogoutView
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from scarpette.accounts.permissions import Perm, active_membership, has_perm
from scarpette.cases.selectors import (
    break_glass_grants_for_centre,
    case_counts_for_user,
    case_list_for_user,
)


@require_http_methods(["GET"])
def dashboard(request):
    user = request.user
    context = {"membership": active_membership(user)}
    if has_perm(user, Perm.CASE_VIEW):
        context["counts"] = case_counts_for_user(user=user)
        context["recent"] = list(case_list_for_user(user=user, mine=True, status="open")[:5])
        from scarpette.questionnaire.selectors import changed_runs_for_user

        context["changed_runs"] = changed_runs_for_user(user=user)
    if has_perm(user, Perm.CENTRE_AUDIT_VIEW):
        context["break_glass_grants"] = break_glass_grants_for_centre(user=user)
    return render(request, "core/dashboard.html", context)


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
