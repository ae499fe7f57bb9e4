"""The Bootstrap Italia look: its real assets are served, every page carries the header, the menu
with its active item, breadcrumbs on pages that have a parent, and the footer's three notices."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from scarpette.cases.services import case_open
from scarpette.core.staticfinders import FILES, PREFIX


def test_the_bootstrap_italia_files_come_from_the_pinned_package():
    for name in FILES:
        found = finders.find(f"{PREFIX}/{name}")
        assert found and "bootstrap_italia_template" in found, name
    css = finders.find(f"{PREFIX}/css/bootstrap-italia.min.css")
    with open(css, encoding="utf-8-sig") as handle:
        assert "--bootstrap-italia-version: '2.18" in handle.read(2000)
    # The package's JavaScript (its font loader injects an inline style) is not served.
    assert finders.find(f"{PREFIX}/js/bootstrap-italia.bundle.min.js") is None


def test_our_stylesheet_declares_the_fonts_it_points_to():
    css = Path(finders.find("css/scarpette.css")).read_text(encoding="utf-8")
    fonts = re.findall(r'url\("\.\./(bootstrap-italia/fonts/[^"]+)"\)', css)
    assert len(fonts) == 4
    for font in fonts:
        assert finders.find(font), font


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("core:accessibility", "Dichiarazione di accessibilità"),
        ("core:privacy", "Informativa privacy"),
        ("core:legal", "Note legali"),
    ],
)
def test_the_footer_notices_are_public_and_in_italian(db, name, heading):
    response = Client().get(reverse(name))
    assert response.status_code == 200
    content = response.content.decode()
    assert f"<h1>{heading}</h1>" in content
    assert 'href="/static/bootstrap-italia/css/bootstrap-italia.min.css"' in content
    assert "<script>" not in content and "style=" not in content  # the CSP: nothing inline
    for link in ("/accessibilita/", "/privacy/", "/note-legali/"):
        assert f'href="{link}"' in content


def test_the_notices_in_english(db):
    client = Client()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("core:privacy"))
    content = response.content.decode()
    assert 'lang="en"' in content
    assert "Privacy notice" in content and "Informativa privacy" not in content


def test_the_menu_marks_the_active_item_and_breadcrumbs_show_the_parents(client, personas):
    case = case_open(actor=personas.operator_a)
    client.force_login(personas.operator_a)

    listing = client.get(reverse("cases:case_list")).content.decode()
    assert re.search(r'class="nav-link active" href="/percorsi/" aria-current="page"', listing)
    assert listing.count('aria-current="page"') == 1
    assert "breadcrumb-container" not in listing  # a menu page: the menu shows where she is

    identity = client.get(reverse("cases:case_identity", args=[case.public_id])).content.decode()
    crumbs = re.search(r'<ol class="breadcrumb">(.*?)</ol>', identity, re.S).group(1)
    assert re.findall(r'href="([^"]+)">([^<]+)</a>', crumbs) == [
        ("/", "Scrivania"),
        ("/percorsi/", "Percorsi"),
        (f"/percorsi/{case.public_id}/", "Percorso"),
    ]
    assert 'class="nav-link active" href="/percorsi/"' in identity


def test_the_menu_is_each_role_s_own_though_rendered_once_per_role(client, personas):
    """The menu and the footer are rendered once per role, section and language, then reused
    (core_tags.shared_fragment): a menu seen by one role never shows in another's page."""

    def menu(user, language="it"):
        client.force_login(user)
        client.cookies["django_language"] = language
        page = client.get(reverse("core:dashboard")).content.decode()
        return re.findall(r'class="nav-link[^"]*" href="([^"]+)"', page), page

    operator, _ = menu(personas.operator_a)
    inps, _ = menu(personas.inps_specialist)
    operator_again, page = menu(personas.operator_a)
    assert "/percorsi/" in operator and "/percorsi/" not in inps
    assert reverse("referrals:inbox") in inps and reverse("referrals:inbox") not in operator
    assert operator_again == operator
    assert "Scrivania" in page and "Dichiarazione di accessibilità" in page
    _, english = menu(personas.operator_a, "en")
    assert "Accessibility statement" in english and "Dichiarazione di accessibilità" not in english


def test_the_favicon_is_declared_and_served(db):
    content = Client().get(reverse("core:legal")).content.decode()
    assert 'rel="icon" href="/static/img/favicon.svg"' in content
    assert finders.find("img/favicon.svg") and finders.find("img/favicon.png")
