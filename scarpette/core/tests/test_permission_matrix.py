"""Every URL × every role → the expected answer. A URL missing from the table fails the suite.

Answers: 200 page, 302 redirect (anonymous → login; or a completed POST), 400 invalid form,
403 visible but not allowed, 404 "not yours" or absent, 405 wrong method.

The tables: MATRIX (each URL with its own method) and REDIRECTS (where each of its 302s leads);
POSTS (the POST side of every page served by GET) with POST_REDIRECTS; GETS (the GET side of every
URL asked by POST) with GET_REDIRECTS. Each cell (URL, role) is its own test, on objects made for
it alone, so no answer depends on an earlier request. A refused request writes nothing but its
audit event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from scarpette.applications.services import application_start
from scarpette.cases.models import Case
from scarpette.cases.services import case_open, consent_record
from scarpette.core.testing import keyed
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
    # The footer's notices (accessibility, privacy, legal): the same text for everyone.
    "core:accessibility": ("get", None, answers(200, anonymous=200)),
    "core:privacy": ("get", None, answers(200, anonymous=200)),
    "core:legal": ("get", None, answers(200, anonymous=200)),
    # Percorsi: centre A's case; centre B and everyone else get 404, never 403
    "cases:case_list": ("get", None, only(CENTRE_STAFF, 200, 403)),
    "cases:case_open": ("get", None, only(CENTRE_STAFF, 200, 403)),
    "cases:centre_access_log": ("get", None, only({"referent_a"}, 200, 403)),
    # The filtered log as CSV (an audited export): the referent only.
    "cases:centre_access_log_csv": ("get", None, only({"referent_a"}, 200, 403)),
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
    # Withdrawal asks first (a page saying what it implies); confirm=1 withdraws.
    "cases:consent_withdraw": ("post", "case", percorso(200)),
    "cases:consent_form": ("get", "case", percorso(200)),
    # The information notice of a version: text for the centres (and break-glass readers).
    "cases:notice": ("get", "notice", only(CENTRE_STAFF | {"admin"}, 200, 403)),
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
    "questionnaire:summary_preview": ("get", "session", percorso(200)),
    "questionnaire:handback": ("get", None, only(CENTRE_STAFF, 200, 403)),
    "questionnaire:form_versions": ("get", None, only({"admin"}, 200, 403)),
    "questionnaire:form_version_download": ("get", "form_version", only({"admin"}, 200, 403)),
    "questionnaire:form_version_preview": ("get", "form_version", only({"admin"}, 200, 403)),
    "questionnaire:form_version_diff": ("get", "form_version", only({"admin"}, 200, 403)),
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
        "notice": {"version": "2026-01"},
        "measure": {"measure_id": "reddito_liberta"},
        "email_key": {"key": "not-a-real-key"},
        "reset_key": {"uidb36": "zz", "key": "not-a-real-key"},
    }[key]


# --- Where each redirect goes ---------------------------------------------------------------------


@dataclass(frozen=True)
class To:
    """Where a 302 leads: the URL name its Location resolves to, and whether it carries
    ?next=<the URL asked for> (so that the user comes back where she was going)."""

    name: str
    next: bool = False


LOGIN = To("account_login", next=True)  # sign in first, then back here
LOGIN_PAGE = To("account_login")  # the sign-in page itself (nothing to come back to)
REAUTH = To("account_reauthenticate", next=True)  # the password again, then back here
DASHBOARD = To("core:dashboard")
PERCORSO = To("cases:case_detail")


def goes(default: To | None = None, anonymous: To = LOGIN, **per_role: To) -> dict[str, To]:
    """The destination of every 302 of a row: `default` for staff, `anonymous` for her."""
    table = {role: default for role in STAFF if default is not None}
    table["anonymous"] = anonymous
    table.update(per_role)
    return table


# name -> role -> destination, for every 302 of MATRIX (an anonymous 302 goes to LOGIN unless
# said otherwise here). A 302 without a destination fails the test.
REDIRECTS: dict[str, dict[str, To]] = {
    "set_language": goes(DASHBOARD, anonymous=DASHBOARD),  # back to its "next" (here "/")
    "cases:break_glass": goes(admin=REAUTH),
    "cases:subject_access": goes(referent_a=REAUTH),
    "cases:case_status": goes(PERCORSO),
    "cases:case_assign": goes(PERCORSO),
    "cases:consent_give": goes(PERCORSO),
    "accounts:account_active": goes(
        referent_a=To("accounts:centre_staff"), admin=To("accounts:account_list")
    ),
    "accounts:account_role": goes(admin=REAUTH),
    "questionnaire:session_page": goes(To("questionnaire:session_result")),
    "questionnaire:session_rerun": goes(To("questionnaire:session_result")),
    "questionnaire:form_version_publish": goes(admin=To("questionnaire:form_versions")),
    "referrals:transmit": goes(referent_a=REAUTH),
    "referrals:answer_info": goes(To("referrals:case_inps")),
    "referrals:inbox_step": goes(inps_specialist=To("referrals:inbox_detail")),
    "notifications:outbox_failed_requeue": goes(admin=To("notifications:outbox_problems")),
    "notifications:outbox_message_requeue": goes(admin=To("notifications:outbox_problems")),
    # Signed-in users are sent on from the pages of signing in.
    "account_login": goes(DASHBOARD),
    "account_signup": goes(DASHBOARD),
    "account_logout": goes(anonymous=LOGIN_PAGE),
    "account_set_password": goes(To("account_change_password")),
    "account_confirm_login_code": goes(DASHBOARD, anonymous=LOGIN_PAGE),
    "mfa_authenticate": goes(DASHBOARD, anonymous=LOGIN_PAGE),
    "mfa_activate_totp": goes(To("mfa_index")),
    "mfa_deactivate_totp": goes(REAUTH),
    "mfa_generate_recovery_codes": goes(REAUTH),
}

# --- The POST side of every page served by GET ----------------------------------------------------
# name -> role -> answer to a POST carrying only its idempotency key (a form left empty). Forms
# answer 200 (the form again, with its errors), 400 (the same, said in the status) or 302; roles
# that may not use the form are refused (403/404, anonymous to the login) and nothing is written.
# Pages that take no POST answer 405.
POSTS: dict[str, dict[str, int]] = {
    "core:dashboard": answers(405),
    "core:health": answers(405, anonymous=405),
    "core:accessibility": answers(405, anonymous=405),
    "core:privacy": answers(405, anonymous=405),
    "core:legal": answers(405, anonymous=405),
    "cases:case_list": answers(405),
    "cases:case_open": only(CENTRE_STAFF, 200, 403),
    "cases:centre_access_log": answers(405),
    "cases:centre_access_log_csv": answers(405),
    "cases:break_glass": only({"admin"}, 302, 403),
    "cases:case_detail": answers(405),
    "cases:case_identity": percorso(200),
    "cases:case_access_log": answers(405),
    "cases:consent_form": answers(405),
    "cases:notice": answers(405),
    "cases:subject_access": answers(405),
    "accounts:centre_staff": only({"referent_a"}, 200, 403),
    "accounts:account_list": answers(405),
    "accounts:account_create": only({"admin"}, 200, 403),
    "accounts:account_role": only({"admin"}, 302, 403),
    "accounts:organisation_list": answers(405),
    "accounts:organisation_create": only({"admin"}, 200, 403),
    "accounts:organisation_edit": only({"admin"}, 200, 403),
    "screening:measure_list": answers(405),
    "screening:measure_detail": answers(405),
    "questionnaire:session_start": percorso(200),
    # A completed session has no page left to answer: the POST is sent to the result too.
    "questionnaire:session_page": percorso(302),
    "questionnaire:session_result": answers(405),
    "questionnaire:tablet_code": percorso(200),
    "questionnaire:summary_page": answers(405),
    "questionnaire:summary_pdf": answers(405),
    "questionnaire:summary_preview": answers(405),
    "questionnaire:handback": only(CENTRE_STAFF, 200, 403),
    "questionnaire:form_versions": only({"admin"}, 200, 403),
    # Permission first: the refused roles learn nothing about which methods exist.
    "questionnaire:form_version_download": only({"admin"}, 405, 403),
    "questionnaire:form_version_preview": only({"admin"}, 405, 403),
    "questionnaire:form_version_diff": only({"admin"}, 405, 403),
    "questionnaire:tablet": answers(200, anonymous=200),
    "referrals:case_inps": answers(405),
    "referrals:case_consultations": percorso(200),
    "referrals:consultation_detail": percorso(400, reached_by=frozenset({"inps_specialist"})),
    "referrals:inbox": answers(405),
    "referrals:inbox_detail": answers(405),
    "referrals:inps_consultations": answers(405),
    "applications:application_list": answers(
        403, operator_a=400, referent_a=400, operator_b=404, admin=404
    ),
    "applications:application_detail": percorso(400),
    "notifications:demo_mail": answers(405),
    "notifications:outbox_problems": only({"admin"}, 405, 403),
    "account_login": answers(302, anonymous=200),
    "account_logout": answers(302, anonymous=302),
    "account_inactive": answers(405, anonymous=405),
    "account_signup": answers(302, anonymous=200),
    "account_reauthenticate": answers(200),
    "account_email": answers(302),
    "account_email_verification_sent": answers(405, anonymous=405),
    "account_change_password": answers(200),
    "account_set_password": answers(302),
    "account_reset_password": answers(200, anonymous=200),
    "account_confirm_login_code": answers(302, anonymous=302),
    # No such key: the confirmation is not found, whoever asks.
    "account_confirm_email": answers(404, anonymous=404),
    "account_reset_password_from_key_done": answers(405, anonymous=405),
    "account_reset_password_from_key": answers(200, anonymous=200),
    "account_reset_password_done": answers(405, anonymous=405),
    "mfa_index": answers(405),
    "mfa_authenticate": answers(302, anonymous=302),
    "mfa_reauthenticate": answers(200),
    "mfa_activate_totp": answers(302),
    "mfa_deactivate_totp": answers(302),
    "mfa_view_recovery_codes": answers(405),
    "mfa_generate_recovery_codes": answers(302),
    "mfa_download_recovery_codes": answers(404),
}

# The 200 and 400 answers above show the form again with its errors and write nothing, except:
NOT_THE_FORM_AGAIN = {
    "questionnaire:tablet": "the code prompt with its own error line (no Django form)",
    "questionnaire:tablet_code": "a button, no fields: a completed session gets a message",
    "applications:application_list": "the start form is rendered by the list's own context",
    "account_signup": "sign-up is closed: the page says so",
}

# name -> role -> destination, for every 302 of POSTS (anonymous: LOGIN unless said here).
POST_REDIRECTS: dict[str, dict[str, To]] = {
    "cases:break_glass": goes(admin=REAUTH),
    "accounts:account_role": goes(admin=REAUTH),
    "questionnaire:session_page": goes(To("questionnaire:session_result")),
    "account_login": goes(DASHBOARD),
    "account_signup": goes(DASHBOARD),
    "account_logout": goes(LOGIN_PAGE, anonymous=LOGIN_PAGE),
    "account_email": goes(To("account_email")),
    "account_set_password": goes(To("account_change_password")),
    "account_confirm_login_code": goes(DASHBOARD, anonymous=LOGIN_PAGE),
    "mfa_authenticate": goes(DASHBOARD, anonymous=LOGIN_PAGE),
    "mfa_activate_totp": goes(To("mfa_index")),
    "mfa_deactivate_totp": goes(REAUTH),
    "mfa_generate_recovery_codes": goes(REAUTH),
}

# The GET side of every URL that MATRIX asks by POST: a GET changes nothing, it is refused.
GETS: dict[str, dict[str, int]] = {
    "set_language": answers(302, anonymous=302),  # back where she was, language unchanged
    "core:session_renew": answers(405),
    "cases:case_reveal": answers(405),
    "cases:case_status": answers(405),
    "cases:case_assign": answers(405),
    "cases:case_note": answers(405),
    "cases:consent_give": answers(405),
    "cases:consent_withdraw": answers(405),
    "accounts:account_active": answers(405),
    "questionnaire:session_rerun": answers(405),
    "questionnaire:form_version_publish": only({"admin"}, 405, 403),
    "questionnaire:tablet_pause": answers(405, anonymous=405),
    "questionnaire:tablet_exit": answers(405, anonymous=405),
    # The password again first, as for the POST.
    "referrals:transmit": only({"referent_a"}, 302, 403),
    "referrals:answer_info": answers(405),
    "referrals:inbox_step": answers(405),
    "notifications:outbox_failed_requeue": only({"admin"}, 405, 403),
    "notifications:outbox_message_requeue": only({"admin"}, 405, 403),
}
GET_REDIRECTS: dict[str, dict[str, To]] = {
    "set_language": goes(DASHBOARD, anonymous=DASHBOARD),
    "referrals:transmit": goes(referent_a=REAUTH),
}

POST_DATA = {
    "cases:case_status": {"status": "suspended"},
    "cases:case_assign": {"assigned": []},
    "cases:consent_give": {"purpose": "statistics"},
    "cases:consent_withdraw": {"purpose": "statistics"},
    "accounts:account_active": {"active": "0"},
    "set_language": {"language": "it", "next": "/"},
}

# A refused request may still write its audit event (403s are audited) and the session.
MAY_WRITE_WHEN_REFUSED = {"audit_auditevent", "audit_auditchainhead", "django_session"}
WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def written_tables(queries) -> set[str]:
    return {
        match.group(2).lower() for query in queries if (match := WRITE.match(query["sql"]))
    } - MAY_WRITE_WHEN_REFUSED


def _cells(table: dict[str, dict[str, int]]) -> list[tuple[str, str]]:
    return [(name, role) for name in sorted(table) for role in ROLES]


def _ask(name, key, method, role, data, personas, client):
    """One request of one role on objects made for it alone (a fresh percorso, session,
    transmission...): no earlier request of the table can change this answer."""
    case = case_open(actor=personas.operator_a)
    kwargs = _kwargs(key, personas, case)
    url = reverse(name, kwargs=kwargs)
    user = personas.all()[role]
    if user is not None:
        client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url) if method == "get" else client.post(url, data)
    if response.status_code == 302:
        # A redirect stays on the objects of the request: its percorso, its session...
        ours = {str(case.public_id), *(str(value) for value in kwargs.values())}
        target = resolve(urlsplit(response["Location"]).path)
        assert {str(value) for value in target.kwargs.values()} <= ours, response["Location"]
    return url, response, written_tables(queries.captured_queries)


def _check_destination(response, url: str, to: To | None, where: str) -> None:
    assert to is not None, f"{where}: a 302 without its destination in the table"
    location = urlsplit(response["Location"])
    assert resolve(location.path).view_name == to.name, (where, response["Location"])
    if to.next:
        assert parse_qs(location.query).get("next") == [url], (where, response["Location"])


def _refused(role: str, status: int, to: To | None) -> bool:
    sent_to_sign_in = status == 302 and role == "anonymous" and to in (LOGIN, LOGIN_PAGE)
    return status in (403, 404) or sent_to_sign_in


def _destination(table: dict[str, dict[str, To]], name: str, role: str) -> To | None:
    if role == "anonymous":
        return table.get(name, {}).get(role, LOGIN)
    return table.get(name, {}).get(role)


@pytest.mark.parametrize(("name", "role"), _cells(MATRIX))
def test_url_answers_each_role_as_expected(name, role, personas, client):
    method, key, expected = MATRIX[name]
    data = POST_DATA.get(name, {})
    url, response, written = _ask(name, key, method, role, data, personas, client)
    assert response.status_code == expected[role]
    to = _destination(REDIRECTS, name, role)
    if response.status_code == 302:
        _check_destination(response, url, to, f"{method.upper()} {name} as {role}")
    if method == "post" and _refused(role, response.status_code, to):
        assert written == set(), f"a refused POST wrote {written}"


@pytest.mark.parametrize(("name", "role"), _cells(POSTS))
def test_a_page_served_by_get_answers_a_post_as_expected(name, role, personas, client):
    _method, key, _answers = MATRIX[name]
    url, response, written = _ask(name, key, "post", role, keyed(), personas, client)
    assert response.status_code == POSTS[name][role]
    to = _destination(POST_REDIRECTS, name, role)
    if response.status_code == 302:
        _check_destination(response, url, to, f"POST {name} as {role}")
    if _refused(role, response.status_code, to) or response.status_code == 405:
        assert written == set(), f"a refused POST wrote {written}"
    if response.status_code in (200, 400) and name not in NOT_THE_FORM_AGAIN:
        # What she sees: the form she sent, with what is wrong in it; nothing was saved.
        form = response.context["form"]
        assert form.is_bound and form.errors, "an empty form was not refused"
        # The sign-in forms count the attempt in the throttling cache (a table, not a model).
        assert written - {"scarpette_cache"} == set(), f"an invalid form wrote {written}"


def test_every_page_served_by_get_has_its_post_row():
    # A new page (or a page that starts taking a form) must say who may POST to it.
    served_by_get = {name for name, (method, _key, _answers) in MATRIX.items() if method == "get"}
    assert set(POSTS) == served_by_get
    for name, table in POSTS.items():
        assert set(table) == set(ROLES), name


def test_every_destination_is_of_a_known_row():
    assert set(REDIRECTS) <= set(MATRIX)
    assert set(POST_REDIRECTS) <= set(POSTS)
    assert set(GET_REDIRECTS) <= set(GETS)


def test_anonymous_is_sent_to_login(client, personas):
    response = client.get(reverse("cases:case_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(("name", "role"), _cells(GETS))
def test_a_url_taking_posts_answers_a_get_as_expected(name, role, personas, client):
    _method, key, _answers = MATRIX[name]
    url, response, written = _ask(name, key, "get", role, {}, personas, client)
    assert response.status_code == GETS[name][role]
    if response.status_code == 302:
        _check_destination(response, url, _destination(GET_REDIRECTS, name, role), f"GET {name}")
    assert written == set(), f"a GET wrote {written}"


def test_every_url_taking_posts_has_its_get_row():
    taking_posts = {name for name, (method, _key, _answers) in MATRIX.items() if method == "post"}
    assert set(GETS) == taking_posts
    for name, table in GETS.items():
        assert set(table) == set(ROLES), name
