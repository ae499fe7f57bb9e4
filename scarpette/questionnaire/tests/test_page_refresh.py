"""Follow-up questions appear as soon as the answer is given (htmx refresh of the page's fields),
and "has children: yes" with no child added is caught on the page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scarpette.audit.models import AuditEvent
from scarpette.cases.services import case_open
from scarpette.core.tests.test_permission_matrix import written_tables
from scarpette.questionnaire.models import PageDraft, QuestionnaireSession
from scarpette.questionnaire.services import session_start, tablet_code_issue
from scarpette.questionnaire.tests.test_sessions import page_post, page_url, text_of

HTMX = {"HTTP_HX_REQUEST": "true"}
INCOME, HOUSEHOLD = 3, 5
ISEE_KNOWN = "Conosce il valore del suo ISEE?"
CHILDREN_MISSING = "Hai indicato di avere figli: aggiungi almeno un figlio o una figlia, oppure cambia la risposta."


@pytest.fixture
def case_a(personas):
    return case_open(actor=personas.operator_a)


@pytest.fixture
def session(personas, case_a):
    return session_on(personas, case_a, INCOME)


def session_on(personas, case, page: int) -> QuestionnaireSession:
    session = session_start(actor=personas.operator_a, case=case, mode="assisted", language="it")
    session.section_index = page
    session.save(update_fields=["section_index"])
    return session


@pytest.fixture
def operator(client, personas):
    client.force_login(personas.operator_a)
    return client


# --- the refresh ----------------------------------------------------------------------------------


def test_the_follow_up_appears_in_the_refreshed_fields_and_nothing_is_stored(operator, session):
    page = operator.get(page_url(session))
    assert ISEE_KNOWN not in text_of(page)
    assert 'hx-post="' + page_url(session) + '"' in page.content.decode()
    events = AuditEvent.objects.count()

    with CaptureQueriesContext(connection) as queries:
        response = operator.post(page_url(session), page_post(page, {"has_isee": "yes"}), **HTMX)

    assert response.status_code == 200
    assert response["X-Questionnaire-Fields"] == "1"
    content = text_of(response)
    assert ISEE_KNOWN in content
    # Only the fields: no page around them, the answer she gave still chosen, and the new
    # question now among those the next "Avanti" reads.
    assert "<html" not in content and "<h1" not in content
    assert 'name="has_isee" value="yes" checked' in content
    assert 'name="_shown" value="isee_known"' in content
    assert '<span id="q-announce" hx-swap-oob="innerHTML">Nuove domande: 1</span>' in content
    # Nothing saved, nothing audited, no draft kept: only the signed-in session may be touched.
    session.refresh_from_db()
    assert session.answers == {}
    assert AuditEvent.objects.count() == events
    assert not PageDraft.objects.exists()
    assert written_tables(queries.captured_queries) <= {"django_session"}


def test_changing_the_answer_back_removes_the_follow_up_and_announces_nothing(operator, session):
    page = operator.get(page_url(session))
    data = page_post(page, {"has_isee": "no"})
    data["_shown"] = [*data["_shown"], "isee_known"]

    response = operator.post(page_url(session), data, **HTMX)

    content = text_of(response)
    assert ISEE_KNOWN not in content
    assert '<span id="q-announce" hx-swap-oob="innerHTML"></span>' in content


def test_a_number_that_is_not_one_is_shown_back_with_its_error(operator, personas, case_a):
    session = session_on(personas, case_a, HOUSEHOLD)
    page = operator.get(page_url(session))
    page = operator.post(page_url(session), page_post(page, {"has_children": "yes"}))
    page = operator.post(page_url(session), page_post(page, {"has_children": "yes"}, "add_repeat"))

    response = operator.post(
        page_url(session),
        page_post(page, {"has_children": "yes", "children.0.child_age": "tre"}),
        **HTMX,
    )

    content = text_of(response)
    assert 'value="tre"' in content
    assert "Scrivi un numero intero, per esempio 3." in content
    session.refresh_from_db()
    assert session.answers == {"has_children": "yes", "children": [{}]}


def test_without_htmx_the_same_post_saves_as_before(operator, session):
    page = operator.get(page_url(session))

    response = operator.post(page_url(session), page_post(page, {"has_isee": "yes"}))

    assert response.status_code == 200
    assert "<h1" in text_of(response)
    session.refresh_from_db()
    assert session.answers == {"has_isee": "yes"}


def test_a_refresh_of_a_page_that_does_not_exist_is_refused(operator, session):
    response = operator.post(
        page_url(session), {"page": "99", "_shown": ["has_isee"], "has_isee": "yes"}, **HTMX
    )

    assert response.status_code == 400
    session.refresh_from_db()
    assert session.answers == {}


@pytest.mark.parametrize("persona", ["operator_b", "admin"])
def test_another_centre_gets_404_and_nothing_of_hers(persona, client, personas, session):
    client.force_login(getattr(personas, persona))

    response = client.post(
        page_url(session), {"page": "3", "_shown": ["has_isee"], "has_isee": "yes"}, **HTMX
    )

    assert response.status_code == 404
    assert ISEE_KNOWN not in text_of(response)
    assert "X-Questionnaire-Fields" not in response
    session.refresh_from_db()
    assert session.answers == {}


def test_a_role_without_percorsi_is_refused(client, personas, session):
    client.force_login(personas.inps_specialist)

    response = client.post(page_url(session), {"page": "3", "has_isee": "yes"}, **HTMX)

    assert response.status_code == 403


def test_anonymous_is_sent_to_login_and_nothing_is_kept(client, session):
    response = client.post(
        page_url(session), {"page": "3", "_shown": ["has_isee"], "has_isee": "yes"}, **HTMX
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "X-Questionnaire-Fields" not in response
    assert not PageDraft.objects.exists()


def test_the_refresh_refuses_get(operator, session):
    response = operator.put(page_url(session), **HTMX)

    assert response.status_code == 405


def test_the_page_loads_htmx_from_our_own_static_files_without_inline_styles(operator, session):
    content = operator.get(page_url(session)).content.decode()

    assert "/static/django_htmx/htmx-2.min.js" in content
    assert "/static/js/questionnaire_flow.js" in content
    assert '"includeIndicatorStyles": false' in content
    assert 'aria-live="polite" id="q-announce"' in content


# --- on the tablet ---------------------------------------------------------------------------------

TABLET = "/t/"


@pytest.fixture
def tablet(personas, case_a):
    session = session_start(actor=personas.operator_a, case=case_a, mode="self", language="en")
    session.section_index = INCOME
    session.save(update_fields=["section_index"])
    code = tablet_code_issue(actor=personas.operator_a, session=session)
    browser = Client()
    assert browser.post(TABLET, {"code": code}).status_code == 302
    assert browser.post(TABLET, {"language": "en"}).status_code == 302
    browser.questionnaire = session
    return browser


def test_on_the_tablet_the_follow_up_appears_in_her_language_and_nothing_is_stored(tablet):
    page = tablet.get(TABLET)
    assert "Do you know the value of your ISEE?" not in text_of(page)

    response = tablet.post(TABLET, page_post(page, {"has_isee": "yes"}), **HTMX)

    assert response.status_code == 200
    assert response["X-Questionnaire-Fields"] == "1"
    content = text_of(response)
    assert "Do you know the value of your ISEE?" in content
    assert ">New questions: 1</span>" in content
    tablet.questionnaire.refresh_from_db()
    assert tablet.questionnaire.answers == {}


def test_a_tablet_without_a_claim_gets_the_code_prompt_not_fields(session):
    response = Client().post(
        TABLET, {"page": "3", "_shown": ["has_isee"], "has_isee": "yes"}, **HTMX
    )

    assert response.status_code == 200
    assert "X-Questionnaire-Fields" not in response
    assert 'name="code"' in response.content.decode()


# --- "has children: yes" with no child added ---------------------------------------------------------


def test_yes_to_children_opens_the_children_and_avanti_without_a_child_is_refused(
    operator, personas, case_a
):
    session = session_on(personas, case_a, HOUSEHOLD)
    page = operator.get(page_url(session))

    # Without JavaScript: the answer opens the children section, shown without an error.
    response = operator.post(page_url(session), page_post(page, {"has_children": "yes"}))

    assert response.status_code == 200
    content = text_of(response)
    assert "Aggiungi un figlio o una figlia" in content
    assert CHILDREN_MISSING not in content
    session.refresh_from_db()
    assert session.section_index == HOUSEHOLD

    # "Avanti" again with no child: the error on the children section, and she stays.
    response = operator.post(page_url(session), page_post(response, {"has_children": "yes"}))

    assert response.status_code == 400
    assert f'<p class="errorlist" id="err-children">{CHILDREN_MISSING}</p>' in text_of(response)
    assert 'aria-describedby="err-children"' in response.content.decode()
    session.refresh_from_db()
    assert session.section_index == HOUSEHOLD
    assert session.answers == {"has_children": "yes"}


def test_with_a_child_added_avanti_moves_on(operator, personas, case_a):
    session = session_on(personas, case_a, HOUSEHOLD)
    page = operator.get(page_url(session))
    page = operator.post(page_url(session), page_post(page, {"has_children": "yes"}))
    page = operator.post(page_url(session), page_post(page, {"has_children": "yes"}, "add_repeat"))
    answers = {"has_children": "yes", "children.0.child_age": "4"}
    # Answering the child's questions may open others: answer until the page lets her go.
    for _ in range(5):
        response = operator.post(page_url(session), page_post(page, answers))
        if response.status_code == 302:
            break
        assert CHILDREN_MISSING not in text_of(response)
        page = response
        answers.update(
            {
                key: "no"
                for key in page_post(page, {})["_shown"]
                if key.startswith(("children.0.child_", "exclusive", "other_parent"))
                and key not in answers
                and key not in {"children.0.child_born_on"}
            }
        )
    session.refresh_from_db()
    assert session.section_index == HOUSEHOLD + 1
    assert session.answers["children"][0]["child_age"] == 4


def test_saving_to_continue_later_is_not_blocked_by_the_missing_child(operator, personas, case_a):
    session = session_on(personas, case_a, HOUSEHOLD)
    page = operator.get(page_url(session))
    page = operator.post(page_url(session), page_post(page, {"has_children": "yes"}))

    response = operator.post(page_url(session), page_post(page, {"has_children": "yes"}, "save"))

    assert response.status_code == 302
    assert CHILDREN_MISSING not in text_of(operator.get(response["Location"]))
    session.refresh_from_db()
    assert session.answers["has_children"] == "yes"
    assert session.section_index == HOUSEHOLD


def test_no_children_moves_on(operator, personas, case_a):
    session = session_on(personas, case_a, HOUSEHOLD)
    page = operator.get(page_url(session))
    answers = {"has_children": "no"}
    response = operator.post(page_url(session), page_post(page, answers))
    for _ in range(5):
        if response.status_code == 302:
            break
        response = operator.post(page_url(session), page_post(response, answers))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.section_index == HOUSEHOLD + 1
