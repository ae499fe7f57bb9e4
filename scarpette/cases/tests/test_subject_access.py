"""Her right of access: the referent exports everything held about one woman, PDF and JSON."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from scarpette.accounts.testing import PASSWORD, make_user
from scarpette.audit.models import AuditEvent
from scarpette.cases.services import case_open
from scarpette.cases.tests.conftest import (
    CONSULTATION_TEXT,
    INFO_REQUEST,
    NAME,
    NOTE,
    PROTOCOL,
    QUESTION,
    SURNAME,
    TAX_CODE,
)


def url(case, fmt=""):
    base = reverse("cases:subject_access", kwargs={"public_id": case.public_id})
    return f"{base}?formato={fmt}" if fmt else base


def reauthenticated(client, user):
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return client


def test_the_json_holds_everything_about_her_in_words(personas, client, full_case):
    client.force_login(personas.operator_a)
    client.get(reverse("cases:case_detail", kwargs={"public_id": full_case.public_id}))
    reauthenticated(client, personas.referent_a)

    response = client.get(url(full_case, "json"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="documento.json"'
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    identity = {row["field"]: row["value"] for row in data["identity"]}
    assert identity["Nome e cognome"] == NAME and identity["Codice fiscale"] == TAX_CODE
    assert identity["Cognome"] == SURNAME
    assert {c["purpose"] for c in data["consents"]} >= {"Trasmissione dei risultati a INPS"}
    assert data["notes"][0]["text"] == NOTE
    answers = {a["answer"] for s in data["questionnaires"] for a in s["answers"]}
    assert "dont_know" in answers
    results = data["screenings"][0]["results"]
    assert results and all(
        r["result"] in {"Possibile diritto", "Da verificare", "Non spetta"} for r in results
    )
    transmission = data["transmissions"][0]
    assert transmission["question"] == QUESTION
    assert transmission["status"] == "Richieste informazioni"
    assert INFO_REQUEST in [e["text"] for e in transmission["events"]]
    assert data["consultations"][0]["messages"][0]["text"] == CONSULTATION_TEXT
    assert data["applications"][0]["protocol_number"] == PROTOCOL
    assert data["applications"][0]["status"] == "Presentata"
    who = {(a["who"], a["role"], a["action"]) for a in data["accesses"]}
    assert ("op.a@example.org", "Operatrice", "Consultazione del percorso") in who
    # No internal codes where words are due.
    text = response.content.decode()
    for code in ("cases.case.", '"submitted"', '"eligible"', '"operatrice"'):
        assert code not in text
    event = AuditEvent.objects.get(action="cases.case.subject_access_exported")
    assert (event.actor_id, event.organisation_id, event.detail) == (
        personas.referent_a.pk,
        personas.centre_a.pk,
        {"format": "json"},
    )


def test_the_pdf_is_in_italian_with_a_neutral_name(personas, client, full_case):
    reauthenticated(client, personas.referent_a)
    response = client.get(url(full_case, "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="documento.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")
    html_event = AuditEvent.objects.get(action="cases.case.subject_access_exported")
    assert html_event.detail == {"format": "pdf"}


def test_the_pdf_text_shows_her_data(personas, full_case):
    from django.template.loader import render_to_string

    from scarpette.cases.subject_access import subject_access_data

    data = subject_access_data(actor=personas.referent_a, case=full_case)
    html = render_to_string("cases/subject_access_document.html", {"data": data})
    for text in (
        "Dati conservati sulla persona",
        NAME,
        NOTE,
        PROTOCOL,
        "Apertura del percorso",
    ):
        assert text in html.replace("&#x27;", "'")


def test_the_page_offers_both_formats_and_requires_reauthentication(personas, client, full_case):
    client.force_login(personas.referent_a)
    response = client.get(url(full_case, "json"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert not AuditEvent.objects.filter(action="cases.case.subject_access_exported").exists()
    reauthenticated(client, personas.referent_a)
    page = client.get(url(full_case)).content.decode()
    assert "?formato=pdf" in page and "?formato=json" in page


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("operator_a", 403),
        ("operator_b", 404),
        ("inps_specialist", 403),  # no way to any percorso: refused at the door
        ("admin", 404),
        ("tavolo_member", 403),
    ],
)
def test_only_her_centre_referent_may_export(personas, client, full_case, who, status):
    reauthenticated(client, getattr(personas, who))
    assert client.get(url(full_case, "json")).status_code == status
    assert not AuditEvent.objects.filter(action="cases.case.subject_access_exported").exists()


def test_another_centre_referent_gets_404(personas, client, full_case):
    referent_b = make_user("ref.b@example.org", "Bruna Referente", "referente", personas.centre_b)
    reauthenticated(client, referent_b)
    assert client.get(url(full_case, "json")).status_code == 404


def test_anonymous_is_sent_to_login(client, full_case):
    response = client.get(url(full_case, "json"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_it_refuses_other_methods(personas, client):
    case = case_open(actor=personas.operator_a)
    reauthenticated(client, personas.referent_a)
    assert client.post(url(case, "json")).status_code == 405
