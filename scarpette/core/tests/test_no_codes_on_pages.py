"""Words, not codes: no page shows an internal identifier to the people who use it.

On the demo world (the richest data we have), every page of the URL × role matrix that a role
reaches (200) is rendered, and its visible text (text nodes, no tags, attributes, scripts or
styles) must not contain: a fact id of the screening contract, an audit action code, a measure
id, an enum value of the models' choices (the snake_case ones: single words like "open" are
words), a commit hash (the rules version) or "0,0 ore".

Titles stay in the browser's history: no page <title> names violence.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.urls import reverse

from scarpette.accounts.models import Organisation, User
from scarpette.applications.models import Application
from scarpette.applications.services import application_start, application_update
from scarpette.audit.actions import known
from scarpette.cases.models import Consent
from scarpette.cases.services import case_update_identity, consent_record
from scarpette.core.tests.test_permission_matrix import MATRIX
from scarpette.demo.data import DEMO_PASSWORD
from scarpette.notifications.models import OutboxMessage
from scarpette.questionnaire.models import QuestionnaireSession
from scarpette.questionnaire.services import form_current
from scarpette.referrals.models import Transmission
from scarpette.referrals.services import (
    consultation_ask,
    consultation_reply,
    transmission_record_advice,
    transmission_request_info,
)
from scarpette.screening.facts import CHILD_FIELDS, FACTS, MEASURE_IDS
from scarpette.screening.vocabulary import Need, ResultStatus

# The matrix's roles, as the demo's accounts.
DEMO_ROLES = {
    "operator_a": "operatrice.a@demo.invalid",
    "referent_a": "referente.a@demo.invalid",
    "operator_b": "operatrice.b@demo.invalid",
    "inps_specialist": "consulente@demo.invalid",
    "sportello_officer": "sportello@demo.invalid",
    "tavolo_member": "tavolo@demo.invalid",
    "admin": "admin@demo.invalid",
}

# Pages whose body is not a page of words (a file).
NOT_HTML = {
    "questionnaire:summary_pdf",
    "questionnaire:form_version_download",
    "core:health",
    "cases:centre_access_log_csv",
}

# Pages the demo answers differently from the matrix's personas, with the reason.
DEMO_DIFFERS = {
    "mfa_reauthenticate": "the demo signs in without two-factor: nothing to re-authenticate with",
}

# True false positives only, each with its reason: (code, why it is not a code on that page).
ALLOWED: dict[str, str] = {}


def _snake(values) -> set[str]:
    return {value for value in values if "_" in value}


def _enum_values() -> set[str]:
    values: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("scarpette."):
            continue
        for attr in vars(model).values():
            if isinstance(attr, type) and issubclass(attr, models.TextChoices):
                values |= set(attr.values)
    # The screening's own vocabulary (not a model's): results and needs.
    values |= set(ResultStatus.values) | set(Need.values)
    return _snake(values)


def forbidden_codes() -> set[str]:
    return (
        _snake(FACTS)
        | _snake(CHILD_FIELDS)
        | _snake(MEASURE_IDS)
        | _snake(known())
        # an audit action without an underscore is still a code: "case.open"
        | {action for action in known() if "." in action}
        | _enum_values()
    ) - set(ALLOWED)


HASH = re.compile(
    r"(?<![0-9A-Za-z])(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{7,40}(?![0-9A-Za-z])"
)


class _Text(HTMLParser):
    """The visible text of a page: its text nodes, without <script>, <style> or <template>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0
        self.title: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        if tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title.append(data)
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def page_title(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.title)


def codes_in(text: str, forbidden: set[str]) -> list[str]:
    found = []
    for code in sorted(forbidden):
        if re.search(rf"(?<![\w.]){re.escape(code)}(?![\w])", text):
            found.append(code)
    found += [f"hash {match}" for match in HASH.findall(text)]
    if "0,0 ore" in text:
        found.append("0,0 ore")
    return found


@pytest.fixture
def demo_world(db, settings):
    """The demo, plus what it lacks: a consultation answered, an application decided, a
    transmission where INPS asked for more and advised."""
    settings.MFA_REQUIRED = False
    settings.IS_DEMO = True
    call_command("load_demo")
    users = {role: User.objects.get(email=email) for role, email in DEMO_ROLES.items()}
    transmission = Transmission.objects.filter(case__centre__name="Centro Aurora (demo)").first()
    case = transmission.case
    office = Organisation.objects.get(kind=Organisation.Kind.INPS)
    specialist = users["inps_specialist"]
    case_update_identity(
        actor=users["operator_a"],
        case=case,
        data={"full_name": "Maria Esempio", "safe_channels": "through_centre,phone_call"},
    )
    transmission_request_info(actor=specialist, transmission=transmission, text="Il suo ISEE?")
    transmission_record_advice(
        actor=specialist, transmission=transmission, measure="assegno_unico", text="Conviene."
    )
    consent_record(actor=users["operator_a"], case=case, purpose=Consent.Purpose.CONSULTATION)
    consultation = consultation_ask(
        actor=users["operator_a"],
        case=case,
        office=office,
        measures=["naspi", "assegno_unico"],
        text="Le spetta?",
    )
    consultation_reply(actor=specialist, consultation=consultation, text="Sì.")
    application = application_start(actor=users["operator_a"], case=case, measure="assegno_unico")
    application_update(
        actor=users["operator_a"],
        application=application,
        data={"status": Application.Status.DOCUMENTS_READY},
    )
    message = OutboxMessage.objects.create(
        key="words", template="inps_reply", recipient="x@example.org", status="failed"
    )
    session = QuestionnaireSession.objects.filter(case=case).first()
    return {
        "users": users,
        "case": case,
        "session": session,
        "transmission": transmission,
        "consultation": consultation,
        "application": application,
        "message": message,
    }


