"""The administrator's account search: a malformed ?q= is a field error, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.fixture
def admin(client, personas):
    client.force_login(personas.admin)
    return client


def test_it_finds_an_account_by_name(admin):
    response = admin.get(reverse("accounts:account_list"), {"q": "Bea"})

    assert response.status_code == 200
    content = response.content.decode()
    assert "op.b@example.org" in content
    assert "op.a@example.org" not in content


@pytest.mark.parametrize("query", ["Bea\x00", "\x00", "x" * 101])
def test_a_malformed_search_is_a_field_error_and_searches_nothing(admin, query):
    response = admin.get(reverse("accounts:account_list"), {"q": query})

    assert response.status_code == 400
    content = response.content.decode()
    assert 'id="err-q"' in content
    assert "op.b@example.org" in content  # the whole list, unfiltered
