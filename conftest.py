"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os

import pytest

from scarpette.core.testing import make_personas


@pytest.fixture
def personas(db):
    return make_personas()


@pytest.fixture(autouse=True)
def _audit_flush_allowed(request):
    """Transactional tests flush every table between tests; the audit triggers refuse that, so
    the flush (and only the flush) runs in the audit maintenance mode."""
    if "transactional_db" not in request.fixturenames and "live_server" not in request.fixturenames:
        yield
        return
    from django.db import connection

    original = connection.ops.execute_sql_flush

    def flush(sql_list):
        from scarpette.audit.triggers import maintenance

        with maintenance(connection):
            return original(sql_list)

    connection.ops.execute_sql_flush = flush
    try:
        yield
    finally:
        connection.ops.execute_sql_flush = original


def pytest_configure(config):
    # Playwright's sync API runs an event loop in the test thread; the live server's ORM calls
    # are in other threads, and fixtures' ORM calls are synchronous by design.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
