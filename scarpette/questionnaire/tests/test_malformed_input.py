"""Malformed numbers and page indexes in the questionnaire: a field error or the same page again,
never a 500, and nothing saved (security.md, "never a 500")."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from scarpette.questionnaire.engine import NumberTooLong, parse_number
from scarpette.questionnaire.models import QuestionnaireSession
from scarpette.questionnaire.services import tablet_code_issue
from scarpette.questionnaire.tests.test_sessions import (
    ANSWERS,
    page_post,
    page_url,
    result_url,
    start_via_post,
    text_of,
    walk,
)
from scarpette.questionnaire.tests.test_tablet import TABLET, claim

HUGE = "9" * 5000


@pytest.fixture
def case_a(personas):
    from scarpette.cases.services import case_open

    return case_open(actor=personas.operator_a)


@pytest.fixture
def operator(client, personas):
    client.force_login(personas.operator_a)
    return client


def _stored(session: QuestionnaireSession) -> tuple:
    session.refresh_from_db()
    return session.answers, session.section_index, session.status


@pytest.mark.parametrize("text", [HUGE, "-" + HUGE, "1" * 16, "1" * 10 + "," + "1" * 6])
def test_a_number_of_more_than_15_digits_is_never_converted(text):
    with pytest.raises(NumberTooLong):
        parse_number(text, integer=True)
    with pytest.raises(NumberTooLong):
        parse_number(text, integer=False)


@pytest.mark.parametrize("text", ["inf", "-inf", "nan", "1e999", "1e5", "0x10", "²", "1_000"])
def test_infinity_nan_exponents_and_odd_digits_are_not_numbers(text):
    assert parse_number(text, integer=True) is None
    assert parse_number(text, integer=False) is None


def test_fifteen_digits_and_italian_writing_still_read():
    assert parse_number("999999999999999", integer=True) == 999_999_999_999_999
    assert parse_number("1.250,50", integer=False) == 1250.5


@pytest.mark.parametrize("value", [HUGE, "-" + HUGE, "1" * 16])
def test_an_overlong_age_is_a_field_error_in_italian(operator, case_a, value):
    session = start_via_post(operator, case_a, language="it")
    first = operator.get(page_url(session))

    response = operator.post(page_url(session), page_post(first, {"age": value}))

    assert response.status_code == 400
    assert "Il numero è troppo lungo: al massimo 15 cifre." in text_of(response)
    assert "age" not in session.__class__.objects.get(pk=session.pk).answers


def test_a_nul_byte_in_a_text_answer_is_a_field_error_and_never_stored(operator, case_a):
    session = start_via_post(operator, case_a, language="it")
    first = operator.get(page_url(session))

    response = operator.post(page_url(session), page_post(first, {"age": "3\x004"}))

    assert response.status_code == 400
    assert "Controlla la risposta." in text_of(response)
    assert "age" not in _stored(session)[0]


@pytest.mark.parametrize("page", [HUGE, "-1", "²", "1e3", "99", "", "\x00", "abc"])
def test_a_bad_page_index_shows_the_current_page_again_and_saves_nothing(operator, case_a, page):
    session = start_via_post(operator, case_a, language="it")
    first = operator.get(page_url(session))
    before = _stored(session)
    data = {**page_post(first, {"age": "34", "citizenship": "IT"}), "page": page}

    response = operator.post(page_url(session), data)

    assert response.status_code == 400
    content = text_of(response)
    assert "La pagina inviata non è valida" in content
    assert 'name="page" value="0"' in content
    assert _stored(session) == before


@pytest.mark.parametrize("pagina", [HUGE, "-1", "²", "99", "\x00"])
def test_a_bad_pagina_in_the_address_shows_the_current_page(operator, case_a, pagina):
    session = start_via_post(operator, case_a, language="it")

    response = operator.get(page_url(session), {"pagina": pagina})

    assert response.status_code == 200
    assert 'name="page" value="0"' in response.content.decode()


@pytest.mark.parametrize("page", [HUGE, "-1", "\x00", "x"])
def test_a_bad_page_to_correct_leaves_the_completed_session_alone(operator, case_a, page):
    session = start_via_post(operator, case_a, language="it")
    walk(operator, session, ANSWERS)
    before = _stored(session)

    response = operator.post(
        reverse("questionnaire:session_rerun", kwargs={"public_id": session.public_id}),
        {"correct_page": page},
    )

    assert response.status_code == 302
    assert response["Location"] == result_url(session)
    assert _stored(session) == before
    assert "La pagina indicata non è valida." in text_of(operator.get(result_url(session)))


@pytest.mark.parametrize("page", [HUGE, "-1", "99", "\x00"])
def test_a_bad_page_index_on_the_tablet_shows_the_current_page_again(personas, case_a, page):
    from scarpette.questionnaire.services import session_start

    session = session_start(actor=personas.operator_a, case=case_a, mode="self", language="it")
    tablet = Client()
    first = claim(tablet, tablet_code_issue(actor=personas.operator_a, session=session))
    before = _stored(session)

    response = tablet.post(TABLET, {**page_post(first, {"age": "34"}), "page": page})

    assert response.status_code == 400
    assert 'name="page" value="0"' in response.content.decode()
    assert _stored(session) == before


def test_an_overlong_number_on_the_tablet_is_an_error_in_her_language(personas, case_a):
    from scarpette.questionnaire.services import session_start

    session = session_start(actor=personas.operator_a, case=case_a, mode="self", language="it")
    tablet = Client()
    first = claim(tablet, tablet_code_issue(actor=personas.operator_a, session=session), "fr")

    response = tablet.post(TABLET, page_post(first, {"age": HUGE}))

    assert response.status_code == 400
    assert "Le nombre est trop long : 15 chiffres au maximum." in text_of(response)
    assert "age" not in _stored(session)[0]
