"""Italian first: the browser's language is ignored; an explicit choice is kept."""

from django.urls import reverse


def test_pages_open_in_italian_even_for_an_english_browser(client, db):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    content = response.content.decode()
    assert '<html lang="it"' in content
    assert "Accesso al portale" in content
    assert "sign up" not in content.lower()


def test_choosing_english_switches_the_pages(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    content = client.get(reverse("account_login")).content.decode()
    assert '<html lang="en"' in content
    assert "Sign in to the portal" in content


def test_months_are_written_in_lower_case_in_italian(personas, client):
    # Italian writes "4 dicembre 2026" (Django's Italian catalogue capitalises the month).
    import datetime

    from django.utils import translation
    from django.utils.formats import date_format

    from scarpette.cases.services import case_open

    with translation.override("it"):
        assert date_format(datetime.date(2026, 12, 4), "j F Y") == "4 dicembre 2026"
        assert date_format(datetime.date(2026, 3, 1), "j E Y") == "1 marzo 2026"
    with translation.override("en"):
        assert date_format(datetime.date(2026, 12, 4), "j F Y") == "4 December 2026"
    case = case_open(actor=personas.operator_a)
    client.force_login(personas.operator_a)
    html = client.get(reverse("cases:case_list")).content.decode()
    month = date_format(case.opened_on, "F")
    assert month.islower()
    assert f"{case.opened_on.day} {month} {case.opened_on.year}" in html
