"""The load benchmark's bare view: absent unless BENCHMARK_BARE_VIEW is on; then signed in only."""

from __future__ import annotations

import importlib

import pytest
from django.urls import clear_url_caches

import config.urls
from scarpette.audit.models import AuditEvent

URL = "/banco-di-prova/vuota/"


@pytest.fixture
def bare_view_on(settings):
    settings.BENCHMARK_BARE_VIEW = True
    importlib.reload(config.urls)
    clear_url_caches()
    yield
    settings.BENCHMARK_BARE_VIEW = False
    importlib.reload(config.urls)
    clear_url_caches()


def test_it_is_off_by_default(settings, personas, client):
    assert settings.BENCHMARK_BARE_VIEW is False
    client.force_login(personas.operator_a)
    assert client.get(URL).status_code == 404


def test_with_the_setting_it_answers_a_signed_in_member_and_writes_nothing(
    bare_view_on, personas, client
):
    client.force_login(personas.inps_specialist)
    before = AuditEvent.objects.count()
    response = client.get(URL)
    assert response.status_code == 200
    assert response.content == b"ok"
    assert AuditEvent.objects.count() == before
    assert client.post(URL).status_code == 405


def test_with_the_setting_anonymous_is_sent_to_login(bare_view_on, client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_with_the_setting_the_view_declares_who_may_enter(bare_view_on):
    from scarpette.core.tests.test_view_access import project_views

    views = dict(project_views())
    assert views["benchmark_bare"].access.kind == "signed_in"
