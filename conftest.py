"""Fixtures shared by the whole suite."""

from __future__ import annotations

import logging
import os

import pytest

from scarpette.accounts.testing import make_personas

pytest_plugins = ["scarpette.accounts.browser_fixtures"]


@pytest.fixture
def personas(db):
    return make_personas()


@pytest.fixture(scope="session", autouse=True)
def _audit_flush_allowed():
    """Transactional tests (browser tests) flush every table between tests; the audit triggers
    refuse that, so the flush (and only the flush) runs in the audit maintenance mode."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    from scarpette.audit.triggers import maintenance

    original = BaseDatabaseOperations.execute_sql_flush

    def flush(self, sql_list):
        with maintenance(self.connection):
            return original(self, sql_list)

    BaseDatabaseOperations.execute_sql_flush = flush
    yield
    BaseDatabaseOperations.execute_sql_flush = original


def pytest_configure(config):
    # Playwright's sync API runs an event loop in the test thread; the live server's ORM calls
    # are in other threads, and fixtures' ORM calls are synchronous by design.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    """The declared markers drive the run: `postgres_only` skips on any other database, and a
    test that drives Chromium without the `browser` marker stops the collection (so that
    `-m "not browser"` really leaves out every browser test)."""
    from django.db import connection

    on_postgres = connection.vendor == "postgresql"
    unmarked = []
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "chromium" in fixtures and item.get_closest_marker("browser") is None:
            unmarked.append(item.nodeid)
        postgres_only = item.get_closest_marker("postgres_only")
        if postgres_only is not None and not on_postgres:
            reason = postgres_only.kwargs.get("reason", "needs PostgreSQL")
            item.add_marker(pytest.mark.skip(reason=f"PostgreSQL only: {reason}"))
    if unmarked:
        raise pytest.UsageError(
            "tests driving Chromium need pytest.mark.browser: " + ", ".join(unmarked)
        )


# --- No personal data in logs (security.md battery 10) -------------------------------------------
# Every log record emitted during the run is checked against the values the tests seed.
SEEDED_SECRETS = ("Zelda Segreta", "RSSMRA80A41F205B", "333 1234567", "Colloquio fissato")


class _RecordingHandler(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.leaks: list[str] = []

    def emit(self, record):
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 (a malformed record is not a leak)
            return
        if record.exc_info and record.exc_info[1] is not None:
            text += str(record.exc_info[1])
        for secret in SEEDED_SECRETS:
            if secret in text:
                self.leaks.append(f"{record.name}: {secret!r}")


_log_recorder = _RecordingHandler()


def pytest_sessionstart(session):
    logging.getLogger().addHandler(_log_recorder)


def pytest_sessionfinish(session, exitstatus):
    if _log_recorder.leaks:
        print(
            "\nPersonal data found in log records:", *sorted(set(_log_recorder.leaks)), sep="\n  "
        )
        session.exitstatus = 1
