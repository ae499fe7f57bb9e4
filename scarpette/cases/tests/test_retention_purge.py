"""Retention purge with a frozen clock (security.md battery 16): expired data gone, audit kept and
still verifiable, the purge logged; nothing else touched."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from scarpette.applications.models import Application
from scarpette.audit.models import AuditEvent
from scarpette.cases.indexes import surname_index
from scarpette.cases.models import Case, CaseIdentity, CaseNote, Consent
from scarpette.cases.retention import add_months, last_expired_closure
from scarpette.cases.services import case_open, case_set_status
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
from scarpette.core.crypto import blind_index
from scarpette.questionnaire.models import CaseNeed, QuestionnaireSession, ScreeningRun
from scarpette.referrals.models import ConsultationMessage, Transmission, TransmissionEvent


def close_on(actor, case, day: dt.date) -> Case:
    with time_machine.travel(dt.datetime.combine(day, dt.time(10)), tick=False):
        return case_set_status(actor=actor, case=case, status=Case.Status.CLOSED)


def purge(day: dt.date, *args) -> str:
    out = StringIO()
    with time_machine.travel(dt.datetime.combine(day, dt.time(3)), tick=False):
        call_command("retention_purge", *args, stdout=out)
    return out.getvalue()


def audit_verify() -> str:
    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def raw_rows_containing(text: str) -> list[str]:
    """Every column of every table (the audit log aside) holding `text` in clear."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table == "audit_auditevent":
                continue
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            for column in columns:
                # Table and column names come from introspection, the value is a parameter.
                sql = f'SELECT COUNT(*) FROM "{table}" WHERE CAST("{column}" AS TEXT) LIKE %s'  # noqa: S608
                cursor.execute(sql, [f"%{text}%"])
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column}")
    return found


@pytest.mark.parametrize(
    ("closed_on", "months", "expires_after"),
    [
        (dt.date(2024, 3, 15), 24, dt.date(2026, 3, 15)),
        (dt.date(2023, 8, 31), 6, dt.date(2024, 2, 29)),  # clamped to the end of February
        (dt.date(2024, 2, 29), 24, dt.date(2026, 2, 28)),
        (dt.date(2024, 12, 31), 2, dt.date(2025, 2, 28)),
    ],
)
def test_months_are_counted_as_in_the_civil_code(closed_on, months, expires_after):
    assert add_months(closed_on, months) == expires_after
    # The percorso goes the day after its period ends, not on that day.
    assert last_expired_closure(expires_after + dt.timedelta(days=1), months) >= closed_on
    assert last_expired_closure(expires_after, months) < closed_on


