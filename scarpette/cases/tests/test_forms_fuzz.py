"""Whatever is typed into the percorso forms: never a 500; valid data is saved and read back equal."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scarpette.cases.models import CaseIdentity
from scarpette.cases.services import case_open
from scarpette.core.testing import keyed

text = st.text(max_size=400)
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def signed_in(personas, client):
    client.force_login(personas.operator_a)
    return client, case_open(actor=personas.operator_a)


@FUZZ
@given(
    full_name=text,
    surname=text,
    tax_code=text,
    phone=text,
    email=text,
    address=text,
    safe_times=text,
    channels=st.lists(st.sampled_from(["sms", "email", "phone_call", "through_centre", "x"])),
)
def test_identity_form_never_fails(
    signed_in, full_name, surname, tax_code, phone, email, address, safe_times, channels
):
    client, case = signed_in
    data = {
        "full_name": full_name,
        "surname": surname,
        "tax_code": tax_code,
        "phone": phone,
        "email": email,
        "address": address,
        "safe_times": safe_times,
        "safe_channels": channels,
        "safe_channels_shown": "1",
        "version": getattr(CaseIdentity.objects.filter(case=case).first(), "version", 0),
    }
    response = client.post(
        reverse("cases:case_identity", kwargs={"public_id": case.public_id}), data
    )
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        identity = CaseIdentity.objects.get(case=case)
        assert identity.full_name == full_name.strip()
        assert identity.surname == surname.strip()
        assert identity.address == address.strip()
        assert identity.safe_times == safe_times.strip()


@FUZZ
@given(
    opened_on=text,
    q=text,
    status=text,
    page=text,
    kind=st.one_of(text, st.sampled_from(["code", "tax_code", "surname"])),
)
def test_open_and_list_never_fail(signed_in, opened_on, q, status, page, kind):
    client, _case = signed_in
    assert client.post(reverse("cases:case_open"), keyed({"opened_on": opened_on})).status_code in (
        200,
        302,
    )
    assert (
        client.get(
            reverse("cases:case_list"), {"kind": kind, "q": q, "status": status, "page": page}
        ).status_code
        == 200
    )


@FUZZ
@given(note=text)
def test_note_never_fails_and_reads_back(signed_in, note):
    client, case = signed_in
    response = client.post(
        reverse("cases:case_note", kwargs={"public_id": case.public_id}), keyed({"text": note})
    )
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert case.notes.order_by("-id").first().text == note.strip()
