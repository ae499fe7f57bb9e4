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
