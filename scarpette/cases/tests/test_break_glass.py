"""Break-glass: an administrator reads one percorso, by its exact code, for a stated reason, for a
limited time, read-only; every request is audited as such and the centre's referent sees it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from scarpette.accounts.testing import PASSWORD
from scarpette.audit.models import AuditEvent
from scarpette.cases.models import BreakGlassGrant, Case, CaseNote
from scarpette.cases.services import break_glass_open, case_add_note, case_open

REASON = "Richiesta dell'autorità giudiziaria, protocollo 123/2026"
URL = reverse("cases:break_glass")


def reauthenticated(client, user):
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return client


@pytest.fixture
def case(personas):
    case = case_open(actor=personas.operator_a)
    case_add_note(actor=personas.operator_a, case=case, text="Colloquio fissato")
    return case


def detail(case):
    return reverse("cases:case_detail", kwargs={"public_id": case.public_id})


def test_administrators_read_no_percorso_without_a_grant(personas, client, case):
    client.force_login(personas.admin)
    assert client.get(detail(case)).status_code == 404
    assert not Case.objects.visible_to(personas.admin).exists()


def test_it_requires_reauthentication(personas, client):
    client.force_login(personas.admin)
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))


def test_an_administrator_opens_one_percorso_by_its_code_with_a_reason(personas, client, case):
    other = case_open(actor=personas.operator_b)
    reauthenticated(client, personas.admin)
    page = client.get(URL).content.decode()
    # No browsing: the page lists no percorso of any centre.
    assert case.code not in page and other.code not in page

    response = client.post(URL, {"code": case.code.lower(), "reason": REASON})

    assert response.status_code == 302 and response.url == detail(case)
    grant = BreakGlassGrant.objects.get()
    assert (grant.admin, grant.case, grant.reason) == (personas.admin, case, REASON)
    assert grant.expires_at - grant.created_at == dt.timedelta(minutes=60)
    opened = AuditEvent.objects.get(action="cases.break_glass.opened")
    assert opened.organisation_id == personas.centre_a.pk
    assert REASON not in str(opened.detail)  # the reason is on the grant, not in the log
    page = client.get(detail(case))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Accesso di emergenza in sola lettura" in body
    assert "Colloquio fissato" in body
    # Read-only: no form that changes the percorso is offered.
    for name in ("case_status", "case_note", "case_assign", "consent_give", "case_reveal"):
        assert reverse(f"cases:{name}", kwargs={"public_id": case.public_id}) not in body
    # Exactly that percorso.
    assert list(Case.objects.visible_to(personas.admin)) == [case]
    assert client.get(detail(other)).status_code == 404


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"code": "ZZZZ-9999", "reason": REASON}, "Nessun percorso ha questo codice."),
        ({"code": "", "reason": REASON}, "Questo campo è obbligatorio."),
        ({"code": "CODE", "reason": "perché sì"}, "Spiega il motivo in almeno 20 caratteri."),
        ({"code": "CODE", "reason": ""}, "Questo campo è obbligatorio."),
    ],
)
def test_a_missing_reason_or_unknown_code_opens_nothing(personas, client, case, data, field_error):
    reauthenticated(client, personas.admin)
    data = {k: (case.code if v == "CODE" else v) for k, v in data.items()}
    response = client.post(URL, data)
    assert response.status_code == 200
    assert field_error in response.content.decode()
    assert not BreakGlassGrant.objects.exists()


def test_no_role_but_the_administrator_may_break_glass(personas, client):
    for user in (personas.operator_a, personas.referent_a, personas.inps_specialist):
        reauthenticated(client, user)
        assert client.post(URL, {"code": "ABCD-2345", "reason": REASON}).status_code == 403
    assert not BreakGlassGrant.objects.exists()


def test_the_page_refuses_other_methods(personas, client):
    reauthenticated(client, personas.admin)
    assert client.put(URL).status_code == 405


def test_the_grant_is_read_only(personas, client, case):
    break_glass_open(actor=personas.admin, code=case.code, reason=REASON)
    client.force_login(personas.admin)
    kwargs = {"public_id": case.public_id}
    assert client.post(reverse("cases:case_note", kwargs=kwargs), {"text": "x"}).status_code == 403
    assert (
        client.post(reverse("cases:case_status", kwargs=kwargs), {"status": "closed"}).status_code
        == 403
    )
    assert client.post(reverse("cases:case_reveal", kwargs=kwargs)).status_code == 403
    assert client.get(reverse("cases:case_identity", kwargs=kwargs)).status_code == 403
    assert CaseNote.objects.filter(case=case).count() == 1
    assert Case.objects.get(pk=case.pk).status == Case.Status.OPEN


def test_every_request_under_the_grant_is_audited_as_break_glass(personas, client, case):
    grant = break_glass_open(actor=personas.admin, code=case.code, reason=REASON)
    client.force_login(personas.admin)
    kwargs = {"public_id": case.public_id}
    client.get(detail(case))
    client.get(detail(case))
    client.post(reverse("cases:case_note", kwargs=kwargs), {"text": "x"})  # refused, still logged
    events = AuditEvent.objects.filter(
        action="cases.case.break_glass_access", actor_id=personas.admin.pk
    )
    assert events.count() == 3
    assert {e.detail["grant"] for e in events} == {str(grant.public_id)}
    assert {e.organisation_id for e in events} == {personas.centre_a.pk}
    assert not AuditEvent.objects.filter(
        action="cases.case.viewed", actor_id=personas.admin.pk
    ).exists()


def test_access_expires(personas, client, case, settings):
    settings.BREAK_GLASS_MINUTES = 30
    break_glass_open(actor=personas.admin, code=case.code, reason=REASON)
    client.force_login(personas.admin)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=29)):
        assert client.get(detail(case)).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31)):
        client.force_login(personas.admin)  # the session would have aged too
        assert client.get(detail(case)).status_code == 404
        assert not Case.objects.visible_to(personas.admin).exists()


def test_the_referent_sees_the_access_on_her_dashboard_and_access_log(personas, client, case):
    break_glass_open(actor=personas.admin, code=case.code, reason=REASON)
    client.force_login(personas.admin)
    client.get(detail(case))

    client.force_login(personas.referent_a)
    dashboard = client.get(reverse("core:dashboard")).content.decode()
    assert "Accessi di emergenza degli amministratori" in dashboard
    assert REASON.replace("'", "&#x27;") in dashboard
    assert "Amy Admin" in dashboard and case.code in dashboard and "in corso fino alle" in dashboard
    log = client.get(reverse("cases:case_access_log", kwargs={"public_id": case.public_id}))
    assert "Accesso di emergenza" in log.content.decode()
    # Another centre's referent and the operator see no such panel content.
    client.force_login(personas.operator_a)
    assert (
        REASON.replace("'", "&#x27;") not in client.get(reverse("core:dashboard")).content.decode()
    )


def test_a_double_click_opens_one_grant(personas, case):
    first = break_glass_open(actor=personas.admin, code=case.code, reason=REASON)
    second = break_glass_open(actor=personas.admin, code=case.code, reason=REASON)
    assert first == second and BreakGlassGrant.objects.count() == 1


def test_every_percorso_page_answers_the_grant_holder_without_error_and_is_logged(
    personas, client, case
):
    from scarpette.core.tests.test_permission_matrix import MATRIX

    break_glass_open(actor=personas.admin, code=case.code, reason=REASON)
    client.force_login(personas.admin)
    names = [n for n, (method, key, _a) in MATRIX.items() if method == "get" and key == "case_id"]
    names += ["cases:case_detail", "cases:case_identity", "cases:case_access_log"]
    for name in names:
        key = "case_id" if MATRIX[name][1] == "case_id" else "public_id"
        before = AuditEvent.objects.filter(action="cases.case.break_glass_access").count()
        response = client.get(reverse(name, kwargs={key: case.public_id}))
        assert response.status_code in {200, 403}, name
        after = AuditEvent.objects.filter(action="cases.case.break_glass_access").count()
        assert after == before + 1, name
