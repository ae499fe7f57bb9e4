"""The needs questionnaire with the operator: pages, errors, results, summary, access and audit."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.db import connection
from django.urls import reverse

from scarpette.audit.models import AuditEvent
from scarpette.cases.services import case_open
from scarpette.core.testing import keyed
from scarpette.questionnaire.models import CaseNeed, QuestionnaireSession, ScreeningRun
from scarpette.questionnaire.services import (
    definition_of,
    form_current,
    session_complete,
    session_start,
)
from scarpette.screening.catalogue import load_catalogue

# The answers of a woman with Italian citizenship, a known ISEE of 9,000 euro, who needs money
# and work. Keys are the field keys the pages post.
ANSWERS = {
    "age": "34",
    "citizenship": "IT",
    "resident_in_italy": "yes",
    "has_isee": "yes",
    "isee_known": "yes",
    "isee": "9000",
    "followed_by_cav": "yes",
    "employment": "unemployed",
    "has_business_project": "yes",
    "income_drop_recent": "yes",
    "has_children": "no",
    "needs": ["money", "work"],
}

SESSION_URLS = [
    ("questionnaire:session_page", "get"),
    ("questionnaire:session_result", "get"),
    ("questionnaire:summary_page", "get"),
    ("questionnaire:summary_pdf", "get"),
    ("questionnaire:tablet_code", "get"),
    ("questionnaire:session_rerun", "post"),
]


# --- helpers ---------------------------------------------------------------------------------


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def rendered_form(response) -> tuple[str, list[str]]:
    """The page index and the `_shown` keys, exactly as the page renders them."""
    content = response.content.decode()
    page = re.search(r'name="page" value="(\d+)"', content)
    assert page, content[-2000:]
    return page.group(1), re.findall(r'name="_shown" value="([^"]+)"', content)


def page_post(response, answers: dict, action: str = "next") -> dict:
    page, shown = rendered_form(response)
    data: dict = {"page": page, "_shown": shown, "action": action}
    for key in shown:
        if key in answers:
            data[key] = answers[key]
    return data


def page_url(session) -> str:
    return reverse("questionnaire:session_page", kwargs={"public_id": session.public_id})


def result_url(session) -> str:
    return reverse("questionnaire:session_result", kwargs={"public_id": session.public_id})


def walk(client, session, answers: dict, *, max_posts: int = 40):
    """Answer every page as the operator would (re-posting a page when new questions appear)
    until the result; returns the result page."""
    url = page_url(session)
    response = client.get(url)
    for _ in range(max_posts):
        if response.status_code == 302:
            if response["Location"] == result_url(session):
                return client.get(response["Location"])
            response = client.get(response["Location"])
            continue
        assert response.status_code == 200, text_of(response)[-3000:]
        response = client.post(url, page_post(response, answers))
    raise AssertionError("the questionnaire never ended")


def start_via_post(client, case, language="fr") -> QuestionnaireSession:
    response = client.post(
        reverse("questionnaire:session_start", kwargs={"case_id": case.public_id}),
        keyed({"mode": "assisted", "language": language}),
    )
    session = QuestionnaireSession.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"] == page_url(session)
    return session


@pytest.fixture
def case_a(personas):
    return case_open(actor=personas.operator_a)


@pytest.fixture
def operator(client, personas):
    client.force_login(personas.operator_a)
    return client


# --- starting and the first page --------------------------------------------------------------


def test_it_starts_an_assisted_session_showing_both_languages(operator, case_a, personas):
    session = start_via_post(operator, case_a, language="fr")

    assert session.mode == "assisted"
    assert session.language == "fr"
    assert session.started_by == personas.operator_a
    response = operator.get(page_url(session))
    assert response.status_code == 200
    content = text_of(response)
    assert "Quanti anni ha?" in content
    assert '<span class="q-translation" lang="fr" dir="ltr">Quel âge avez-vous ?</span>' in content
    assert "traduzione in bozza, non ancora rivista da una persona madrelingua" in content


def test_it_shows_no_draft_warning_for_a_reviewed_language(operator, case_a):
    session = start_via_post(operator, case_a, language="it")

    content = text_of(operator.get(page_url(session)))
    assert "Quanti anni ha?" in content
    assert "q-translation" not in content
    assert "traduzione in bozza" not in content


def test_it_refuses_an_unknown_language(operator, case_a):
    response = operator.post(
        reverse("questionnaire:session_start", kwargs={"case_id": case_a.public_id}),
        keyed({"mode": "assisted", "language": "xx"}),
    )
    assert response.status_code == 200
    assert not QuestionnaireSession.objects.exists()


# --- the whole questionnaire -------------------------------------------------------------------


def test_it_walks_every_page_to_the_result(operator, case_a, personas):
    session = start_via_post(operator, case_a, language="fr")

    result = walk(operator, session, ANSWERS)

    assert result.status_code == 200
    session.refresh_from_db()
    assert session.status == "completed"
    assert session.completed_at is not None
    assert session.answers["isee"] == 9000
    assert session.answers["citizenship"] == "IT"
    assert session.answers["needs"] == ["money", "work"]
    run = ScreeningRun.objects.get(session=session)
    assert run.rules_version
    assert run.case == case_a
    assert run.created_by == personas.operator_a
    assert run.facts["isee"] == 9000
    assert run.facts["citizenship"] == "IT"
    assert sorted(CaseNeed.objects.filter(case=case_a).values_list("need", flat=True)) == [
        "money",
        "work",
    ]

    content = text_of(result)
    catalogue = load_catalogue()
    for measure in run.results:
        assert catalogue.by_id[measure["measure"]].name_it in content
    statuses = {m["measure"]: m["status"] for m in run.results}
    assert statuses["isee_corrente"] == "eligible"
    assert statuses["microcredito_liberta"] == "eligible"
    assert statuses["assegno_inclusione"] == "undetermined"
    assert statuses["congedo_violenza"] == "not_eligible"
    for measure_id, status in statuses.items():
        article = re.search(
            rf'<details class="card result-measure" id="m-{measure_id}">(.*?)</details>',
            content,
            re.S,
        )
        assert article, measure_id
        assert f"badge badge-{status}" in article.group(1)
    assert "Possibile diritto" in content
    assert "Da verificare" in content
    assert "Non spetta" in content
    # The rules in words; their hash only in a data attribute, never as text.
    assert "con le regole in vigore (versione " in content
    assert f'data-rules-version="{run.rules_version}"' in content


def test_it_stores_answers_and_facts_encrypted_at_rest(operator, case_a):
    session = start_via_post(operator, case_a, language="it")
    walk(operator, session, ANSWERS)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT answers_json FROM questionnaire_questionnairesession WHERE id = %s",
            [session.pk],
        )
        (answers_raw,) = cursor.fetchone()
        cursor.execute(
            "SELECT facts_json, results_json FROM questionnaire_screeningrun WHERE session_id = %s",
            [session.pk],
        )
        facts_raw, results_raw = cursor.fetchone()
    for raw in (answers_raw, facts_raw, results_raw):
        assert raw.startswith("v1:")
        assert "9000" not in raw
        assert "citizenship" not in raw
    assert QuestionnaireSession.objects.get(pk=session.pk).answers["isee"] == 9000


# --- errors, back and save ----------------------------------------------------------------------


def test_it_shows_a_number_error_on_the_field_and_keeps_the_other_answers(operator, case_a):
    session = start_via_post(operator, case_a, language="it")
    first = operator.get(page_url(session))

    response = operator.post(
        page_url(session), page_post(first, {"age": "trenta", "citizenship": "IT"})
    )

    assert response.status_code == 400
    content = text_of(response)
    assert (
        '<p class="errorlist" id="err-age">Scrivi un numero intero, per esempio 3.</p>' in content
    )
    assert 'aria-invalid="true"' in content
    assert re.search(r'name="citizenship" value="IT" checked', content)
    session.refresh_from_db()
    assert session.section_index == 0
    assert session.answers.get("citizenship") == "IT"
    assert "age" not in session.answers


def test_it_shows_the_constraint_message(operator, case_a):
    session = start_via_post(operator, case_a, language="it")
    first = operator.get(page_url(session))

    response = operator.post(page_url(session), page_post(first, {"age": "5"}))

    assert response.status_code == 400
    assert '<p class="errorlist" id="err-age">Indichi un\'età tra 14 e 110 anni.</p>' in text_of(
        response
    )
    assert 'name="age" value="5"' in text_of(response)  # what she typed is shown back
    session.refresh_from_db()
    assert session.section_index == 0
    # ...but a value that breaks a rule is never stored, so no other page or screening sees it.
    assert "age" not in session.answers


def test_staff_read_errors_in_italian_whatever_the_womans_language(operator, case_a):
    session = start_via_post(operator, case_a, language="fr")
    first = operator.get(page_url(session))
    response = operator.post(page_url(session), page_post(first, {"age": "trenta"}))
    assert response.status_code == 400
    assert "Scrivi un numero intero, per esempio 3." in text_of(response)


def test_back_returns_to_the_previous_page_without_losing_answers(operator, case_a):
    session = start_via_post(operator, case_a, language="it")
    first = operator.get(page_url(session))
    response = operator.post(page_url(session), page_post(first, {"age": "41"}))
    assert response.status_code == 302
    assert response["Location"] == page_url(session) + "?pagina=1"
    second = operator.get(response["Location"])
    assert "Sta facendo un percorso con un centro riconosciuto" in text_of(second)

    response = operator.post(
        page_url(session), page_post(second, {"followed_by_cav": "no"}, action="back")
    )

    assert response.status_code == 302
    assert response["Location"] == page_url(session) + "?pagina=0"
    session.refresh_from_db()
    assert session.section_index == 0
    assert session.answers == {"age": 41, "followed_by_cav": "no"}
    content = text_of(operator.get(response["Location"]))
    assert 'name="age" value="41"' in content


def test_save_stays_on_the_same_page(operator, case_a):
    session = start_via_post(operator, case_a, language="it")
    first = operator.get(page_url(session))

    response = operator.post(
        page_url(session), page_post(first, {"age": "52", "citizenship": "EU"}, action="save")
    )

    assert response.status_code == 302
    assert response["Location"] == page_url(session) + "?pagina=0"
    session.refresh_from_db()
    assert session.section_index == 0
    assert session.status == "in_progress"
    assert session.answers == {"age": 52, "citizenship": "EU"}
    assert 'name="age" value="52"' in text_of(operator.get(response["Location"]))


def test_a_page_redisplays_when_new_questions_appear(operator, case_a):
    session = start_via_post(operator, case_a, language="it")
    session.section_index = 3
    session.save(update_fields=["section_index"])
    income = operator.get(page_url(session))
    assert "Conosce il valore del suo ISEE?" not in text_of(income)

    response = operator.post(page_url(session), page_post(income, {"has_isee": "yes"}))

    assert response.status_code == 200
    assert "Conosce il valore del suo ISEE?" in text_of(response)
    session.refresh_from_db()
    assert session.section_index == 3
    assert session.answers == {"has_isee": "yes"}

    # A required question that appears is asked, not reported as unanswered.
    response = operator.post(
        page_url(session), page_post(response, {"has_isee": "yes", "isee_known": "yes"})
    )

    assert response.status_code == 200
    content = text_of(response)
    assert "Valore dell'ISEE, in euro" in content
    assert "errorlist" not in content
    assert "Questa domanda richiede una risposta." not in content
    session.refresh_from_db()
    assert session.answers == {"has_isee": "yes", "isee_known": "yes"}

    response = operator.post(
        page_url(session), page_post(response, {"has_isee": "yes", "isee_known": "yes"})
    )

    assert response.status_code == 400
    assert (
        '<p class="errorlist" id="err-isee">Questa domanda richiede una risposta.</p>'
        in text_of(response)
    )


# --- "Non so", going back to a question, re-running ----------------------------------------------


def test_dont_know_leaves_isee_unknown_and_offers_the_question_again(operator, case_a):
    session = start_via_post(operator, case_a, language="it")
    answers = {**ANSWERS, "isee_known": "dont_know"}

    result = walk(operator, session, answers)

    run = ScreeningRun.objects.get(session=session)
    assert "isee" not in run.facts
    assert "isee" not in QuestionnaireSession.objects.get(pk=session.pk).answers
    adi = next(m for m in run.results if m["measure"] == "assegno_inclusione")
    assert adi["status"] == "undetermined"
    assert "isee" in adi["missing"]
    content = text_of(result)
    article = re.search(
        r'<details class="card result-measure" id="m-assegno_inclusione">(.*?)</details>',
        content,
        re.S,
    ).group(1)
    assert "Da verificare" in article
    forms = re.findall(r"<form .*?</form>", article, re.S)
    # Named by its question, never by the fact id.
    definition = definition_of(form_current())
    label = html.escape(definition.question(definition.fact_questions["isee"]).label("it"))
    isee_forms = [f for f in forms if label in f]
    assert not any(re.search(r"\bisee\b", f) for f in forms)
    assert len(isee_forms) == 1, forms
    assert '<input type="hidden" name="correct_page" value="3">' in isee_forms[0]
    assert "vai alla domanda" in isee_forms[0]

    response = operator.post(
        reverse("questionnaire:session_rerun", kwargs={"public_id": session.public_id}),
        {"correct_page": "3"},
    )

    assert response.status_code == 302
    assert response["Location"] == page_url(session) + "?pagina=3"
    session.refresh_from_db()
    assert session.status == "in_progress"
    assert session.section_index == 3
    page = operator.get(response["Location"])
    assert page.status_code == 200
    assert 'name="page" value="3"' in page.content.decode()
    assert re.search(r'name="isee_known" value="dont_know" checked', text_of(page))
    assert AuditEvent.objects.filter(action="questionnaire.session.reopened").count() == 1


def test_reopening_on_a_page_that_does_not_exist_opens_the_last_page(operator, case_a):
    session = start_via_post(operator, case_a, language="it")
    walk(operator, session, ANSWERS)

    response = operator.post(
        reverse("questionnaire:session_rerun", kwargs={"public_id": session.public_id}),
        {"correct_page": "99999"},
    )

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == "in_progress"
    assert session.section_index == 8
    page = operator.get(page_url(session))
    assert page.status_code == 200
    assert 'name="page" value="8"' in page.content.decode()


def test_correcting_the_answer_screens_again_with_the_isee(operator, case_a):
    session = start_via_post(operator, case_a, language="it")
    walk(operator, session, {**ANSWERS, "isee_known": "dont_know"})
    operator.post(
        reverse("questionnaire:session_rerun", kwargs={"public_id": session.public_id}),
        {"correct_page": "3"},
    )

    walk(operator, session, ANSWERS)

    runs = ScreeningRun.objects.filter(session=session).order_by("id")
    assert runs.count() == 2
    assert "isee" not in runs[0].facts
    assert runs[1].facts["isee"] == 9000


def test_rerun_creates_a_second_screening_run(operator, case_a):
    session = start_via_post(operator, case_a, language="it")
    walk(operator, session, ANSWERS)
    first = ScreeningRun.objects.get(session=session)

    response = operator.post(
        reverse("questionnaire:session_rerun", kwargs={"public_id": session.public_id}), keyed()
    )

    assert response.status_code == 302
    assert response["Location"] == result_url(session)
    runs = ScreeningRun.objects.filter(session=session)
    assert runs.count() == 2
    second = runs.exclude(pk=first.pk).get()
    assert second.facts == first.facts
    assert second.rules_version
    session.refresh_from_db()
    assert session.status == "completed"
    assert "Screening ricalcolato con le regole in vigore." in text_of(
        operator.get(response["Location"])
    )


# --- the take-home summary -----------------------------------------------------------------------


def test_the_summary_in_arabic_is_rtl_and_neutral(operator, case_a):
    session = start_via_post(operator, case_a, language="ar")
    walk(operator, session, ANSWERS)

    response = operator.get(
        reverse("questionnaire:summary_page", kwargs={"public_id": session.public_id})
    )

    assert response.status_code == 200
    content = text_of(response)
    assert '<article class="summary-document" lang="ar" dir="rtl">' in content
    title = re.search(r"<title>(.*?)</title>", content, re.S).group(1)
    assert "violen" not in title.lower()
    assert "Centro A" not in title
    assert "INPS" not in title
    article = re.search(r'<article class="summary-document".*?</article>', content, re.S).group(0)
    assert "violen" not in article.lower()
    assert "Centro A" not in article
    assert case_a.code in article
    assert re.search(r"[\u0600-\u06FF]", article)


def test_the_summary_pdf_has_a_neutral_file_name(operator, case_a):
    session = start_via_post(operator, case_a, language="ar")
    walk(operator, session, ANSWERS)

    response = operator.get(
        reverse("questionnaire:summary_pdf", kwargs={"public_id": session.public_id})
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="riepilogo.pdf"'
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="questionnaire.summary.downloaded").count() == 1


def test_there_is_no_summary_before_the_end(operator, case_a):
    session = start_via_post(operator, case_a, language="it")
    for name in ("questionnaire:summary_page", "questionnaire:summary_pdf"):
        response = operator.get(reverse(name, kwargs={"public_id": session.public_id}))
        assert response.status_code == 404


# --- access ------------------------------------------------------------------------------------


@pytest.fixture
def completed_session(personas, case_a):
    session = session_start(actor=personas.operator_a, case=case_a, mode="assisted", language="it")
    session_complete(actor=personas.operator_a, session=session)
    session.refresh_from_db()
    return session


def request(client, name, method, session):
    url = reverse(name, kwargs={"public_id": session.public_id})
    return client.post(url) if method == "post" else client.get(url)


def test_the_centre_reaches_every_session_url(client, personas, completed_session):
    client.force_login(personas.operator_a)
    for name, method in SESSION_URLS:
        response = request(client, name, method, completed_session)
        assert response.status_code in (200, 302), name
    assert not AuditEvent.objects.filter(action="questionnaire.session.access_denied").exists()


@pytest.mark.parametrize("persona", ["operator_b", "admin"])
def test_it_hides_the_session_from_outside_the_centre(persona, client, personas, completed_session):
    user = getattr(personas, persona)
    client.force_login(user)
    runs_before = ScreeningRun.objects.count()
    for name, method in SESSION_URLS:
        before = AuditEvent.objects.filter(action="questionnaire.session.access_denied").count()

        response = request(client, name, method, completed_session)

        assert response.status_code == 404, name
        assert completed_session.case.code.encode() not in response.content, name
        denied = AuditEvent.objects.filter(action="questionnaire.session.access_denied").order_by(
            "-id"
        )
        assert denied.count() == before + 1, name
        event = denied.first()
        assert event.actor_id == user.pk
        assert event.object_id == str(completed_session.public_id)
        assert event.organisation_id == personas.centre_a.pk
        assert event.outcome == "denied"
    assert ScreeningRun.objects.count() == runs_before
    completed_session.refresh_from_db()
    assert completed_session.status == "completed"


@pytest.mark.parametrize("persona", ["inps_specialist", "sportello_officer", "tavolo_member"])
def test_roles_with_no_way_to_a_percorso_are_refused_at_the_door(
    persona, client, personas, completed_session
):
    # 403 whatever the session: the answer says nothing about whether it exists.
    client.force_login(getattr(personas, persona))
    runs_before = ScreeningRun.objects.count()
    for name, method in SESSION_URLS:
        response = request(client, name, method, completed_session)
        assert response.status_code == 403, name
        assert completed_session.case.code.encode() not in response.content, name
    assert ScreeningRun.objects.count() == runs_before
    assert not AuditEvent.objects.filter(action="questionnaire.session.access_denied").exists()


def test_anonymous_is_sent_to_login(client, completed_session, case_a):
    login = reverse("account_login")
    urls = [
        (reverse(n, kwargs={"public_id": completed_session.public_id}), m) for n, m in SESSION_URLS
    ]
    urls.append(
        (reverse("questionnaire:session_start", kwargs={"case_id": case_a.public_id}), "get")
    )
    for url, method in urls:
        response = client.post(url) if method == "post" else client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(login), url


def test_another_centre_cannot_start_a_questionnaire_on_the_case(client, personas, case_a):
    client.force_login(personas.operator_b)
    url = reverse("questionnaire:session_start", kwargs={"case_id": case_a.public_id})

    assert client.get(url).status_code == 404
    response = client.post(url, {"mode": "assisted", "language": "it"})

    assert response.status_code == 404
    assert not QuestionnaireSession.objects.exists()


# --- audit -------------------------------------------------------------------------------------


def test_it_audits_start_answers_and_completion_without_content(operator, case_a, personas):
    session = start_via_post(operator, case_a, language="fr")
    walk(operator, session, ANSWERS)

    events = AuditEvent.objects.filter(actor_id=personas.operator_a.pk)
    started = events.get(action="questionnaire.session.started")
    assert started.detail == {
        "session": str(session.public_id),
        "mode": "assisted",
        "language": "fr",
    }
    assert started.object_id == str(case_a.public_id)
    assert started.organisation_id == personas.centre_a.pk
    saved = events.filter(action="questionnaire.answers.saved")
    assert saved.count() >= 9  # at least one save per page
    assert {e.detail["page"] for e in saved} == set(range(9))
    completed = events.get(action="questionnaire.session.completed")
    assert completed.detail == {"session": str(session.public_id)}
    run = ScreeningRun.objects.get(session=session)
    created = events.get(action="screening.run.created")
    assert created.detail == {
        "session": str(session.public_id),
        "run": str(run.public_id),
        "rules_version": run.rules_version,
    }
    ids = {"session", "run", "rules_version"}  # identifiers, not content
    for event in AuditEvent.objects.filter(
        action__in=[
            "questionnaire.session.started",
            "questionnaire.answers.saved",
            "questionnaire.session.completed",
            "screening.run.created",
        ]
    ):
        assert set(event.detail) <= ids | {"mode", "language", "page"}, event.detail
        text = json.dumps({k: v for k, v in event.detail.items() if k not in ids})
        for value in ("9000", "IT", "money", "work", "isee", "citizenship", "yes"):
            assert value not in text, (event.action, text)


def test_the_referent_of_the_centre_sees_the_result(client, personas, completed_session):
    client.force_login(personas.referent_a)
    response = client.get(result_url(completed_session))
    assert response.status_code == 200
    assert completed_session.case.code in response.content.decode()


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("questionnaire:session_result", "post"),
        ("questionnaire:summary_page", "post"),
        ("questionnaire:summary_pdf", "post"),
        ("questionnaire:session_rerun", "get"),
    ],
)
def test_it_refuses_the_wrong_method(name, method, operator, completed_session):
    url = reverse(name, kwargs={"public_id": completed_session.public_id})
    response = operator.post(url) if method == "post" else operator.get(url)
    assert response.status_code == 405
    assert ScreeningRun.objects.filter(session=completed_session).count() == 1
