"""On PostgreSQL, parallel wrong tablet codes are all counted and then block the right one."""

from __future__ import annotations

import threading

import pytest
from django.db import connections
from django.test import Client

from scarpette.audit.models import AuditEvent
from scarpette.cases.services import case_open
from scarpette.questionnaire.models import TabletCodeAttempts
from scarpette.questionnaire.services import session_start, tablet_code_issue

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres_only(reason="row locks need PostgreSQL"),
]

PARALLEL = 40


def test_forty_parallel_wrong_codes_count_forty_and_block_the_right_code(personas):
    case = case_open(actor=personas.operator_a)
    session = session_start(actor=personas.operator_a, case=case, mode="self", language="it")
    code = tablet_code_issue(actor=personas.operator_a, session=session)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    barrier = threading.Barrier(PARALLEL)
    statuses, errors = [], []

    def guess():
        try:
            tablet = Client(REMOTE_ADDR="198.51.100.66")
            barrier.wait()
            statuses.append(tablet.post("/t/", {"code": wrong}).status_code)
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert statuses == [400] * PARALLEL
    assert TabletCodeAttempts.objects.get(address="198.51.100.66").attempts == PARALLEL
    response = Client(REMOTE_ADDR="198.51.100.66").post("/t/", {"code": code})
    assert response.status_code == 400
    session.refresh_from_db()
    assert session.tablet_code_hash  # still unclaimed
    assert not AuditEvent.objects.filter(action="questionnaire.tablet.claimed").exists()
