"""Security headers on every response; nothing about a woman cached; generic error pages."""

from __future__ import annotations

import pytest
from django.urls import path, reverse

from scarpette.cases.services import case_open


def assert_security_headers(response):
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["Strict-Transport-Security"].startswith("max-age=")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "name", ["account_login", "account_reset_password", "core:dashboard", "cases:case_list"]
)
def test_headers_on_pages(name, personas, client):
    if name not in {"account_login", "account_reset_password"}:
        client.force_login(personas.operator_a)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert_security_headers(response)
    assert "no-store" in response["Cache-Control"]


def test_headers_on_a_case_page_and_on_404(personas, client):
    case = case_open(actor=personas.operator_a)
    client.force_login(personas.operator_a)
    response = client.get(reverse("cases:case_detail", kwargs={"public_id": case.public_id}))
    assert_security_headers(response)
    assert response["Cache-Control"] == "no-store"
    missing = client.get("/does-not-exist/")
    assert missing.status_code == 404
    assert_security_headers(missing)


def test_script_nonce_matches_the_policy(personas, client):
    client.force_login(personas.referent_a)
    response = client.get(reverse("accounts:centre_staff"))
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()


def _boom(request):
    raise RuntimeError("Zelda exploded")


urlpatterns = [path("boom/", _boom)]
handler500 = "scarpette.core.views.error_500"


@pytest.mark.urls("scarpette.core.tests.test_headers")
def test_an_unhandled_error_shows_a_reference_and_no_details(personas, client, caplog):
    client.raise_request_exception = False
    client.force_login(personas.operator_a)
    response = client.get("/boom/")
    content = response.content.decode()
    assert response.status_code == 500
    assert "Zelda" not in content and "Traceback" not in content
    reference = [r for r in caplog.records if r.name == "scarpette.errors"][0]
    ref_id = reference.args[0]
    assert ref_id in content
