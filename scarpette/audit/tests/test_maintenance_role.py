"""On PostgreSQL the append-only triggers yield only to the maintenance role (security.md:
append-only; the application's role cannot rewrite the log even if it sets the bypass flag)."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from django.db import connection

from scarpette.audit.models import AuditEvent
from scarpette.audit.services import audit_log
from scarpette.audit.triggers import MAINTENANCE_ROLE

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres_only(reason="database roles are PostgreSQL's"),
]

PASSWORD = "app-role-" + uuid.uuid4().hex  # a throwaway role of this test only


@pytest.fixture
def app_role(personas):
    """A login role like production's application role: it may read, insert, and even holds the
    UPDATE, DELETE and TRUNCATE privileges, so that only the triggers stand in the way."""
    for index in range(3):
        audit_log(actor=personas.operator_a, action="test.event", detail={"n": index})
    name = "scarpette_test_app_" + uuid.uuid4().hex[:8]
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {name} LOGIN PASSWORD %s", [PASSWORD])
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON audit_auditevent TO {name}"
        )
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f"REVOKE ALL ON audit_auditevent FROM {name}")
        cursor.execute(f"DROP ROLE {name}")


def connect_as(role: str) -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=role,
        password=PASSWORD,
    )


def rewrite(conn: psycopg.Connection, statement: str) -> None:
    with conn.transaction(), conn.cursor() as cursor:
        cursor.execute("SET LOCAL scarpette.audit_maintenance = 'on'")
        cursor.execute(statement)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET actor_label = 'someone-else'",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent",
    ],
)
def test_the_bypass_flag_alone_does_not_open_the_log(app_role, statement):
    with (
        connect_as(app_role) as conn,
        pytest.raises(psycopg.errors.RaiseException, match="append-only"),
    ):
        rewrite(conn, statement)
    assert AuditEvent.objects.count() == 3
    assert not AuditEvent.objects.filter(actor_label="someone-else").exists()


def test_the_maintenance_role_may_purge(app_role):
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT {MAINTENANCE_ROLE} TO {app_role}")
    try:
        with connect_as(app_role) as conn:
            rewrite(conn, "DELETE FROM audit_auditevent")
        assert AuditEvent.objects.count() == 0
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"REVOKE {MAINTENANCE_ROLE} FROM {app_role}")
