"""/salute/: the load balancer's health check. Public, neutral, 503 when the database is down."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

from scarpette.audit.models import AuditEvent
from scarpette.core.tests.test_headers import assert_security_headers

ROOT = Path(__file__).resolve().parents[3]


def test_it_answers_ok_to_anyone_with_the_security_headers(client, db):
    response = client.get("/salute/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert_security_headers(response)
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies  # no session, no CSRF cookie for the balancer


def test_it_says_nothing_else(client, db):
    body = client.get(reverse("core:health")).content.decode()
    assert body == '{"status": "ok"}'


def test_it_answers_head_and_refuses_other_methods(client, db):
    assert client.head("/salute/").status_code == 200
    assert client.post("/salute/").status_code == 405


def test_it_is_not_audited(client, personas):
    client.force_login(personas.operator_a)  # the login itself is audited
    before = AuditEvent.objects.count()
    for _ in range(3):
        assert client.get("/salute/").status_code == 200
    assert AuditEvent.objects.count() == before


def test_it_answers_on_plain_http_where_every_page_redirects_to_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("account_login")).status_code == 301
    assert client.get("/salute/").status_code == 200


def test_it_answers_503_when_the_database_is_unreachable():
    # A real unreachable server (nothing listens on port 1), not a mock.
    script = (
        "from django.test import Client; r = Client().get('/salute/'); "
        "print(r.status_code, r.content.decode())"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SCARPETTE", "DJANGO"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SCARPETTE_ENV": "test",
            "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing?connect_timeout=2",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503"
    assert json.loads(body) == {"status": "unavailable"}
    assert "database unavailable (OperationalError)" in result.stderr
    assert "nobody" not in result.stderr  # the driver's message (user, host) is not logged
