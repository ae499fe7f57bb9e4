"""Database triggers that make the audit table append-only, and the one sanctioned way around them.

The way around (`maintenance`) exists for two callers only: the retention purge of events older
than the legal period, and the test suite's database flush. Application code never calls it.

On PostgreSQL the way around needs two things: the session setting `scarpette.audit_maintenance`
and membership of the database role `scarpette_audit_maintenance`. The setting alone is not
enough, since any role can set it: the application's own role is not a member, so a compromised
application cannot rewrite the log (docs/operations.md, "Database roles"). A superuser is a member
of every role and can drop triggers anyway: production never connects as one.
"""

from __future__ import annotations

from contextlib import contextmanager

MAINTENANCE_ROLE = "scarpette_audit_maintenance"

# CREATE ROLE needs CREATEROLE; where the migrating role lacks it, the DBA creates the role (the
# triggers then allow no bypass at all until she does).
PG_CREATE_ROLE = f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{MAINTENANCE_ROLE}') THEN
        CREATE ROLE {MAINTENANCE_ROLE} NOLOGIN;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'role {MAINTENANCE_ROLE} not created: create it as described in docs/operations.md';
END
$$;
"""  # noqa: S608 (a constant role name, no input)

PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    IF current_setting('scarpette.audit_maintenance', true) = 'on'
       AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{MAINTENANCE_ROLE}') THEN
        IF pg_has_role(session_user, '{MAINTENANCE_ROLE}', 'MEMBER') THEN
            IF TG_OP = 'TRUNCATE' THEN RETURN NULL; END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only';
END;
$$ LANGUAGE plpgsql;
"""  # noqa: S608 (a constant role name, no input)

PG_CREATE = """
CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_auditevent_no_truncate BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
"""

PG_DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_no_update ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_auditevent_no_delete ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent;
"""

SQLITE_CREATE = [
    """CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only'); END;""",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete",
]


def create(cursor, vendor: str) -> None:
    if vendor == "postgresql":
        cursor.execute(PG_FUNCTION)
        cursor.execute(PG_CREATE)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            cursor.execute(statement)


def drop(cursor, vendor: str) -> None:
    if vendor == "postgresql":
        cursor.execute(PG_DROP)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            cursor.execute(statement)


@contextmanager
def maintenance(connection):
    """Allow changes to audit rows for the duration of the block (purge and test flush only)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET scarpette.audit_maintenance = 'on'")
        else:
            drop(cursor, connection.vendor)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("RESET scarpette.audit_maintenance")
            else:
                create(cursor, connection.vendor)
