"""Assisted mode in her language and in Italian: every control the operator uses is in Italian
with the woman's language beside it; on the tablet she reads her language only; the tablet's
start and language screens speak every language of the form."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from scarpette.cases.services import case_open
from scarpette.core.testing import keyed
from scarpette.questionnaire.models import QuestionnaireSession
from scarpette.questionnaire.services import (
    definition_of,
    form_current,
    session_start,
    tablet_code_issue,
)
from scarpette.questionnaire.tablet_texts import tablet_texts

TABLET = "/t/"
AR = tablet_texts("ar")


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def beside(italian: str, hers: str, lang: str = "ar", direction: str = "rtl") -> str:
    """The Italian text with her language as a secondary line, exactly as the page renders it."""
    return f'{italian} <span class="q-translation" lang="{lang}" dir="{direction}">{hers}</span>'


def page_url(session) -> str:
    return reverse("questionnaire:session_page", kwargs={"public_id": session.public_id})


def post_of(response, answers: dict, action: str = "next") -> dict:
    content = response.content.decode()
    page = content.split('name="page" value="', 1)[1].split('"', 1)[0]
    shown = [part.split('"', 1)[0] for part in content.split('name="_shown" value="')[1:]]
    return {"page": page, "_shown": shown, "action": action, **answers}


@pytest.fixture
def case_a(personas):
    return case_open(actor=personas.operator_a)


@pytest.fixture
def operator(client, personas):
    client.force_login(personas.operator_a)
    return client


@pytest.fixture
def arabic(operator, case_a):
    response = operator.post(
        reverse("questionnaire:session_start", kwargs={"case_id": case_a.public_id}),
        keyed({"mode": "assisted", "language": "ar"}),
    )
    assert response.status_code == 302
    return QuestionnaireSession.objects.get(case=case_a)


def page_count() -> int:
    return len(definition_of(form_current()).sections)


# --- the operator's page -------------------------------------------------------------------------


def test_the_operators_controls_are_in_italian_with_arabic_beside(operator, arabic):
    content = text_of(operator.get(page_url(arabic)))

    total = page_count()
    assert beside(f"Passo 1 di {total}", f"الخطوة 1 من {total}") in content
    assert beside("Avanti", AR["next"]) in content  # "التالي"
    assert beside("Salva e continua dopo", AR["save"]) in content
    # The questions were already in both languages.
    assert beside("Quanti anni ha?", "كم عمركِ؟") in content


def test_back_and_finish_are_in_both_languages(operator, arabic):
    second = text_of(operator.get(page_url(arabic) + "?pagina=1"))
    assert beside("Indietro", AR["back"]) in second

    last = text_of(operator.get(page_url(arabic) + f"?pagina={page_count() - 1}"))
    assert beside("Concludi e calcola", AR["finish"]) in last
    assert beside("Avanti", AR["next"]) not in last


def test_errors_are_in_italian_with_arabic_beside(operator, arabic):
    first = operator.get(page_url(arabic))

    response = operator.post(page_url(arabic), post_of(first, {"age": "trenta"}))

    assert response.status_code == 400
    content = text_of(response)
    assert beside("Controlla le risposte segnalate.", AR["errors_summary"]) in content
    assert (
        '<p class="errorlist" id="err-age">'
        + beside("Scrivi un numero intero, per esempio 3.", AR["not_integer"])
        + "</p>"
    ) in content


def test_a_constraint_message_of_the_form_is_in_both_languages(operator, arabic):
    first = operator.get(page_url(arabic))

    response = operator.post(page_url(arabic), post_of(first, {"age": "5"}))

    assert response.status_code == 400
    age = definition_of(form_current()).question("age")
    assert (
        '<p class="errorlist" id="err-age">'
        + beside(age.constraint_messages["it"], age.constraint_messages["ar"])
        + "</p>"
    ) in text_of(response)


def test_the_children_controls_are_in_both_languages(operator, arabic):
    arabic.answers = {"has_children": "yes", "children": [{}]}
    arabic.save()
    household = next(
        i for i, s in enumerate(definition_of(form_current()).sections) if s.name == "household"
    )

    content = text_of(operator.get(page_url(arabic) + f"?pagina={household}"))

    assert beside("Aggiungi un figlio o una figlia", AR["add_child"]) in content
    assert beside("Rimuovi il figlio o la figlia", AR["remove_child"]) in content
    assert beside("Figlio o figlia n. 1", "الابن أو الابنة رقم 1") in content


def test_an_italian_session_shows_the_controls_once(operator, case_a, personas):
    session = session_start(actor=personas.operator_a, case=case_a, mode="assisted", language="it")

    content = text_of(operator.get(page_url(session)))

    assert "Passo 1 di" in content
    assert ">Avanti</button>" in content
    assert "q-translation" not in content


# --- the tablet: her language only ---------------------------------------------------------------


@pytest.fixture
def tablet_in_arabic(personas, case_a):
    session = session_start(actor=personas.operator_a, case=case_a, mode="self", language="ar")
    tablet = Client()
    code = tablet_code_issue(actor=personas.operator_a, session=session)
    assert tablet.post(TABLET, {"code": code}).status_code == 302
    assert tablet.post(TABLET, {"language": "ar"}).status_code == 302
    return tablet


def test_the_tablet_shows_her_language_only(tablet_in_arabic):
    content = text_of(tablet_in_arabic.get(TABLET))

    assert f">{AR['next']}</button>" in content
    assert "Avanti" not in content
    assert "Passo" not in content
    assert "q-translation" not in content


# --- the tablet's start and language screens ----------------------------------------------------


def test_the_start_screen_speaks_every_language(db):
    content = text_of(Client().get(TABLET))

    for language in definition_of(form_current()).languages:
        assert (
            f'<li lang="{language.code}" dir="{language.direction}">'
            f'<span class="lang-name">{language.native_name}</span> '
            f"{tablet_texts(language.code)['code_help']}</li>"
        ) in content
    assert '<li lang="ar" dir="rtl"><span class="lang-name">العربية</span>' in content
    assert '<li lang="zh" dir="ltr"><span class="lang-name">中文</span>' in content


def test_the_language_screen_speaks_every_language(personas, case_a):
    session = session_start(actor=personas.operator_a, case=case_a, mode="self", language="it")
    tablet = Client()
    tablet.post(TABLET, {"code": tablet_code_issue(actor=personas.operator_a, session=session)})

    content = text_of(tablet.get(TABLET))

    assert "<h1>Scegli la lingua</h1>" in content
    for language in definition_of(form_current()).languages:
        texts = tablet_texts(language.code)
        lang = f'lang="{language.code}" dir="{language.direction}"'
        assert f"{lang}>{language.native_name}</button>" in content
        assert f"<li {lang}>{texts['privacy_note']}</li>" in content
        if language.code != "it":
            assert f"<span {lang}>{texts['choose_language']}</span>" in content
    assert '<span lang="ar" dir="rtl">اختاري اللغة</span>' in content
