"""Opening, listing, identity, notes, status, consent: what the operator sees and what is stored."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scarpette.audit.models import AuditEvent
from scarpette.cases.models import Case, CaseIdentity, CaseNote, Consent
from scarpette.cases.services import case_open, case_update_identity
from scarpette.core.testing import keyed


def raw_column(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_it_opens_a_case_with_a_pseudonymous_code(personas, client):
    client.force_login(personas.operator_a)
    response = client.post(reverse("cases:case_open"), keyed({"opened_on": "2026-03-02"}))
    case = Case.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("cases:case_detail", kwargs={"public_id": case.public_id})
    assert len(case.code) == 9 and case.code[4] == "-"
    assert case.opened_on == dt.date(2026, 3, 2)
    page = client.get(response.url).content.decode()
    assert case.code in page
    assert "2 marzo 2026" in page
    assert AuditEvent.objects.filter(
        action="cases.case.created", object_id=str(case.public_id)
    ).exists()
    assert AuditEvent.objects.filter(
        action="cases.case.viewed", object_id=str(case.public_id)
    ).exists()


def test_it_shows_field_errors_and_saves_nothing_on_bad_date(personas, client):
    client.force_login(personas.operator_a)
    response = client.post(reverse("cases:case_open"), {"opened_on": "31/02/2026"})
    assert response.status_code == 200
    assert "Inserisci una data valida" in response.content.decode()
    assert not Case.objects.exists()


def test_identity_is_encrypted_at_rest_and_masked(personas, client):
    case = case_open(actor=personas.operator_a)
    client.force_login(personas.operator_a)
    response = client.post(
        reverse("cases:case_identity", kwargs={"public_id": case.public_id}),
        {
            "full_name": "Zelda Segreta",
            "tax_code": "rssmra80a41f205x",
            "phone": "+39 333 1234567",
            "safe_channels": ["sms", "through_centre"],
            "safe_times": "martedì mattina",
            "safe_channels_shown": "1",
            "version": "0",
        },
    )
    assert response.status_code == 200  # the tax code checksum is wrong: form shown again
    assert "carattere di controllo" in response.content.decode()
    assert not CaseIdentity.objects.exists()

    response = client.post(
        reverse("cases:case_identity", kwargs={"public_id": case.public_id}),
        {
            "full_name": "Zelda Segreta",
            "tax_code": "rssmra80a41f205b",
            "phone": "+39 333 1234567",
            "safe_channels": ["sms", "through_centre"],
            "safe_times": "martedì mattina",
            "safe_channels_shown": "1",
            "version": "0",
        },
    )
    assert response.status_code == 302
    identity = CaseIdentity.objects.get(case=case)
    assert identity.tax_code == "RSSMRA80A41F205B"
    stored = raw_column("cases_caseidentity", "full_name", identity.pk)
    assert stored.startswith("v1:") and "Zelda" not in stored
    assert "RSSMRA" not in raw_column("cases_caseidentity", "tax_code", identity.pk)

    detail = client.get(reverse("cases:case_detail", kwargs={"public_id": case.public_id}))
    assert "Zelda" not in detail.content.decode()
    listing = client.get(reverse("cases:case_list"))
    assert "Zelda" not in listing.content.decode()

    revealed = client.post(reverse("cases:case_reveal", kwargs={"public_id": case.public_id}))
    assert "Zelda Segreta" in revealed.content.decode()
    assert AuditEvent.objects.filter(
        action="cases.identity.revealed", actor_id=personas.operator_a.pk
    ).exists()
    updated = AuditEvent.objects.get(action="cases.identity.updated")
    assert set(updated.detail["fields"]) >= {"full_name", "tax_code", "phone"}
    assert "Zelda" not in str(updated.detail)


def test_tax_code_lookup_by_hmac_index(personas):
    from scarpette.core.crypto import blind_index

    case = case_open(actor=personas.operator_a)
    case_update_identity(
        actor=personas.operator_a, case=case, data={"tax_code": "RSSMRA80A41F205B"}
    )
    index = blind_index("rssmra80a41f205b", context="cases.identity.tax_code")
    assert CaseIdentity.objects.get(tax_code_index=index).case == case


def test_notes_are_encrypted_and_listed(personas, client):
    case = case_open(actor=personas.operator_a)
    client.force_login(personas.operator_a)
    url = reverse("cases:case_note", kwargs={"public_id": case.public_id})
    assert client.post(url, keyed({"text": ""})).status_code == 400
    response = client.post(url, keyed({"text": "Colloquio fissato per giovedì"}))
    assert response.status_code == 302
    note = CaseNote.objects.get()
    assert "giovedì" not in raw_column("cases_casenote", "text", note.pk)
    page = client.get(reverse("cases:case_detail", kwargs={"public_id": case.public_id}))
    assert "Colloquio fissato per giovedì" in page.content.decode()


def test_status_changes_are_on_the_timeline(personas, client):
    case = case_open(actor=personas.operator_a)
    client.force_login(personas.operator_a)
    client.post(
        reverse("cases:case_status", kwargs={"public_id": case.public_id}),
        {"status": "closed", "version": "0"},
    )
    case.refresh_from_db()
    assert case.status == "closed" and case.closed_on is not None
    page = client.get(reverse("cases:case_detail", kwargs={"public_id": case.public_id}))
    assert "Stato cambiato" in page.content.decode()
    response = client.post(
        reverse("cases:case_status", kwargs={"public_id": case.public_id}),
        {"status": "lost", "version": "1"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "closed"


def test_consent_is_recorded_once_and_withdrawable(personas, client):
    case = case_open(actor=personas.operator_a)
    client.force_login(personas.operator_a)
    give = reverse("cases:consent_give", kwargs={"public_id": case.public_id})
    client.post(give, keyed({"purpose": "transmission"}))
    client.post(give, keyed({"purpose": "transmission"}))  # a second tab
    consent = Consent.objects.get(case=case)
    assert consent.recorded_by == personas.operator_a
    assert consent.notice_version == "2026-01"
    client.post(
        reverse("cases:consent_withdraw", kwargs={"public_id": case.public_id}),
        keyed({"purpose": "transmission", "confirm": "1"}),
    )
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawn_by == personas.operator_a
    client.post(give, keyed({"purpose": "transmission"}))
    assert Consent.objects.filter(case=case).count() == 2
    assert Consent.objects.filter(case=case, withdrawn_at__isnull=True).count() == 1
    actions = list(
        AuditEvent.objects.filter(action__startswith="cases.consent").values_list(
            "action", flat=True
        )
    )
    assert actions.count("cases.consent.given") == 2
    assert actions.count("cases.consent.withdrawn") == 1


def test_list_searches_filters_and_paginates(personas, client, settings):
    settings.CASES_PAGE_SIZE = 5
    cases = [case_open(actor=personas.operator_a) for _ in range(12)]
    client.force_login(personas.operator_a)
    page1 = client.get(reverse("cases:case_list")).content.decode()
    assert "12 percorsi" in page1 and "Pagina 1 di 3" in page1
    target = cases[3]
    found = client.get(reverse("cases:case_list"), {"q": target.code[:6].lower()}).content.decode()
    assert target.code in found
    empty = client.get(reverse("cases:case_list"), {"status": "closed"}).content.decode()
    assert "Nessun percorso corrisponde" in empty
    bad_page = client.get(reverse("cases:case_list"), {"page": "zzz"})
    assert bad_page.status_code == 200


def test_list_query_count_does_not_grow_with_rows(personas, client):
    client.force_login(personas.operator_a)
    for _ in range(3):
        case_open(actor=personas.operator_a)
    client.get(reverse("cases:case_list"))  # the first request of a session stores its start
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("cases:case_list"))
    for _ in range(20):
        case_open(actor=personas.operator_a)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("cases:case_list"))
    assert len(many) == len(few)


@pytest.mark.parametrize("query", ["'; DROP TABLE x;--", "%", "\x00", "ž" * 50])
def test_odd_searches_never_fail(personas, client, query):
    client.force_login(personas.operator_a)
    assert client.get(reverse("cases:case_list"), {"q": query}).status_code == 200
