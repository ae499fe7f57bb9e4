"""The administrator's page of failed and late e-mails, and the demo's mail viewer."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from scarpette.accounts.decorators import permission_required
from scarpette.accounts.permissions import Perm
from scarpette.core.access import signed_in
from scarpette.core.pagination import paginate
from scarpette.notifications import services
from scarpette.notifications.models import OutboxMessage
from scarpette.notifications.selectors import (
    outbox_list_for_demo,
    outbox_problem_counts_for_user,
    outbox_problems_for_user,
)

DEMO_MAIL_PAGE_SIZE = 50
PROBLEMS_PAGE_SIZE = 50


@require_http_methods(["GET"])
@signed_in
def demo_mail(request):
    """Demo mode only (404 otherwise, as if it did not exist): the demo has no real mailbox, so
    this page stands in for each user's own (never anybody else's)."""
    if not settings.IS_DEMO:
        raise Http404
    page = paginate(request, outbox_list_for_demo(user=request.user), DEMO_MAIL_PAGE_SIZE)
    return render(request, "notifications/demo_mail.html", {"page": page})


@permission_required(Perm.NOTIFICATIONS_MANAGE)
@require_http_methods(["GET"])
def outbox_problems(request):
    """Failed and late e-mails: recipient masked, never subject or body."""
    page = paginate(request, outbox_problems_for_user(user=request.user), PROBLEMS_PAGE_SIZE)
    return render(
        request,
        "notifications/outbox_problems.html",
        {
            "page": page,
            "counts": outbox_problem_counts_for_user(user=request.user),
            "retry_hours": settings.NOTIFY_RETRY_HOURS,
            "late_minutes": settings.NOTIFY_LATE_MINUTES,
        },
    )


@permission_required(Perm.NOTIFICATIONS_MANAGE)
@require_POST
def outbox_message_requeue(request, public_id):
    try:
        requeued = services.outbox_message_requeue(actor=request.user, public_id=public_id)
    except OutboxMessage.DoesNotExist:
        raise Http404 from None
    if requeued:
        messages.success(request, _("L'e-mail è di nuovo in coda: sarà inviata a breve."))
    else:
        messages.info(request, _("Questa e-mail non era più tra quelle non riuscite."))
    return redirect("notifications:outbox_problems")


@permission_required(Perm.NOTIFICATIONS_MANAGE)
@require_POST
def outbox_failed_requeue(request):
    count = services.outbox_failed_requeue(actor=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d e-mail è di nuovo in coda.",
                "%(count)d e-mail sono di nuovo in coda.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("Nessuna e-mail non riuscita da rimettere in coda."))
    return redirect("notifications:outbox_problems")
