"""A crawl of the demo as every persona, then every discovered page requested by every other
persona and anonymously (security.md: no leak across centres or to INPS, the tavolo or the
administrator; identity only with a reveal written in the same request; headers everywhere).

What counts as a leak, checked on every answer:
- a percorso's code on a page of somebody who may not know the percorso exists (another centre;
  INPS unless it was transmitted or asked about, and its consent is still in force; the tavolo,
  the administrator, the sportello, anonymous);
- a woman's name, tax code or phone in a page without a `cases.identity.revealed` event for that
  user and percorso written by that very request;
- a 500, or a page without the security headers.
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from scarpette.accounts.models import User
from scarpette.audit.models import AuditEvent
from scarpette.cases.models import Case, CaseIdentity
from scarpette.demo.data import ACCOUNTS
from scarpette.referrals.models import Consultation, Transmission

MAX_PAGES_PER_PERSONA = 80
HREF = re.compile(r'href="(/[^"#]*)"')
# Never followed: leaving, files of the tablet, static files.
SKIP = re.compile(r"^/(static/|esci|accounts/logout|t/|account/logout)")
HEADERS = {
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Strict-Transport-Security": "max-age=",
    "Cache-Control": "no-store",
}


@pytest.fixture
def demo(db, settings):
    settings.MFA_REQUIRED = False  # as in `make run`
    settings.IS_DEMO = True
    call_command("load_demo", verbosity=0)


def allowed_codes(user: User | None) -> set[str]:
    """The percorso codes this user may meet on a page."""
    if user is None:
        return set()
    membership = user.membership
    codes = set(
        Case.objects.filter(centre_id=membership.organisation_id).values_list("code", flat=True)
    )
    if membership.role in {"consulente_inps", "sportello_inps"}:
        for model in (Transmission, Consultation):
            codes |= set(model.objects.visible_to(user).values_list("case__code", flat=True))
    return codes


def identity_secrets() -> dict[str, int]:
    """Every identifying value in the demo, with the pk of its percorso."""
    secrets = {}
    for identity in CaseIdentity.objects.all():
        for value in (identity.full_name, identity.tax_code, identity.phone):
            if value:
                secrets[value] = identity.case_id
    return secrets


def check(response, url: str, user, codes_all, allowed, secrets, before_id) -> list[str]:
    problems = []
    who = user.email if user else "anonymous"
    if response.status_code >= 500:
        return [f"{who} {url}: {response.status_code}"]
    for header, expected in HEADERS.items():
        if expected not in response.headers.get(header, ""):
            problems.append(f"{who} {url}: header {header} missing or wrong")
    if "text/html" not in response.headers.get("Content-Type", ""):
        return problems
    html = response.content.decode()
    for code in codes_all - allowed:
        if code in html:
            problems.append(f"{who} {url}: shows percorso {code} of another scope")
    shown = {value: case_id for value, case_id in secrets.items() if value in html}
    if shown:
        revealed = set(
            AuditEvent.objects.filter(
                id__gt=before_id, action="cases.identity.revealed", actor_id=user and user.pk
            ).values_list("object_id", flat=True)
        )
        for _value, case_id in shown.items():
            public_id = str(Case.objects.get(pk=case_id).public_id)
            if public_id not in revealed:
                problems.append(f"{who} {url}: identity in the page without a reveal event")
    return problems


def last_event_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def crawl(client: Client, user, codes_all, secrets) -> tuple[set[str], list[str]]:
    allowed = allowed_codes(user)
    seen, problems = set(), []
    queue = deque(["/"])
    while queue and len(seen) < MAX_PAGES_PER_PERSONA:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        before = last_event_id()
        response = client.get(url)
        problems += check(response, url, user, codes_all, allowed, secrets, before)
        if response.status_code == 200 and "text/html" in response.headers.get("Content-Type", ""):
            for link in HREF.findall(response.content.decode()):
                link = link.replace("&amp;", "&")
                if not SKIP.match(link) and link not in seen:
                    # One page of each list is enough: pagination adds no new kind of page.
                    if "page=" in urlsplit(link).query and urlsplit(link).path in {
                        urlsplit(s).path for s in seen
                    }:
                        continue
                    queue.append(link)
    return seen, problems


def test_no_persona_sees_what_is_not_hers(demo):
    codes_all = set(Case.objects.values_list("code", flat=True))
    secrets = identity_secrets()
    users = {email: User.objects.get(email=email) for email, *_ in ACCOUNTS}
    clients = {}
    for email, user in users.items():
        client = Client()
        client.force_login(user)
        clients[email] = client

    discovered: dict[str, set[str]] = {}
    problems: list[str] = []
    for email, client in clients.items():
        seen, found = crawl(client, users[email], codes_all, secrets)
        discovered[email] = seen
        problems += found
    assert sum(len(urls) for urls in discovered.values()) > 100  # the crawl really went places

    every_url = set().union(*discovered.values())
    requests = 0
    for email, client in [*clients.items(), ("anonymous", Client())]:
        user = users.get(email)
        allowed = allowed_codes(user)
        for url in sorted(every_url - discovered.get(email, set())):
            before = last_event_id()
            response = client.get(url)
            requests += 1
            problems += check(response, url, user, codes_all, allowed, secrets, before)
            if user is None:
                assert response.status_code in (200, 302, 404), url
    print(
        f"\ncrawl: {sum(len(u) for u in discovered.values())} pages found, {requests} cross requests"
    )
    assert not problems, "\n".join(problems)
