"""The tablet is an explicit actor: it answers its own session and nothing else, and `None` is
never taken for it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import QueryDict

from scarpette.audit.models import AuditEvent
from scarpette.cases.services import case_open
from scarpette.questionnaire.actors import TabletActor
from scarpette.questionnaire.models import QuestionnaireSession
from scarpette.questionnaire.services import (
    record_tablet_event,
    session_reopen,
    session_start,
    session_submit_page,
    tablet_set_language,
)


@pytest.fixture
def sessions(personas):
    def one():
        case = case_open(actor=personas.operator_a)
        return session_start(actor=personas.operator_a, case=case, mode="self", language="it")

    return one(), one()


def test_the_tablet_acts_on_its_own_session_as_the_tablet(sessions):
    mine, _other = sessions
    tablet = TabletActor(mine.public_id)
    tablet_set_language(actor=tablet, session=mine, language="en")
    record_tablet_event(actor=tablet, session=mine, action="questionnaire.tablet.paused")
    mine.refresh_from_db()
    assert mine.language == "en"
    event = AuditEvent.objects.filter(action="questionnaire.tablet.paused").get()
    assert event.actor_id is None
    assert event.detail["via"] == "tablet"
    assert event.detail["session"] == str(mine.public_id)


def test_the_tablet_cannot_touch_another_session(sessions):
    mine, other = sessions
    tablet = TabletActor(mine.public_id)
    with pytest.raises(PermissionDenied):
        session_submit_page(actor=tablet, session=other, page=0, data=QueryDict(), action="save")
    with pytest.raises(PermissionDenied):
        tablet_set_language(actor=tablet, session=other, language="en")
    with pytest.raises(PermissionDenied):
        record_tablet_event(actor=tablet, session=other, action="questionnaire.tablet.paused")
    other.refresh_from_db()
    assert other.language == "it"
    assert not AuditEvent.objects.filter(action__startswith="questionnaire.tablet.").exists()


def test_no_actor_is_not_the_tablet(sessions):
    # A future caller (an API, a task) that forgets its actor is refused, not let in as a tablet.
    mine, _other = sessions
    with pytest.raises(PermissionDenied):
        session_submit_page(actor=None, session=mine, page=0, data=QueryDict(), action="save")
    assert not AuditEvent.objects.filter(action="questionnaire.answers.saved").exists()


def test_the_tablet_may_not_do_what_only_an_operator_does(sessions):
    mine, _other = sessions
    QuestionnaireSession.objects.filter(pk=mine.pk).update(status="completed")
    with pytest.raises(PermissionDenied):
        session_reopen(actor=TabletActor(mine.public_id), session=mine, page=0)
