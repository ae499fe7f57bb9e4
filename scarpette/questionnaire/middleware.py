"""A questionnaire page posted after the staff session lapsed is kept, not lost."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from scarpette.core.middleware import same_origin
from scarpette.questionnaire import drafts

_PAGE_VIEW = "questionnaire:session_page"


class KeepTypedPageMiddleware:
    """Wraps SessionTimeoutMiddleware (placed just before it). On a POST of an operator-assisted
    questionnaire page that could not be saved because

    - the session lapsed on this very request (idle or absolute timeout),
    - the browser was already signed out (the session lapsed in another tab, or was removed), or
    - the CSRF token was stale (she signed in again in another tab meanwhile),

    the posted fields are kept as an encrypted draft (scarpette.questionnaire.drafts) and she is
    sent to sign in with `next` = the same page, where the draft is shown back for her to save.

    Only a post sent by a page of this site (Origin/Referer) is kept, and only CSRF failures about
    the token (not the origin). The tablet (/t/) is another view and keeps nothing, by design.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        public_id = _posted_page(request)
        if public_id is None:
            return self.get_response(request)
        was = request.user if request.user.is_authenticated else None
        response = self.get_response(request)
        lapsed = getattr(request, "session_lapsed", "")
        csrf_reason = getattr(request, "csrf_failure_reason", None)
        login_path = resolve_url("account_login")
        if lapsed:
            owner, reason = was, lapsed
        elif csrf_reason is not None:
            if not csrf_reason.startswith("CSRF "):
                return response  # an Origin/Referer failure: not a page of ours
            owner = request.user if request.user.is_authenticated else None
            reason = "csrf"
        elif (
            was is None
            and isinstance(response, HttpResponseRedirect)
            and response.url.startswith(login_path)
        ):
            owner, reason = None, "signed_out"
        else:
            return response
        if not same_origin(request):
            return response
        page = request.POST.get("page", "")
        draft = drafts.draft_keep(
            owner=owner,
            public_id=public_id,
            page=int(page) if page.isdigit() else None,
            data=request.POST,
            reason=reason,
        )
        if draft is None:
            return response
        if owner is None:
            kept = request.session.get(drafts.SESSION_KEY, [])
            request.session[drafts.SESSION_KEY] = [*kept, draft.pk][-drafts.MAX_PER_BROWSER :]
        target = reverse(_PAGE_VIEW, kwargs={"public_id": public_id}) + f"?pagina={draft.page}"
        if request.user.is_authenticated:
            # Signed in again elsewhere: the page itself shows what was kept.
            return HttpResponseRedirect(target)
        messages.info(
            request,
            _(
                "Quello che avevi scritto è stato conservato: dopo l'accesso lo ritrovi nella pagina."
            ),
        )
        return redirect_to_login(target)


def _posted_page(request):
    """The questionnaire session id when this is a POST of an operator-assisted page."""
    if request.method != "POST" or request.headers.get("HX-Request") == "true":
        # A refresh of the fields while she answers (htmx) saves nothing, so it keeps nothing.
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if match.view_name != _PAGE_VIEW:
        return None
    return match.kwargs.get("public_id")
