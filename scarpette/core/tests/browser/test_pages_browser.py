"""Every role signs in for real and reaches its dashboard; axe-core finds no violations."""

from __future__ import annotations

import pytest

from scarpette.accounts.browser_fixtures import sign_in
from scarpette.cases.services import case_open, case_update_identity

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_login_page_is_accessible(page, axe_check, personas):
    page.goto("/")
    assert "/accounts/login/" in page.url
    assert page.locator("html").get_attribute("lang") == "it"
    assert "Scarpette" not in page.title()
    axe_check(page, "login")
    page.fill("input[name=login]", "nobody@example.org")
    page.fill("input[name=password]", "wrong-password-123")
    page.click("main button[type=submit]")
    assert page.get_by_text("non sono corretti").count() >= 1
    axe_check(page, "login-error")


@pytest.mark.parametrize(
    ("persona", "heading_text"),
    [
        ("operator_a", "Percorsi del centro"),
        ("referent_a", "Il tuo centro"),
        ("inps_specialist", "Casi trasmessi alla tua sede"),
        ("sportello_officer", "Catalogo delle misure"),
        ("tavolo_member", "Tavolo tecnico"),
        ("admin", "Configurazione"),
    ],
)
def test_each_role_reaches_its_dashboard(page, axe_check, personas, persona, heading_text):
    user = getattr(personas, persona)
    sign_in(page, user)
    assert page.get_by_role("heading", name=heading_text).count() == 1
    assert user.full_name in page.content()
    axe_check(page, f"dashboard-{persona}")


def test_operator_pages_are_accessible(page, axe_check, personas):
    case = case_open(actor=personas.operator_a)
    case_update_identity(actor=personas.operator_a, case=case, data={"full_name": "Zelda Segreta"})
    sign_in(page, personas.operator_a)
    page.goto("/percorsi/")
    axe_check(page, "case-list")
    page.goto("/percorsi/nuovo/")
    axe_check(page, "case-open")
    page.click("main button[type=submit]")
    page.wait_for_url("**/percorsi/*-*-*-*-*/")
    assert page.get_by_text("Percorso aperto con codice").count() == 1
    axe_check(page, "case-detail-new")
    page.goto(f"/percorsi/{case.public_id}/")
    assert "Zelda" not in page.content()
    page.get_by_role("button", name="Mostra i dati").click()
    assert "Zelda Segreta" in page.content()
    axe_check(page, "case-detail-revealed")
    page.goto(f"/percorsi/{case.public_id}/identita/")
    assert "Zelda" not in page.content()  # masked until shown, with its audit event
    axe_check(page, "case-identity-masked")
    page.get_by_role("button", name="Mostra per modificare").click()
    page.fill("input[name=tax_code]", "RSSMRA80A41F205X")
    page.click("main button[type=submit]")
    assert page.get_by_text("carattere di controllo").count() == 1
    axe_check(page, "case-identity-error")
    page.goto("/misure/")
    axe_check(page, "measures")
    page.goto("/accounts/2fa/")
    axe_check(page, "mfa-index")


def test_referent_and_admin_pages_are_accessible(page, axe_check, personas):
    case_open(actor=personas.operator_a)
    sign_in(page, personas.referent_a)
    for path, name in [("/centro/operatrici/", "staff"), ("/percorsi/accessi/", "access-log")]:
        page.goto(path)
        axe_check(page, name)
    page.get_by_role("button", name="Esci").click()
    page.wait_for_url("**/accounts/login/")
    sign_in(page, personas.admin)
    for path, name in [
        ("/amministrazione/enti/", "organisations"),
        ("/amministrazione/enti/nuovo/", "organisation-new"),
        ("/amministrazione/account/", "accounts"),
        ("/amministrazione/account/nuovo/", "account-new"),
    ]:
        page.goto(path)
        axe_check(page, name)


def test_other_centre_gets_not_found_in_the_browser(page, personas):
    case = case_open(actor=personas.operator_a)
    sign_in(page, personas.operator_b)
    response = page.goto(f"/percorsi/{case.public_id}/")
    assert response.status == 404
    assert page.get_by_role("heading", name="Pagina non trovata").count() == 1


def test_english_translation_switches_the_page(page, personas, axe_check):
    sign_in(page, personas.operator_a)
    page.select_option("#lang-select", "en")
    page.get_by_role("button", name="Cambia").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Case files").count() >= 1
    axe_check(page, "dashboard-en")
