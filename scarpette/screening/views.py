"""The Misure pages: the catalogue and each measure's conditions and dated parameters.

Read-only reference for staff (INPS experts and the tavolo review it). Login is enforced by the
middleware; each view checks the permission first (403 without it).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from scarpette.accounts.decorators import permission_required
from scarpette.accounts.permissions import Perm
from scarpette.screening import selectors


@require_safe
@permission_required(Perm.MEASURES_VIEW)
def measure_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "screening/measure_list.html",
        {"measures": selectors.measure_list(), "rules_version": selectors.rules_version()},
    )


@require_safe
@permission_required(Perm.MEASURES_VIEW)
def measure_detail(request: HttpRequest, measure_id: str) -> HttpResponse:
    try:
        measure = selectors.measure_get(measure_id)
    except selectors.MeasureNotFound:
        raise Http404("unknown measure") from None
    return render(request, "screening/measure_detail.html", {"measure": measure})