def demo_kwargs(key: str | None, world: dict) -> list[dict]:
    """The demo's objects for a URL key: every measure for the measure page."""
    if key == "measure":
        return [{"measure_id": measure} for measure in MEASURE_IDS]
    if key == "transmission_step":
        return []
    return [
        {
            None: {},
            "case_id": {"case_id": world["case"].public_id},
            "case": {"public_id": world["case"].public_id},
            "session": {"public_id": world["session"].public_id},
            "transmission": {"public_id": world["transmission"].public_id},
            "consultation": {"public_id": world["consultation"].public_id},
            "application": {"public_id": world["application"].public_id},
            "outbox_message": {"public_id": world["message"].public_id},
            "form_version": {"public_id": form_current().public_id},
            "operator_a_user": {"public_id": world["users"]["operator_a"].public_id},
            "centre_a_org": {"public_id": world["case"].centre.public_id},
            "notice": {"version": "2026-01"},
            "email_key": {"key": "not-a-real-key"},
            "reset_key": {"uidb36": "zz", "key": "not-a-real-key"},
        }[key]
    ]


def _pages_for(role: str) -> list[str]:
    return sorted(
        name
        for name, (method, _key, expected) in MATRIX.items()
        if method == "get"
        and expected[role] == 200
        and name not in NOT_HTML
        and name not in DEMO_DIFFERS
    )


@pytest.mark.parametrize("role", ["anonymous", *sorted(DEMO_ROLES)])
def test_no_page_shows_an_internal_code(role, demo_world, client):
    if role != "anonymous":
        client.force_login(demo_world["users"][role])
    forbidden = forbidden_codes()
    problems = []
    seen = 0
    for name in _pages_for(role):
        _method, key, _expected = MATRIX[name]
        for kwargs in demo_kwargs(key, demo_world):
            url = reverse(name, kwargs=kwargs)
            response = client.get(url)
            if response.status_code != 200:
                problems.append(f"{url} ({name}): {response.status_code}, not 200")
                continue
            seen += 1
            found = codes_in(visible_text(response.content.decode()), forbidden)
            if found:
                problems.append(f"{url} ({name}): {', '.join(found)}")
            # Titles stay in the browser's history: none names violence, on any page.
            title = page_title(response.content.decode()).lower()
            if any(word in title for word in VIOLENCE):
                problems.append(f"{url} ({name}): title «{title}»")
    assert seen
    assert not problems, "\n".join(problems)


def test_her_revealed_identity_shows_her_channels_in_words(demo_world, client):
    client.force_login(demo_world["users"]["referent_a"])
    url = reverse("cases:case_reveal", kwargs={"public_id": demo_world["case"].public_id})
    response = client.post(url)
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert "Maria Esempio" in text
    assert "Solo tramite il centro" in text
    assert codes_in(text, forbidden_codes()) == []


def test_her_right_of_access_document_is_in_words(demo_world, client):
    client.force_login(demo_world["users"]["referent_a"])
    client.post(reverse("account_reauthenticate"), {"password": DEMO_PASSWORD})
    url = reverse("cases:subject_access", kwargs={"public_id": demo_world["case"].public_id})
    response = client.get(url)
    assert response.status_code == 200
    found = codes_in(visible_text(response.content.decode()), forbidden_codes())
    assert found == []


def test_the_finder_finds_codes():
    forbidden = forbidden_codes()
    html = (
        "<p>urgent_need_attested through_centre naspi</p><script>assegno_unico</script>"
        '<span title="to_prepare">abc1234def</span><p>0,0 ore</p>'
    )
    assert codes_in(visible_text(html), forbidden) == [
        "through_centre",
        "urgent_need_attested",
        "hash abc1234def",
        "0,0 ore",
    ]
    assert codes_in(visible_text("<p>NASpI, Assegno Unico, 2026</p>"), forbidden) == []
    assert {"through_centre", "not_eligible", "info_requested", "to_prepare"} <= forbidden
    assert {"cases.identity.revealed", "urgent_need_attested", "assegno_unico"} <= forbidden


VIOLENCE = ("violen", "antiviolenza", "vittima", "maltratt", "abus", "stalking")


def test_no_title_names_violence(demo_world, client):
    client.force_login(demo_world["users"]["operator_a"])
    urls = [reverse("screening:measure_list")]
    urls += [
        reverse("screening:measure_detail", kwargs={"measure_id": measure})
        for measure in MEASURE_IDS
    ]
    case = demo_world["case"]
    for measure in MEASURE_IDS:
        application = application_start(
            actor=demo_world["users"]["operator_a"], case=case, measure=measure
        )
        urls.append(
            reverse("applications:application_detail", kwargs={"public_id": application.public_id})
        )
    urls.append(reverse("applications:application_list", kwargs={"case_id": case.public_id}))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        title = page_title(response.content.decode()).lower()
        assert title.strip(), url
        assert not any(word in title for word in VIOLENCE), (url, title)


def test_response_times_read_as_words():
    from datetime import timedelta

    from scarpette.core.templatetags.core_tags import duration_words

    assert duration_words(timedelta(minutes=2)) == "meno di un'ora"
    assert duration_words(timedelta(hours=1)) == "1 ora"
    assert duration_words(timedelta(hours=2, minutes=30)) == "2,5 ore"
    assert duration_words(timedelta(hours=26)) == "26 ore"
