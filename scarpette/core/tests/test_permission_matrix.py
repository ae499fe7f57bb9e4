"""Every URL × every role → the expected answer. A URL missing from the table fails the suite.

Answers: 200 page, 302 redirect (anonymous → login; or a completed POST), 400 invalid form,
403 visible but not allowed, 404 "not yours" or absent, 405 wrong method.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from scarpette.applications.services import application_start
from scarpette.cases.models import Case
from scarpette.cases.services import case_open, consent_record
from scarpette.notifications.models import OutboxMessage
from scarpette.questionnaire.services import form_current, session_complete, session_start
from scarpette.referrals.services import consultation_ask, transmission_send

ROLES = [
    "anonymous",
    "operator_a",
    "referent_a",
    "operator_b",
    "inps_specialist",
    "sportello_officer",
    "tavolo_member",
    "admin",
]
STAFF = ROLES[1:]
CENTRE_A = {"operator_a", "referent_a"}
CENTRE_STAFF = {"operator_a", "referent_a", "operator_b"}


def answers(default: int, anonymous: int = 302, **per_role: int) -> dict[str, int]:
    table = {role: default for role in STAFF}
    table["anonymous"] = anonymous
    table.update(per_role)
    return table


def only(roles: set[str], yes: int, no: int, anonymous: int = 302) -> dict[str, int]:
    return {**{role: (yes if role in roles else no) for role in STAFF}, "anonymous": anonymous}


# Roles with no way to any percorso: refused at the door (403), before any scope applies.
NO_PERCORSO = {"inps_specialist", "sportello_officer", "tavolo_member"}


def percorso(yes: int, reached_by: frozenset[str] = frozenset(), **per_role: int) -> dict[str, int]:
    """A page of centre A's percorso: her centre (and `reached_by`) answer `yes`; another centre
    and an administrator without a grant get the scope's 404; the other roles the door's 403."""
    table = {
        **only(CENTRE_A | set(reached_by), yes, 404),
        **{role: 403 for role in NO_PERCORSO - set(reached_by)},
    }
    table.update(per_role)
    return table


# name -> (method, kwargs key, answers)
MATRIX: dict[str, tuple[str, str | None, dict[str, int]]] = {
    # Platform pages
    "core:dashboard": ("get", None, answers(200)),
    "set_language": ("post", None, answers(302, anonymous=302)),
    # "Continua a lavorare": any signed-in user moves her own idle deadline.
    "core:session_renew": ("post", None, answers(204, anonymous=302)),
    # The load balancer's health check: public, says only "ok".
    "core:health": ("get", None, answers(200, anonymous=200)),
    # Percorsi: centre A's case; centre B and everyone else get 404, never 403
    "cases:case_list": ("get", None, only(CENTRE_STAFF, 200, 403)),
    "cases:case_open": ("get", None, only(CENTRE_STAFF, 200, 403)),
    "cases:centre_access_log": ("get", None, only({"referent_a"}, 200, 403)),
    # Break-glass: administrators only, and only after re-authentication (302 to the prompt).
    "cases:break_glass": ("get", None, only({"admin"}, 302, 403)),
    # Explicit permission first (403 outside the centres), then the scope (404 elsewhere).
    "cases:case_detail": (
        "get",
        "case",
        answers(403, operator_a=200, referent_a=200, operator_b=404, admin=404),
    ),
    "cases:case_identity": ("get", "case", percorso(200)),
    "cases:case_reveal": ("post", "case", percorso(200)),
    "cases:case_status": ("post", "case", percorso(302)),
    "cases:case_assign": ("post", "case", percorso(302)),
    "cases:case_note": ("post", "case", percorso(400)),
    "cases:consent_give": ("post", "case", percorso(302)),
    "cases:consent_withdraw": ("post", "case", percorso(302)),
    "cases:case_access_log": (
        "get",
        "case",
        percorso(200, operator_a=403),
    ),
    # Her right of access: scope (404), permission (403), then a fresh password (302).
    "cases:subject_access": ("get", "case", percorso(302, operator_a=403)),
    # Staff management
    "accounts:centre_staff": ("get", None, only({"referent_a"}, 200, 403)),
    "accounts:account_active": (
        "post",
        "operator_a_user",
        {**only({"referent_a", "admin"}, 302, 403)},
    ),
    "accounts:account_list": ("get", None, only({"admin"}, 200, 403)),
    "accounts:account_create": ("get", None, only({"admin"}, 200, 403)),
    # Re-authentication first asks for the password again (302) even of an administrator.
    "accounts:account_role": ("get", "operator_a_user", only({"admin"}, 302, 403)),
    "accounts:organisation_list": ("get", None, only({"admin"}, 200, 403)),
    "accounts:organisation_create": ("get", None, only({"admin"}, 200, 403)),
    "accounts:organisation_edit": ("get", "centre_a_org", only({"admin"}, 200, 403)),
    # Measures catalogue: reference material for every staff role
    "screening:measure_list": ("get", None, answers(200)),
    "screening:measure_detail": ("get", "measure", answers(200)),
    # Questionnaire (a completed session of centre A)
    "questionnaire:session_start": ("get", "case_id", percorso(200)),
    "questionnaire:session_page": ("get", "session", percorso(302)),
    "questionnaire:session_result": ("get", "session", percorso(200)),
    "questionnaire:session_rerun": ("post", "session", percorso(302)),
    "questionnaire:tablet_code": ("get", "session", percorso(200)),
    "questionnaire:summary_page": ("get", "session", percorso(200)),
    "questionnaire:summary_pdf": ("get", "session", percorso(200)),
    "questionnaire:handback": ("get", None, only(CENTRE_STAFF, 200, 403)),
    "questionnaire:form_versions": ("get", None, only({"admin"}, 200, 403)),
    "questionnaire:form_version_download": ("get", "form_version", only({"admin"}, 200, 403)),
    "questionnaire:form_version_publish": ("post", "form_version", only({"admin"}, 302, 403)),
    # The tablet is public by design: it holds no staff login and shows only the code prompt.
    "questionnaire:tablet": ("get", None, answers(200, anonymous=200)),
    "questionnaire:tablet_pause": ("post", None, answers(204, anonymous=204)),
    "questionnaire:tablet_exit": ("post", None, answers(204, anonymous=204)),
    # Channel to INPS (a transmitted percorso of centre A; a consultation on it)
    # Explicit permission first (403 outside the centres), then the scope (404 elsewhere).
    "referrals:case_inps": (
        "get",
        "case_id",
        answers(403, operator_a=200, referent_a=200, operator_b=404, admin=404),
    ),
    # Permission first (403), then a fresh password (302 to re-authentication).
    "referrals:transmit": ("post", "case_id", only({"referent_a"}, 302, 403)),
    "referrals:answer_info": (
        "post",
        "transmission",
        percorso(302),
    ),
    "referrals:case_consultations": ("get", "case_id", percorso(200)),
    "referrals:consultation_detail": (
        "get",
        "consultation",
        percorso(200, reached_by=frozenset({"inps_specialist"})),
    ),
    "referrals:inbox": ("get", None, only({"inps_specialist"}, 200, 403)),
    "referrals:inbox_detail": ("get", "transmission", only({"inps_specialist"}, 200, 403)),
    "referrals:inbox_step": ("post", "transmission_step", only({"inps_specialist"}, 302, 403)),
    "referrals:inps_consultations": ("get", None, only({"inps_specialist"}, 200, 403)),
    # Applications and outcomes
    # Explicit permission first (403 outside the centres), then the scope (404 elsewhere).
    "applications:application_list": (
        "get",
        "case_id",
        answers(403, operator_a=200, referent_a=200, operator_b=404, admin=404),
    ),
    "applications:application_detail": ("get", "application", percorso(200)),
    # The demo's mailbox page exists only in demo mode (the suite runs in test mode).
    "notifications:demo_mail": ("get", None, answers(404)),
    # Failed and late e-mails: the platform administrator only (a failed message to re-queue).
    "notifications:outbox_problems": ("get", None, only({"admin"}, 200, 403)),
    "notifications:outbox_failed_requeue": ("post", None, only({"admin"}, 302, 403)),
    "notifications:outbox_message_requeue": (
        "post",
        "outbox_message",
        only({"admin"}, 302, 403),
    ),
    # Sign-in pages (allauth). Public ones answer anonymous; signed-in users are sent on.
    "account_login": ("get", None, answers(302, anonymous=200)),
    "account_logout": ("get", None, answers(200, anonymous=302)),
    "account_inactive": ("get", None, answers(200, anonymous=200)),
    "account_signup": ("get", None, answers(302, anonymous=200)),
    "account_reauthenticate": ("get", None, answers(200)),
    "account_email": ("get", None, answers(200)),
    "account_email_verification_sent": ("get", None, answers(200, anonymous=200)),
    "account_change_password": ("get", None, answers(200)),
    "account_set_password": ("get", None, answers(302)),
    "account_reset_password": ("get", None, answers(200, anonymous=200)),
    "account_confirm_login_code": ("get", None, answers(302, anonymous=302)),
    "account_confirm_email": ("get", "email_key", answers(200, anonymous=200)),
    "account_reset_password_from_key_done": ("get", None, answers(200, anonymous=200)),
    "account_reset_password_from_key": ("get", "reset_key", answers(200, anonymous=200)),
    "account_reset_password_done": ("get", None, answers(200, anonymous=200)),
    "mfa_index": ("get", None, answers(200)),
    "mfa_authenticate": ("get", None, answers(302, anonymous=302)),
    "mfa_reauthenticate": ("get", None, answers(200)),
    "mfa_activate_totp": ("get", None, answers(302)),
    "mfa_deactivate_totp": ("get", None, answers(302)),
    # Personas have no recovery codes yet: allauth answers 404 to everyone signed in.
    "mfa_view_recovery_codes": ("get", None, answers(404)),
    "mfa_generate_recovery_codes": ("get", None, answers(302)),
    "mfa_download_recovery_codes": ("get", None, answers(404)),
}


def all_url_names() -> set[str]:
    names: set[str] = set()

    def walk(resolver, namespace: str | None) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                ns = namespace
                if pattern.namespace:
                    ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern, ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver(), None)
    return names


def test_every_url_is_in_the_matrix():
    assert all_url_names() == set(MATRIX), "add new URLs to MATRIX with their expected answers"


def _kwargs(key: str | None, personas, case: Case) -> dict:
    if key == "session":
        session = session_start(
            actor=personas.operator_a, case=case, mode="assisted", language="it"
        )
        session_complete(actor=personas.operator_a, session=session)
        return {"public_id": session.public_id}
    if key in {"transmission", "transmission_step", "consultation"}:
        session = session_start(
            actor=personas.operator_a, case=case, mode="assisted", language="it"
        )
        session_complete(actor=personas.operator_a, session=session)
        for purpose in ("transmission", "consultation"):
            consent_record(actor=personas.operator_a, case=case, purpose=purpose)
        if key == "consultation":
            consultation = consultation_ask(
                actor=personas.operator_a,
                case=case,
                office=personas.inps_office,
                measures=["naspi"],
                text="?",
            )
            return {"public_id": consultation.public_id}
        sent = transmission_send(actor=personas.referent_a, case=case, office=personas.inps_office)
        if key == "transmission_step":
            return {"public_id": sent.public_id, "step": "prendi"}
        return {"public_id": sent.public_id}
    if key == "application":
        return {
            "public_id": application_start(
                actor=personas.operator_a, case=case, measure="naspi"
            ).public_id
        }
    if key == "outbox_message":
        message = OutboxMessage.objects.create(
            key="matrix", template="inps_reply", recipient="x@example.org", status="failed"
        )
        return {"public_id": message.public_id}
    if key == "form_version":
        return {"public_id": form_current().public_id}
    return {
        None: {},
        "case_id": {"case_id": case.public_id},
        "case": {"public_id": case.public_id},
        "operator_a_user": {"public_id": personas.operator_a.public_id},
        "centre_a_org": {"public_id": personas.centre_a.public_id},
        "measure": {"measure_id": "reddito_liberta"},
        "email_key": {"key": "not-a-real-key"},
        "reset_key": {"uidb36": "zz", "key": "not-a-real-key"},
    }[key]


POST_DATA = {
    "cases:case_status": {"status": "suspended"},
    "cases:case_assign": {"assigned": []},
    "cases:consent_give": {"purpose": "statistics"},
    "cases:consent_withdraw": {"purpose": "statistics"},
    "accounts:account_active": {"active": "0"},
    "set_language": {"language": "it", "next": "/"},
}


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_answers_each_role_as_expected(name, personas, client):
    method, key, expected = MATRIX[name]
    case = case_open(actor=personas.operator_a)
    url = reverse(name, kwargs=_kwargs(key, personas, case))
    got = {}
    for role, user in personas.all().items():
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(url) if method == "get" else client.post(url, POST_DATA.get(name, {}))
        got[role] = response.status_code
        if name == "accounts:account_active" and response.status_code == 302:
            personas.operator_a.refresh_from_db()
            personas.operator_a.is_active = True
            personas.operator_a.save()
    assert got == expected, {r: (got[r], expected[r]) for r in got if got[r] != expected[r]}


def test_anonymous_is_sent_to_login(client, personas):
    response = client.get(reverse("cases:case_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", ["cases:case_reveal", "cases:case_status", "cases:case_note"])
def test_post_only_views_refuse_get(name, personas, client):
    case = case_open(actor=personas.operator_a)
    client.force_login(personas.operator_a)
    assert client.get(reverse(name, kwargs={"public_id": case.public_id})).status_code == 405
