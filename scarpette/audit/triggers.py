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
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""  # noqa: S608 (a constant role name, no input)

# The append-only tables: the events and, since the chain is sealed, the seals.
TABLES = ("audit_auditevent", "audit_auditseal")


def pg_create(table: str) -> str:
    return f"""
CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
"""


def pg_drop(table: str) -> str:
    return f"""
DROP TRIGGER IF EXISTS {table}_no_update ON {table};
DROP TRIGGER IF EXISTS {table}_no_delete ON {table};
DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};
"""


def sqlite_create(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table}
       BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;""",
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table}
       BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;""",
    ]


def sqlite_drop(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_update",
        f"DROP TRIGGER IF EXISTS {table}_no_delete",
    ]


def create(cursor, vendor: str, tables: tuple[str, ...] = TABLES) -> None:
    if vendor == "postgresql":
        cursor.execute(PG_FUNCTION)
        for table in tables:
            cursor.execute(pg_create(table))
    elif vendor == "sqlite":
        for table in tables:
            for statement in sqlite_create(table):
                cursor.execute(statement)


def drop(cursor, vendor: str, tables: tuple[str, ...] = TABLES) -> None:
    if vendor == "postgresql":
        for table in tables:
            cursor.execute(pg_drop(table))
    elif vendor == "sqlite":
        for table in tables:
            for statement in sqlite_drop(table):
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
