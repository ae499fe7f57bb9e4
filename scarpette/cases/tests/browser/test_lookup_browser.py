"""The operator finds a woman's percorso on the list by her tax code, then by her surname."""

from __future__ import annotations

import pytest

from scarpette.accounts.browser_fixtures import sign_in
from scarpette.cases.services import case_open, case_update_identity

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_the_operator_finds_a_percorso_by_tax_code_and_by_surname(page, axe_check, personas):
    case = case_open(actor=personas.operator_a)
    case_update_identity(
        actor=personas.operator_a,
        case=case,
        data={"full_name": "Laura D'Angelo", "surname": "D'Angelo", "tax_code": "BNCLRA85C45H501Z"},
    )
    other = case_open(actor=personas.operator_a)
    sign_in(page, personas.operator_a)
    page.goto("/percorsi/")

    page.get_by_role("combobox", name="Cerca per").select_option("tax_code")
    page.get_by_label("Valore da cercare").fill("bnclra 85c45 h501z")
    page.get_by_role("button", name="Cerca").click()
    assert page.get_by_role("link", name=case.code).count() == 1
    assert page.get_by_role("link", name=other.code).count() == 0
    assert "Angelo" not in page.content()
    axe_check(page, "case-lookup-found")

    page.get_by_label("Valore da cercare").fill("BNCLRA85C45H501A")
    page.get_by_role("button", name="Cerca").click()
    assert page.get_by_text("Il codice fiscale non è valido").count() == 1
    axe_check(page, "case-lookup-invalid")

    page.get_by_role("combobox", name="Cerca per").select_option("surname")
    page.get_by_label("Valore da cercare").fill("dangelo")
    page.get_by_role("button", name="Cerca").click()
    assert page.get_by_role("link", name=case.code).count() == 1
    assert page.get_by_role("link", name=other.code).count() == 0

    page.get_by_label("Valore da cercare").fill("Bianchi")
    page.get_by_role("button", name="Cerca").click()
    assert page.get_by_text("Nessun percorso del tuo centro ha questo dato").count() == 1
    axe_check(page, "case-lookup-empty")
