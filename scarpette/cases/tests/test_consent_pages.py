"""Consent as the law expects it: the notice of each version to read and print, a printable
consent form for her signature (Italian and her language), and a withdrawal that asks first."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from scarpette.audit.models import AuditEvent
from scarpette.cases import notices
from scarpette.cases.models import Consent
from scarpette.cases.services import case_open, consent_record
from scarpette.core.testing import keyed
from scarpette.questionnaire.summary_i18n import FORBIDDEN_FRAGMENTS

NOTICE = reverse("cases:notice", kwargs={"version": "2026-01"})


@pytest.fixture
def case(personas):
    return case_open(actor=personas.operator_a)


@pytest.fixture
def operator(client, personas):
    client.force_login(personas.operator_a)
    return client


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def test_every_notice_has_every_purpose_and_no_word_about_violence():
    assert "2026-01" in notices.versions()
    for version in notices.versions():
        notice = notices.notice(version)
        assert set(notice.texts) >= {"it", "en", "ar"}
        for text in notice.texts.values():
            assert set(text.purposes) == set(Consent.Purpose.values)
            words = " ".join(
                [text.title, *text.paragraphs, *text.purposes.values(), *text.form.values()]
            ).lower()
            for fragment in FORBIDDEN_FRAGMENTS:
                assert fragment not in words, (version, text.language, fragment)
            assert "{version}" not in text.form["intro"]


def test_the_notice_reads_in_italian_and_beside_her_language(operator):
    italian = text_of(operator.get(NOTICE))
    assert "Informativa sul trattamento dei dati personali" in italian
    assert "Garante per la protezione dei dati personali" in italian
    assert "È la versione in vigore" in italian
    assert "/static/js/print.js" in italian and 'id="print-button"' in italian
    assert 'lang="ar"' not in italian

    response = operator.get(NOTICE, {"lingua": "ar"})
    assert response.status_code == 200
    both = text_of(response)
    assert '<article class="notice-text" lang="it" dir="ltr">' in both
    assert '<article class="notice-text" lang="ar" dir="rtl">' in both
    assert "معلومات حول معالجة البيانات الشخصية" in both
    assert "Traduzione in bozza" in both


def test_a_bad_language_is_an_error_on_the_field_and_an_unknown_version_is_not_found(operator):
    response = operator.get(NOTICE, {"lingua": "xx"})
    assert response.status_code == 400
    assert re.search(r'id="id_lingua_error"><li>Scegli un', response.content.decode())
    for version in ("1999-01", "..", "a" * 40):
        assert operator.get(f"/percorsi/informativa/{version}/").status_code == 404


def test_the_consent_form_has_a_box_per_purpose_and_a_place_to_sign(operator, case, personas):
    url = reverse("cases:consent_form", kwargs={"public_id": case.public_id})
    before = AuditEvent.objects.filter(action="cases.case.viewed", object_id=str(case.public_id))

    response = operator.get(url, {"lingua": "fr"})

    assert response.status_code == 200
    content = text_of(response)
    sheets = re.findall(r'<section class="consent-form-sheet" lang="(\w+)" dir="(\w+)"', content)
    assert sheets == [("it", "ltr"), ("fr", "ltr")]
    italian, french = content.split('class="consent-form-sheet"')[1:3]
    assert case.code in italian and case.code in french
    for sheet, yes, no, sign in (
        (italian, "Acconsento", "Non acconsento", "Firma"),
        (french, "J'accepte", "Je n'accepte pas", "Signature"),
    ):
        boxes = re.findall(r'<tr><td>[^<]+</td><td class="consent-box">', sheet)
        assert len(boxes) == len(Consent.Purpose.values)
        assert sheet.count(yes) == len(Consent.Purpose.values)
        assert sheet.count(no) == len(Consent.Purpose.values)
        assert sign in sheet
    assert "Luogo e data" in italian and "Lieu et date" in french
    assert "versione 2026-01" in italian
    assert before.count() == 1  # the read of her percorso is audited


def test_the_consent_form_in_italian_only_and_its_access(client, personas, case):
    url = reverse("cases:consent_form", kwargs={"public_id": case.public_id})
    client.force_login(personas.referent_a)
    content = text_of(client.get(url))
    assert content.count('class="consent-form-sheet"') == 1
    client.force_login(personas.operator_b)
    assert client.get(url).status_code == 404
    client.force_login(personas.tavolo_member)
    assert client.get(url).status_code == 403
    assert client.get(NOTICE).status_code == 403


def test_the_percorso_links_the_notice_and_the_form(operator, case, personas):
    consent_record(actor=personas.operator_a, case=case, purpose="statistics")
    content = text_of(
        operator.get(reverse("cases:case_detail", kwargs={"public_id": case.public_id}))
    )
    assert f'href="{NOTICE}"' in content
    assert reverse("cases:consent_form", kwargs={"public_id": case.public_id}) in content


def test_withdrawing_asks_first_and_says_what_it_implies(operator, case, personas):
    consent_record(actor=personas.operator_a, case=case, purpose="transmission")
    url = reverse("cases:consent_withdraw", kwargs={"public_id": case.public_id})

    first = operator.post(url, keyed({"purpose": "transmission"}))

    assert first.status_code == 200
    content = text_of(first)
    assert "Sei sicura? La revoca del consenso «Trasmissione dei risultati a INPS»" in content
    assert "INPS non potrà più aprirle" in content
    assert re.search(r'<input type="hidden" name="confirm" value="1">', content)
    assert re.search(r'<input type="hidden" name="purpose" value="transmission">', content)
    assert Consent.objects.get(case=case).withdrawn_at is None
    assert not AuditEvent.objects.filter(action="cases.consent.withdrawn").exists()

    key = re.search(r'name="idempotency_key" value="([^"]+)"', content).group(1)
    second = operator.post(url, {"purpose": "transmission", "confirm": "1", "idempotency_key": key})

    assert second.status_code == 302
    assert second["Location"] == reverse("cases:case_detail", kwargs={"public_id": case.public_id})
    consent = Consent.objects.get(case=case)
    assert consent.withdrawn_at is not None and consent.withdrawn_by == personas.operator_a
    assert AuditEvent.objects.filter(action="cases.consent.withdrawn").count() == 1


@pytest.mark.parametrize(
    ("purpose", "words"),
    [
        ("consultation", "Le consulenze con gli esperti INPS"),
        ("sportello", "appuntamenti allo sportello INPS"),
        ("statistics", "statistiche anonime"),
    ],
)
def test_each_purpose_says_its_own_consequence(operator, case, personas, purpose, words):
    consent_record(actor=personas.operator_a, case=case, purpose=purpose)
    url = reverse("cases:consent_withdraw", kwargs={"public_id": case.public_id})
    assert words in text_of(operator.post(url, keyed({"purpose": purpose})))


def test_a_bad_purpose_withdraws_nothing(operator, case, personas):
    consent_record(actor=personas.operator_a, case=case, purpose="statistics")
    url = reverse("cases:consent_withdraw", kwargs={"public_id": case.public_id})
    response = operator.post(url, keyed({"purpose": "nulla", "confirm": "1"}))
    assert response.status_code == 302
    assert Consent.objects.get(case=case).withdrawn_at is None
