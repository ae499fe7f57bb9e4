"""Drafts of a questionnaire page typed while the staff session lapsed (services).

A page posted after the idle or absolute timeout, already signed out, or with a stale CSRF token
(she signed in again in another tab) is kept here instead of being lost. It is shown back in the
form after she signs in again, for her to check and save: nothing becomes an answer without a
signed-in operator pressing a button (see docs/questionnaire.md, "Session lapsed mid-page").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from scarpette.accounts.permissions import Perm, has_perm
from scarpette.cases.models import Case
from scarpette.cases.services import case_audit
from scarpette.core.locking import lock
from scarpette.questionnaire.models import PageDraft, QuestionnaireSession

DRAFT_HOURS = 24
# Fields never kept: the token is worthless after a new sign-in, the button is chosen again.
_NOT_KEPT = {"csrfmiddlewaretoken", "action"}
# The ids of the drafts this browser kept while signed out live in its server-side session.
SESSION_KEY = "questionnaire_kept_drafts"
MAX_PER_BROWSER = 5


@dataclass
class RestoredDraft:
    page: int
    data: dict[str, list[str]]


def _audit_draft(actor, session: QuestionnaireSession, action: str, draft: PageDraft) -> None:
    case_audit(
        actor=actor,
        action=action,
        case=session.case,
        session=str(session.public_id),
        page=draft.page,
        reason=draft.reason,
    )


@transaction.atomic
def draft_keep(*, owner, public_id, page: int | None, data, reason: str) -> PageDraft | None:
    """Keep a posted page for later. Returns None (nothing kept) when there is nothing to keep to:
    the session is unknown or finished, or the owner may not edit it.

    `owner` is the operator whose session lapsed, or None when the page arrived signed out (the
    caller then binds the draft to the browser's session). One draft per session and owner: a
    newer one replaces the older. Audited as `questionnaire.draft.kept` (ids only, no content).
    """
    session = (
        QuestionnaireSession.objects.select_related("case")
        .filter(public_id=public_id, status=QuestionnaireSession.Status.IN_PROGRESS)
        .first()
    )
    # No scheduled job needed: every new draft clears the expired ones.
    drafts_purge_expired()
    if session is None:
        return None
    if owner is not None and not (
        has_perm(owner, Perm.CASE_EDIT)
        and Case.objects.visible_to(owner).filter(pk=session.case_id).exists()
    ):
        return None
    fields = {
        key: data.getlist(key) if hasattr(data, "getlist") else list(data[key])
        for key in data
        if key not in _NOT_KEPT
    }
    PageDraft.objects.filter(session=session, owner=owner).delete()
    draft = PageDraft.objects.create(
        session=session,
        owner=owner,
        page=page if page is not None else session.section_index,
        data_json=json.dumps(fields, ensure_ascii=False),
        reason=reason,
        expires_at=timezone.now() + timedelta(hours=DRAFT_HOURS),
    )
    _audit_draft(owner, session, "questionnaire.draft.kept", draft)
    return draft


@transaction.atomic
def draft_restore(
    *, actor, session: QuestionnaireSession, kept_ids: list[int]
) -> RestoredDraft | None:
    """Take back the draft of `session` this operator may have: hers, or one kept by this browser
    while signed out (`kept_ids`). The caller fetched `session` through the scoped selector; this
    service re-checks the edit permission and the scope. The draft is deleted as it is returned
    (audited `questionnaire.draft.restored`); expired drafts of the session are deleted too.
    """
    if not PageDraft.objects.filter(session=session).exists():
        return None  # the common case: one query on every page view
    now = timezone.now()
    PageDraft.objects.filter(session=session, expires_at__lte=now).delete()
    if not has_perm(actor, Perm.CASE_EDIT) or not (
        Case.objects.visible_to(actor).filter(pk=session.case_id).exists()
    ):
        return None
    draft = (
        lock(
            PageDraft.objects.filter(session=session, expires_at__gt=now).filter(
                Q(owner=actor) | Q(owner__isnull=True, pk__in=kept_ids)
            )
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if draft is None:
        return None
    restored = RestoredDraft(page=draft.page, data=draft.data)
    _audit_draft(actor, session, "questionnaire.draft.restored", draft)
    draft.delete()
    return restored


def draft_discard(*, actor, session: QuestionnaireSession) -> None:
    """Her drafts of this session are obsolete once she saved a page (called inside the save)."""
    if getattr(actor, "is_authenticated", False):  # the tablet keeps no drafts
        PageDraft.objects.filter(session=session, owner=actor).delete()


def drafts_purge_expired() -> int:
    """Delete every expired draft; returns how many. Restores also skip expired drafts."""
    count, _ = PageDraft.objects.filter(expires_at__lte=timezone.now()).delete()
    return count
