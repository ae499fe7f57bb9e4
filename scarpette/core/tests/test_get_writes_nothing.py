"""No page read writes a row: every GET of the URL × role matrix leaves the data as it was.

The only writes a GET may make are its own audit event (reads are audited) and the signed-in
user's session (the idle deadline). Everything else — deadlines, notifications, percorsi,
applications — is written by services when something changes, never because someone looked.

And the other way round: every page that shows a percorso or something of hers, to whoever may
see it, leaves a read event on that percorso (scarpette.audit.reads) — no view can forget it.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scarpette.audit.models import AuditEvent
from scarpette.cases.services import case_open
from scarpette.core.tests.test_permission_matrix import (
    MATRIX,
    MAY_WRITE_WHEN_REFUSED,
    _kwargs,
    written_tables,
)

# A read may write its audit event (hash chain included) and the session: MAY_WRITE_WHEN_REFUSED.
# Pages whose URL names one percorso or something of hers.
PERCORSO_KEYS = {"case", "case_id", "session", "transmission", "consultation", "application"}
GET_PAGES = sorted(name for name, (method, _key, _answers) in MATRIX.items() if method == "get")


def row_counts() -> dict[str, int]:
    return {
        model._meta.db_table: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.managed and model._meta.db_table not in MAY_WRITE_WHEN_REFUSED
    }


@pytest.mark.parametrize("name", GET_PAGES)
def test_a_get_writes_no_row_but_its_audit_event(name, personas, client):
    _method, key, _answers = MATRIX[name]
    case = case_open(actor=personas.operator_a)
    url = reverse(name, kwargs=_kwargs(key, personas, case))
    before = row_counts()
    writes: dict[str, set[str]] = {}
    unaudited: list[str] = []
    for role, user in personas.all().items():
        client.logout()
        if user is not None:
            client.force_login(user)
        last_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        tables = written_tables(queries.captured_queries)
        if tables:
            writes[role] = tables
        read = AuditEvent.objects.filter(
            id__gt=last_event,
            actor_id=user.pk if user else None,
            object_type="cases.case",
            object_id=str(case.public_id),
            outcome=AuditEvent.Outcome.OK,
        )
        if key in PERCORSO_KEYS and response.status_code == 200 and not read.exists():
            unaudited.append(role)
    assert writes == {}, f"GET {url} wrote rows"
    assert row_counts() == before
    assert unaudited == [], f"GET {url} showed her data without a read event"


def test_the_check_sees_a_write_when_there_is_one(personas):
    # The detector itself: a service that writes is seen, so the test above can fail.
    with CaptureQueriesContext(connection) as queries:
        case_open(actor=personas.operator_a)
    assert "cases_case" in written_tables(queries.captured_queries)
