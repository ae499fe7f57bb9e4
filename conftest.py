"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os

import pytest

from scarpette.core.testing import make_personas


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
