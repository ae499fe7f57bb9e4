"""The personal tax code: shape, check character, a birth date that exists, omocodia."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from scarpette.cases.models import CaseIdentity
from scarpette.cases.services import case_open
from scarpette.core.validators import normalise_tax_code, validate_tax_code


def refusal(value: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_tax_code(value)
    return caught.value


@pytest.mark.parametrize(
    "value",
    [
        "RSSMRA80A41F205B",  # a woman born on 1 January 1980 (day + 40)
        "rssmra80a41f205b",  # typed in lower case
        "RSSM RA80 A41F 205B",  # typed with spaces
        "RSSMRA80A41F20RW",  # omocode: the last digit of the place written as a letter
        "RSSMRA8LA41F2LRS",  # omocode in the year and the place
    ],
)
def test_it_accepts_a_valid_tax_code(value):
    validate_tax_code(value)


def test_it_refuses_day_32_even_with_a_matching_check_character():
    assert refusal("RSSMRA80A32F205F").code == "tax_code_birth_date"


def test_it_refuses_30_february():
    assert refusal("RSSMRA80B70F205E").code == "tax_code_birth_date"


def test_it_refuses_a_month_letter_that_does_not_exist():
    assert refusal("RSSMRA80Z41F205X").code == "tax_code_format"


def test_it_refuses_a_wrong_check_character():
    assert refusal("RSSMRA80A41F205X").code == "tax_code_checksum"


@pytest.mark.parametrize("value", ["", "RSSMRA80A41F205", "12345678901", "RSSMRA80A41F205BB"])
def test_it_refuses_the_wrong_length_including_a_company_number(value):
    assert refusal(value).code == "tax_code_format"


def test_it_normalises_case_and_separators():
    assert normalise_tax_code(" rssmra 80a41-f205b ") == "RSSMRA80A41F205B"


def test_the_identity_form_shows_the_birth_date_error_and_saves_nothing(personas, client):
    case = case_open(actor=personas.operator_a)
    client.force_login(personas.operator_a)
    response = client.post(
        reverse("cases:case_identity", kwargs={"public_id": case.public_id}),
        {"full_name": "Zelda Segreta", "tax_code": "RSSMRA80A32F205F"},
    )
    assert response.status_code == 200
    assert "la data di nascita non esiste" in response.content.decode()
    assert not CaseIdentity.objects.exists()
