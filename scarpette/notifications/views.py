"""The demo's mail viewer: what the platform sent, readable by the demo's users."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from scarpette.core.pagination import paginate
from scarpette.notifications.selectors import outbox_list_for_demo

DEMO_MAIL_PAGE_SIZE = 50


@require_http_methods(["GET"])
def demo_mail(request):
    """Demo mode only (404 otherwise, as if it did not exist): there are no real people in the
    demo and no mailbox to read, so any signed-in user may see every message sent."""
    if not settings.IS_DEMO:
        raise Http404
    page = paginate(request, outbox_list_for_demo(), DEMO_MAIL_PAGE_SIZE)
    return render(request, "notifications/demo_mail.html", {"page": page})
