"""The referent's access log: columns in words, filters (person, percorso, action, period) that
say what is wrong on the field, keyset pages keeping the filters, and the audited CSV export
with formula cells neutralised."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from scarpette.audit.models import AuditEvent
from scarpette.audit.services import audit_log
from scarpette.cases import access_log
from scarpette.cases.access_log import neutralise
from scarpette.cases.services import case_add_note, case_open

LOG = reverse("cases:centre_access_log")
CSV = reverse("cases:centre_access_log_csv")


@pytest.fixture
def referent(client, personas):
    client.force_login(personas.referent_a)
    return client


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _table(response) -> str:
    """The rows of the log (not the filter's options, which name every action)."""
    body = re.search(r"<tbody>(.*?)</tbody>", response.content.decode(), re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body.group(1))) if body else ""


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_the_columns_say_percorso_person_role_action_and_date_in_words(personas, referent):
    case = case_open(actor=personas.operator_a)

    text = _text(referent.get(LOG))

    row = re.search(rf"{case.code} Alice Operatrice Operatrice Apertura del percorso", text)
    assert row, text
    assert timezone.localtime().strftime("%Y") in text
    months = "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre"
    assert any(f" {month} " in text for month in months.split()), text
    assert "cases.case.created" not in text


def test_filters_by_person_percorso_action_and_period(personas, referent):
    first = case_open(actor=personas.operator_a)
    second = case_open(actor=personas.referent_a)
    case_add_note(actor=personas.operator_a, case=first, text="Colloquio.")

    by_person = _table(referent.get(LOG, {"persona": personas.referent_a.pk}))
    assert second.code in by_person and first.code not in by_person

    by_case = _table(referent.get(LOG, {"percorso": first.code.lower()}))
    assert first.code in by_case and second.code not in by_case
    assert "Nota aggiunta" in by_case

    by_action = _table(referent.get(LOG, {"azione": "cases.note.created"}))
    assert "Nota aggiunta" in by_action and "Apertura del percorso" not in by_action

    today = timezone.localdate()
    in_period = _table(referent.get(LOG, {"dal": today.isoformat(), "al": today.isoformat()}))
    assert first.code in in_period and second.code in in_period
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    before = referent.get(LOG, {"al": yesterday})
    assert _table(before) == ""
    assert "Nessun accesso corrisponde ai filtri." in _text(before)
    after = _table(referent.get(LOG, {"dal": (today + dt.timedelta(days=1)).isoformat()}))
    assert first.code not in after


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"dal": "2026-13-40"}, "dal", "Inserisci una data valida."),
        ({"dal": "2026-05-02", "al": "2026-05-01"}, "al", "La data finale viene prima"),
        ({"persona": "abc"}, "persona", "Scegli un'opzione valida."),
        ({"persona": "999999"}, "persona", "Scegli un'opzione valida."),
        ({"azione": "nessuna.azione"}, "azione", "Scegli un'opzione valida."),
        ({"percorso": "ZZZZZZZZZ"}, "percorso", "Nessun percorso del centro ha questo codice."),
    ],
)
def test_a_bad_filter_is_an_error_on_its_field(params, field, message, personas, referent):
    response = referent.get(LOG, params)
    assert response.status_code == 400
    content = response.content.decode()
    error = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', content, re.S)
    assert error and message in error.group(1).replace("&#x27;", "'"), content[-3000:]
    assert referent.get(CSV, params).status_code == 400
    assert not AuditEvent.objects.filter(action="cases.access_log.exported").exists()


def test_a_percorso_of_another_centre_is_not_found(personas, referent):
    other = case_open(actor=personas.operator_b)
    response = referent.get(LOG, {"percorso": other.code})
    assert response.status_code == 400
    assert "Nessun percorso del centro ha questo codice." in response.content.decode()


def test_pages_go_back_in_time_keeping_the_filters(personas, referent, monkeypatch):
    monkeypatch.setattr(access_log, "PAGE_SIZE", 2)
    case = case_open(actor=personas.operator_a)
    for _ in range(4):
        case_add_note(actor=personas.operator_a, case=case, text="Colloquio.")

    first = referent.get(LOG, {"azione": "cases.note.created"}).content.decode()
    older = re.search(r'href="\?([^"]*prima=\d+)"', first)
    assert older and "azione=cases.note.created" in older.group(1)
    second = referent.get(f"{LOG}?{older.group(1).replace('&amp;', '&')}")
    assert second.status_code == 200
    assert _table(second).count("Nota aggiunta") == 2
    assert "Torna ai più recenti" in _text(second)
    assert "Meno recenti" not in _text(second)


def test_the_query_count_is_constant(personas, referent):
    def count():
        with CaptureQueriesContext(connection) as captured:
            assert referent.get(LOG).status_code == 200
        return len(captured)

    case_open(actor=personas.operator_a)
    referent.get(LOG)
    few = count()
    for _ in range(5):
        case = case_open(actor=personas.operator_a)
        case_add_note(actor=personas.referent_a, case=case, text="Colloquio.")
    assert count() == few


def test_the_export_is_filtered_neutralised_and_audited(personas, referent):
    case = case_open(actor=personas.operator_a)
    other = case_open(actor=personas.operator_b)
    # A name an attacker could choose: a spreadsheet must not run it.
    personas.operator_a.full_name = '=HYPERLINK("http://x")'
    personas.operator_a.save(update_fields=["full_name"])

    response = referent.get(CSV, {"percorso": case.code})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="registro-accessi.csv"'
    rows = _csv(response)
    assert rows[0] == ["Data e ora", "Percorso", "Persona", "Ruolo", "Azione", "Esito", "Da dove"]
    assert rows[1][1:6] == [
        case.code,
        '\'=HYPERLINK("http://x")',
        "Operatrice",
        "Apertura del percorso",
        "riuscito",
    ]
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d", rows[1][0])
    assert all(other.code not in row for row in rows)
    event = AuditEvent.objects.get(action="cases.access_log.exported")
    assert event.actor_id == personas.referent_a.pk
    assert event.organisation_id == personas.centre_a.pk
    assert event.detail == {"filters": ["percorso"]}


def test_the_export_stops_at_its_cap(personas, referent, monkeypatch):
    monkeypatch.setattr(access_log, "EXPORT_MAX_ROWS", 3)
    monkeypatch.setattr(access_log, "EXPORT_BATCH", 2)
    for _ in range(3):
        case_open(actor=personas.operator_a)
    rows = _csv(referent.get(CSV))
    assert len(rows) == 1 + 3


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+39", "'+39"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Alice", "Alice"),
        ("", ""),
    ],
)
def test_formula_cells_are_neutralised(value, expected):
    assert neutralise(value) == expected


def test_only_her_centre_and_only_the_referent(personas, client):
    case_open(actor=personas.operator_b)
    audit_log(
        actor=personas.operator_b, action="cases.case.viewed", organisation_id=personas.centre_b.pk
    )
    client.force_login(personas.referent_a)
    rows = _csv(client.get(CSV))
    assert all("Bea Operatrice" not in ",".join(row) for row in rows)
    for persona in ("operator_a", "operator_b", "inps_specialist", "admin"):
        client.force_login(getattr(personas, persona))
        assert client.get(CSV).status_code == 403
        assert client.get(LOG).status_code == 403
    assert (
        not AuditEvent.objects.filter(action="cases.access_log.exported")
        .exclude(actor_id=personas.referent_a.pk)
        .exists()
    )
