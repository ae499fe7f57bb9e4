"""Every refusal is in the log: a 403 answer, whoever gave it (a permission check, the CSRF guard,
a view), leaves a denied event with who, which page and from where — never the content."""

from __future__ import annotations

from scarpette.audit.models import AuditEvent
from scarpette.audit.services import audit_log


class ForbiddenAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            user = getattr(request, "user", None)
            actor = user if user is not None and user.is_authenticated else None
            membership = getattr(actor, "membership", None) if actor is not None else None
            match = getattr(request, "resolver_match", None)
            audit_log(
                actor=actor,
                action="audit.request.forbidden",
                object_type="request",
                object_id=(match.view_name if match else "")[:64],
                organisation_id=membership.organisation_id if membership else None,
                outcome=AuditEvent.Outcome.DENIED,
                detail={"method": request.method},
            )
        return response
