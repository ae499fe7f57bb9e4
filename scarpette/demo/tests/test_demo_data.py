"""The demo world loads once, is synthetic, and every account reaches its own dashboard."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from scarpette.accounts.models import User
from scarpette.audit.verify import verify_chain
from scarpette.cases.models import Case
from scarpette.demo.data import ACCOUNTS, DEMO_PASSWORD


@pytest.fixture
def demo(db, settings):
    settings.MFA_REQUIRED = False  # as in `make run`
    settings.IS_DEMO = True
    call_command("load_demo")


def test_it_loads_once_and_prints_the_accounts(demo, capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    for email, *_ in ACCOUNTS:
        assert email in out
    assert DEMO_PASSWORD in out
    assert User.objects.count() == len(ACCOUNTS)
    assert Case.objects.values("centre").distinct().count() == 3
    assert verify_chain().ok


@pytest.mark.parametrize(
    ("email", "heading"),
    [
        ("operatrice.a@demo.invalid", "Percorsi del centro"),
        ("referente.b@demo.invalid", "Il tuo centro"),
        ("operatrice.rifugio@demo.invalid", "Percorsi del centro"),
        ("consulente@demo.invalid", "Casi trasmessi alla tua sede"),
        ("sportello@demo.invalid", "Catalogo delle misure"),
        ("tavolo@demo.invalid", "Tavolo tecnico"),
        ("admin@demo.invalid", "Configurazione"),
    ],
)
def test_every_demo_account_reaches_its_dashboard(demo, client, email, heading):
    response = client.post(reverse("account_login"), {"login": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    page = client.get(reverse("core:dashboard"))
    assert page.status_code == 200
    content = page.content.decode()
    assert heading in content
    assert "DEMO" in content


def test_centres_see_only_their_demo_cases(demo, client):
    client.post(
        reverse("account_login"), {"login": "operatrice.b@demo.invalid", "password": DEMO_PASSWORD}
    )
    listing = client.get(reverse("cases:case_list")).content.decode()
    for code in Case.objects.filter(centre__name="Centro Aurora (demo)").values_list(
        "code", flat=True
    ):
        assert code not in listing