def test_it_anonymises_a_percorso_closed_longer_than_the_period(personas, full_case, client):
    close_on(personas.operator_a, full_case, dt.date(2024, 3, 15))
    application = Application.objects.get(case=full_case)
    outcome_before = (application.status, application.submitted_on)
    consents_before = Consent.objects.filter(case=full_case).count()
    needs_before = list(CaseNeed.objects.filter(case=full_case).values_list("need", flat=True))

    output = purge(dt.date(2026, 3, 16))

    assert "anonymised 1 percorsi" in output
    case = Case.objects.get(pk=full_case.pk)
    assert case.anonymised_at is not None
    # Kept for statistics: code, dates, status, consents (purpose and dates), needs, outcomes.
    assert (case.code, case.opened_on, case.closed_on, case.status) == (
        full_case.code,
        dt.date(2024, 1, 10),
        dt.date(2024, 3, 15),
        Case.Status.CLOSED,
    )
    assert Consent.objects.filter(case=case).count() == consents_before
    assert list(CaseNeed.objects.filter(case=case).values_list("need", flat=True)) == needs_before
    application.refresh_from_db()
    assert (application.status, application.submitted_on) == outcome_before
    assert (application.protocol_number, application.channel) == ("", "")
    # Gone: identity (and its blind index), notes, answers, facts, free texts.
    assert not CaseIdentity.objects.filter(case=case).exists()
    assert not CaseNote.objects.filter(case=case).exists()
    assert QuestionnaireSession.objects.get(case=case).answers == {}
    run = ScreeningRun.objects.get(case=case)
    assert run.facts == {}
    assert run.results and all(r["measure"] and r["status"] for r in run.results)
    assert all(not r.get("reasons") and not r.get("amount") for r in run.results)
    payload = Transmission.objects.get(case=case).payload
    assert (payload["code"], payload["facts"], payload["question"]) == (case.code, {}, "")
    texts = [e.text for e in TransmissionEvent.objects.filter(transmission__case=case)]
    texts += [m.text for m in ConsultationMessage.objects.filter(consultation__case=case)]
    assert texts and set(texts) == {""}
    # Audited on her centre, with a summary; the chain still verifies.
    event = AuditEvent.objects.get(action="cases.case.anonymised")
    assert (event.object_id, event.organisation_id) == (str(case.public_id), personas.centre_a.pk)
    assert AuditEvent.objects.get(action="cases.retention.purged").detail["anonymised"] == 1
    assert "audit chain intact" in audit_verify()
    # The percorso page still opens and shows nothing of her.
    client.force_login(personas.operator_a)
    for url in (
        reverse("cases:case_detail", kwargs={"public_id": case.public_id}),
        reverse("referrals:case_inps", kwargs={"case_id": case.public_id}),
        reverse("referrals:case_consultations", kwargs={"case_id": case.public_id}),
        reverse("applications:application_list", kwargs={"case_id": case.public_id}),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        body = page.content.decode()
        for secret in (NAME, NOTE, QUESTION, INFO_REQUEST, CONSULTATION_TEXT, PROTOCOL):
            assert secret not in body


def test_no_trace_of_her_is_left_in_any_table(personas, full_case):
    close_on(personas.operator_a, full_case, dt.date(2024, 3, 15))
    tax_code_index = blind_index(TAX_CODE, context="cases.identity.tax_code")
    assert raw_rows_containing(tax_code_index) == ["cases_caseidentity.tax_code_index"]
    surname_digest = surname_index(SURNAME)
    assert raw_rows_containing(surname_digest) == ["cases_caseidentity.surname_index"]

    purge(dt.date(2026, 3, 16))

    # The exact-match indexes would still find her by tax code or surname: they go with the
    # identity.
    assert raw_rows_containing(tax_code_index) == []
    assert raw_rows_containing(surname_digest) == []
    # Encrypted columns are emptied, not left holding ciphertext of her data.
    sessions = QuestionnaireSession.objects.filter(case=full_case)
    assert list(sessions.values_list("answers_json", flat=True)) == [""]


def test_it_leaves_open_and_recently_closed_percorsi_alone(personas, full_case):
    recent = case_open(actor=personas.operator_a)
    close_on(personas.operator_a, recent, dt.date(2024, 3, 16))
    case_open(actor=personas.operator_a)  # open since long ago, never closed

    output = purge(dt.date(2026, 3, 16))

    assert "anonymised 0 percorsi" in output
    assert not Case.objects.filter(anonymised_at__isnull=False).exists()
    assert CaseIdentity.objects.get(case=full_case).full_name == NAME
    assert not AuditEvent.objects.filter(action="cases.case.anonymised").exists()


def test_the_last_day_of_the_period_is_still_kept(personas, full_case):
    close_on(personas.operator_a, full_case, dt.date(2024, 3, 15))
    purge(dt.date(2026, 3, 15))
    assert Case.objects.get(pk=full_case.pk).anonymised_at is None
    purge(dt.date(2026, 3, 16))
    assert Case.objects.get(pk=full_case.pk).anonymised_at is not None


def test_a_dry_run_reports_the_count_and_changes_nothing(personas, full_case):
    close_on(personas.operator_a, full_case, dt.date(2024, 3, 15))
    events_before = AuditEvent.objects.count()

    output = purge(dt.date(2026, 3, 16), "--dry-run")

    assert "dry run: 1 percorsi would be anonymised" in output
    assert "2024-03-15" in output
    assert Case.objects.get(pk=full_case.pk).anonymised_at is None
    assert CaseIdentity.objects.get(case=full_case).full_name == NAME
    assert AuditEvent.objects.count() == events_before


def test_a_second_run_changes_nothing(personas, full_case):
    close_on(personas.operator_a, full_case, dt.date(2024, 3, 15))
    purge(dt.date(2026, 3, 16))
    anonymised_at = Case.objects.get(pk=full_case.pk).anonymised_at

    output = purge(dt.date(2026, 3, 17))

    assert "anonymised 0 percorsi" in output
    assert Case.objects.get(pk=full_case.pk).anonymised_at == anonymised_at
    assert AuditEvent.objects.filter(action="cases.case.anonymised").count() == 1
    assert AuditEvent.objects.filter(action="cases.retention.purged").count() == 2
    assert "audit chain intact" in audit_verify()


def test_it_works_in_batches(personas):
    for _ in range(5):
        close_on(personas.operator_a, case_open(actor=personas.operator_a), dt.date(2020, 1, 1))
    output = purge(dt.date(2026, 1, 1), "--batch-size", "2")
    assert "anonymised 5 percorsi" in output
    assert Case.objects.filter(anonymised_at__isnull=True).count() == 0
    assert AuditEvent.objects.filter(action="cases.case.anonymised").count() == 5


def test_bad_arguments_get_a_clear_message_and_exit_2():
    env = {**os.environ, "SCARPETTE_ENV": "test"}
    result = subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", "retention_purge", "--batch-size", "zero"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "--batch-size: must be a whole number of at least 1" in result.stderr
    assert "Traceback" not in result.stderr
