"""Malformed input on every form and every list page: never a 500, never a change to saved data.

A crawler, not a hand-kept list: every GET page of the permission matrix is opened as each role
that may see it (plus the questionnaire's pages in assisted and tablet mode), every
<form method="post"> on it is parsed with the standard library's html.parser, and the form is
posted again and again with one field at a time replaced by a malformed value (over-long numbers,
NUL bytes, invalid UTF-8, encoded surrogates, impossible dates, arrays, missing fields...), plus
whole-form variants (nothing, extra fields, too many fields). Every <form method="get"> and list
page gets the same values in its query parameters.

Each request runs inside a savepoint that is rolled back afterwards, so every request meets the
same saved data and the run is reproducible. After a refused request (status >= 400, an error
message, or a form shown again with errors) the domain tables must be byte-for-byte what they were
(audit rows and sessions excepted: a refused request is audited and may touch the session).

Run with `-s` to see the summary line: forms × inputs and the number of 500s.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote_from_bytes, urljoin, urlsplit

import pytest
from django.apps import apps
from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from scarpette.accounts.testing import PASSWORD
from scarpette.applications.services import application_start
from scarpette.cases.services import case_open, consent_record
from scarpette.core.tests.test_permission_matrix import MATRIX
from scarpette.questionnaire.models import QuestionnaireSession
from scarpette.questionnaire.services import (
    form_current,
    session_complete,
    session_start,
    tablet_code_issue,
)
from scarpette.referrals.services import consultation_ask, transmission_send

# The coverage must not shrink silently: raise these when forms are added, never lower them.
MIN_POST_FORMS = 57
MIN_GET_PAGES = 47

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
MISSING = object()  # the field is left out of the request

# label -> raw bytes sent as the field's value (or MISSING, or a list: the key repeated)
VALUES: dict[str, object] = {
    "5000 digits": b"9" * 5000,
    "-5000 digits": b"-" + b"9" * 5000,
    "20 digits": b"99999999999999999999",
    "negative": b"-1",
    "1e999": b"1e999",
    "nan": b"NaN",
    "decimal": b"1,5",
    "superscript digits": "²³".encode(),
    "arabic digits": "١٢".encode(),
    "NUL": b"\x00",
    "NUL inside": b"ab\x00cd",
    "invalid UTF-8": b"\xff\xfe\xfd",
    "surrogate": b"\xed\xa0\x80",
    "long text": b"x" * 10_001,
    "markup": b"'\"><script>alert(1)</script>",
    "30 February": b"2026-02-30",
    "year 99999": b"99999-01-01",
    "nil UUID": b"00000000-0000-0000-0000-000000000000",
    "empty": b"",
    "missing": MISSING,
    "array": [b"1", b"\x00", b"9" * 5000],
}
# Posted into each field in turn (the whole corpus goes into every field at once, below).
PER_FIELD = ["5000 digits", "NUL inside", "invalid UTF-8", "missing"]
# Put into every query parameter of every page at once (each value into each parameter in turn on
# the pages that have a search or filter form).
IN_QUERY = ["5000 digits", "1e999", "negative", "NUL inside", "invalid UTF-8", "surrogate", "array"]
QUERY_KEYS = ["page", "q", "stato", "mie", "status", "mine", "pagina", "next"]
EXTRA_FIELDS = {
    "centre": b"1",
    "organisation": b"1",
    "status": b"closed",
    "is_transmitted": b"1",
    "owner": b"1",
    "public_id": b"00000000-0000-0000-0000-000000000000",
}


# --- Parsing forms out of a page ---------------------------------------------------------------


@dataclass
class ParsedForm:
    method: str
    action: str
    enctype: str
    fields: list[tuple[str, str, str, bool]] = field(default_factory=list)  # name, type, value, on
    buttons: list[tuple[str, str]] = field(default_factory=list)


class FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[ParsedForm] = []
        self._form: ParsedForm | None = None
        self._select: tuple[str, bool, list[tuple[str, bool]]] | None = None
        self._textarea: list[str] | None = None
        self._textarea_name = ""

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = ParsedForm(
                method=a.get("method", "get").lower(),
                action=a.get("action", ""),
                enctype=a.get("enctype", ""),
            )
            return
        if self._form is None or not a.get("name") and tag != "option":
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"submit", "image", "button"}:
                self._form.buttons.append((a["name"], a.get("value", "")))
            elif kind in {"checkbox", "radio"}:
                self._form.fields.append((a["name"], kind, a.get("value", "on"), "checked" in a))
            else:
                self._form.fields.append((a["name"], kind, a.get("value", ""), True))
        elif tag == "button" and a.get("type", "submit").lower() == "submit":
            self._form.buttons.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = (a["name"], "multiple" in a, [])
        elif tag == "option" and self._select is not None:
            self._select[2].append((a.get("value", ""), "selected" in a))
        elif tag == "textarea":
            self._textarea, self._textarea_name = [], a["name"]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.append(data)

    def handle_endtag(self, tag):
        if self._form is None:
            return
        if tag == "form":
            self.forms.append(self._form)
            self._form = None
        elif tag == "select" and self._select is not None:
            name, multiple, options = self._select
            chosen = [v for v, on in options if on] or ([options[0][0]] if options else [])
            for value in chosen if multiple else chosen[:1]:
                self._form.fields.append((name, "select", value, True))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._form.fields.append(
                (self._textarea_name, "textarea", "".join(self._textarea), True)
            )
            self._textarea = None


def baseline(form: ParsedForm) -> list[tuple[str, bytes]]:
    """What a browser would send for the form as shown, with its main submit button."""
    data = [(n, v.encode()) for n, kind, v, on in form.fields if on and kind != "file"]
    if form.buttons:
        name, value = next((b for b in form.buttons if b[1] == "next"), form.buttons[0])
        data.append((name, value.encode()))
    return data


def body(pairs: list[tuple[str, bytes]]) -> bytes:
    return b"&".join(
        quote_from_bytes(k.encode() if isinstance(k, str) else k, safe=b"").encode()
        + b"="
        + quote_from_bytes(v, safe=b"").encode()
        for k, v in pairs
    )


def replaced(pairs: list[tuple[str, bytes]], name: str, value: object) -> list[tuple[str, bytes]]:
    kept = [(k, v) for k, v in pairs if k != name]
    if value is MISSING:
        return kept
    if isinstance(value, list):
        return kept + [(name, v) for v in value]
    return kept + [(name, value)]  # type: ignore[list-item]


# --- Saved data --------------------------------------------------------------------------------


def domain_tables() -> list[str]:
    tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in {"audit", "sessions"}
        # Throttling counters: every tablet-code attempt counts, refused or not (on purpose).
        and model._meta.label != "questionnaire.TabletCodeAttempts"
        and model._meta.managed
        and not model._meta.proxy
    }
    return sorted(tables)


def checksum(tables: list[str]) -> str:
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows = sorted(repr(row) for row in cursor.fetchall())
            digest.update(f"{table}:{len(rows)}\n".encode())
            for row in rows:
                digest.update(row.encode())
    return digest.hexdigest()


# --- The world the crawler walks ---------------------------------------------------------------


@dataclass
class Target:
    role: str
    url: str
    setup: Callable[[], None] = lambda: None


@dataclass
class Found:
    role: str
    page: str
    form: ParsedForm
    setup: Callable[[], None]


def build_world(personas):
    case = case_open(actor=personas.operator_a)
    for purpose in ("transmission", "consultation", "statistics"):
        consent_record(actor=personas.operator_a, case=case, purpose=purpose)
    done = session_start(actor=personas.operator_a, case=case, mode="assisted", language="it")
    session_complete(actor=personas.operator_a, session=done)
    sent = transmission_send(actor=personas.referent_a, case=case, office=personas.inps_office)
    consultation = consultation_ask(
        actor=personas.operator_a,
        case=case,
        office=personas.inps_office,
        measures=["naspi"],
        text="?",
    )
    application = application_start(actor=personas.operator_a, case=case, measure="naspi")
    kwargs = {
        None: {},
        "case_id": {"case_id": case.public_id},
        "case": {"public_id": case.public_id},
        "session": {"public_id": done.public_id},
        "transmission": {"public_id": sent.public_id},
        "consultation": {"public_id": consultation.public_id},
        "application": {"public_id": application.public_id},
        "form_version": {"public_id": form_current().public_id},
        "operator_a_user": {"public_id": personas.operator_a.public_id},
        "centre_a_org": {"public_id": personas.centre_a.public_id},
        "notice": {"version": "2026-01"},
        "measure": {"measure_id": "reddito_liberta"},
        "email_key": {"key": "not-a-real-key"},
        "reset_key": {"uidb36": "zz", "key": "not-a-real-key"},
    }
    targets = []
    for name, (method, key, expected) in sorted(MATRIX.items()):
        if method != "get":
            continue
        if name.endswith(("_pdf", "_download", "_csv")):
            continue  # a PDF, a workbook or a CSV file: no forms
        url = reverse(name, kwargs=kwargs[key])
        # The sign-in pages (allauth) are the same for every staff role.
        roles = [r for r, code in expected.items() if code == 200]
        if ":" not in name:
            roles = [r for r in roles if r in {"anonymous", "operator_a"}]
        targets.extend(Target(role, url) for role in roles)

    # The questionnaire in progress, page by page, in assisted mode and on the tablet.
    second = case_open(actor=personas.operator_a)
    assisted = session_start(actor=personas.operator_a, case=second, mode="assisted", language="it")
    third = case_open(actor=personas.operator_a)
    self_done = session_start(actor=personas.operator_a, case=third, mode="self", language="it")
    code = tablet_code_issue(actor=personas.operator_a, session=self_done)
    pages = len(list(_definition(assisted).sections))

    def at(session: QuestionnaireSession, index: int) -> Callable[[], None]:
        def setup() -> None:
            QuestionnaireSession.objects.filter(pk=session.pk).update(section_index=index)

        return setup

    for index in range(pages):
        page_url = reverse("questionnaire:session_page", kwargs={"public_id": assisted.public_id})
        targets.append(Target("operator_a", f"{page_url}?pagina={index}", at(assisted, index)))
        targets.append(Target("tablet", reverse("questionnaire:tablet"), at(self_done, index)))
    return targets, code


def _definition(session):
    from scarpette.questionnaire.services import definition_of

    return definition_of(session.form_version)


@dataclass
class Tally:
    posts: int = 0
    gets: int = 0
    refused: int = 0
    server_errors: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)


def refused(response) -> bool:
    if response.status_code >= 400:
        return True
    if any(m.level >= messages.ERROR for m in get_messages(response.wsgi_request)):
        return True
    content = getattr(response, "content", b"")
    return response.status_code == 200 and b'class="errorlist' in content


def send(client: Client, method: str, url: str, pairs):
    if method == "get":
        split = urlsplit(url)
        query = body(pairs)
        return client.get(f"{split.path}?{query.decode()}")
    return client.post(url, body(pairs), content_type="application/x-www-form-urlencoded")


def measured(client, tables, reference, tally, what, method, url, pairs, *, compare="refused"):
    """One request inside a savepoint that is rolled back: status and saved data checked."""
    cookies = copy.deepcopy(client.cookies)
    point = transaction.savepoint()
    try:
        response = send(client, method, url, pairs)
        if method == "get":
            tally.gets += 1
        else:
            tally.posts += 1
        if response.status_code >= 500:
            tally.server_errors.append(f"{what}: {response.status_code}")
        is_refused = refused(response)
        tally.refused += is_refused
        if (compare == "always" or is_refused) and checksum(tables) != reference:
            tally.changed.append(f"{what}: {response.status_code}")
    finally:
        transaction.savepoint_rollback(point)
        client.cookies = cookies
        cache.clear()  # throttling counters are not what is tested here


@pytest.mark.django_db
def test_malformed_input_never_gives_a_500_nor_changes_saved_data(personas, settings, capsys):
    settings.TABLET_IDLE_SECONDS = 3600
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 3600
    targets, code = build_world(personas)
    clients: dict[str, Client] = {}
    for role, user in personas.all().items():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
            # Sensitive pages ask for the password again first: give it, so their forms are fuzzed.
            client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        clients[role] = client
    tablet = Client(raise_request_exception=False)
    tablet.post(reverse("questionnaire:tablet"), {"code": code})
    tablet.post(reverse("questionnaire:tablet"), {"language": "it"})
    clients["tablet"] = tablet
    cache.clear()

    tables = domain_tables()
    tally = Tally()
    found: dict[tuple, Found] = {}
    get_pages: dict[tuple, Target] = {}
    filtered: set[str] = set()  # pages with a search or filter form
    for target in targets:
        target.setup()
        response = clients[target.role].get(target.url)
        assert response.status_code == 200, (target.role, target.url, response.status_code)
        get_pages.setdefault((urlsplit(target.url).path, target.role == "tablet"), target)
        if not response["Content-Type"].startswith("text/html"):
            continue  # a PDF or a workbook: no forms in it
        parser = FormParser()
        parser.feed(response.content.decode())
        for form in parser.forms:
            action = urljoin(target.url, form.action).split("#")[0]
            names = tuple(sorted({f[0] for f in form.fields} | {b[0] for b in form.buttons}))
            key = (form.method, UUID.sub("<id>", urlsplit(action).path), names)
            if form.method == "post":
                found.setdefault(key, Found(target.role, action, form, target.setup))
            else:
                filtered.add(urlsplit(action).path)

    # POST: one field at a time, then whole-form variants.
    inputs = 0
    for (_, path, names), item in sorted(found.items(), key=lambda kv: kv[0]):
        client = clients[item.role]
        item.setup()
        reference = checksum(tables)
        good = baseline(item.form)
        fuzzed = [name for name in names if name != "csrfmiddlewaretoken"]
        variants = [
            (f"{name}={label}", replaced(good, name, VALUES[label]))
            for name in fuzzed
            for label in PER_FIELD
        ]
        for label, value in VALUES.items():
            every = list(good)
            for name in fuzzed:
                every = replaced(every, name, value)
            variants.append((f"every field={label}", every))
        variants += [
            ("no fields", []),
            ("extra fields", good + [(k, v) for k, v in EXTRA_FIELDS.items()]),
            ("invalid UTF-8 names", good + [(b"\xff\xfe", b"1"), ("\x00", b"1")]),
            ("too many fields", good + [(f"f{i}", b"1") for i in range(1100)]),
        ]
        inputs += len(variants)
        for what, pairs in variants:
            measured(
                client,
                tables,
                reference,
                tally,
                f"POST {path} [{item.role}] {what}",
                "post",
                item.page,
                pairs,
            )

    # GET: malformed query parameters on every page (lists, searches, questionnaire pages).
    get_inputs = 0
    for (path, _), target in sorted(get_pages.items()):
        client = clients[target.role]
        target.setup()
        point = transaction.savepoint()
        client.get(target.url)
        reference = checksum(tables)  # a clean visit may itself write (e.g. "reviewed")
        transaction.savepoint_rollback(point)
        cache.clear()
        variants = []
        for label in IN_QUERY:
            query: list = []
            for key in QUERY_KEYS:
                query = replaced(query, key, VALUES[label])
            variants.append((f"every parameter={label}", query))
        if path in filtered:
            variants += [
                (f"{key}={label}", replaced([], key, VALUES[label]))
                for key in QUERY_KEYS
                for label in IN_QUERY
            ]
        for what, query in variants:
            get_inputs += 1
            measured(
                client,
                tables,
                reference,
                tally,
                f"GET {path} [{target.role}] {what}",
                "get",
                target.url,
                query,
                compare="always",
            )

    post_forms = len(found)
    with capsys.disabled():
        # The figures to quote: shown even without -s.
        print(
            f"\nfuzz: {post_forms} POST forms × malformed inputs = {inputs} posts; "
            f"{len(get_pages)} GET pages × malformed query parameters = {get_inputs} gets; "
            f"{tally.refused} refused; 500s = {len(tally.server_errors)}; "
            f"changes after a refusal = {len(tally.changed)}"
        )
    assert tally.server_errors == []
    assert tally.changed == []
    assert post_forms >= MIN_POST_FORMS
    assert len(get_pages) >= MIN_GET_PAGES
