"""The quick-exit component: button and double Escape leave no way Back to the page."""

from __future__ import annotations

import pytest
from django.shortcuts import render
from django.urls import include, path

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _woman_page(request):
    # A stand-in for the pages the woman will see (the questionnaire): it includes the component.
    return render(request, "core/quick_exit_demo.html")


urlpatterns = [
    path("prova-uscita/", _woman_page),
    path("", include("config.urls")),
]


@pytest.mark.urls("scarpette.core.tests.browser.test_quick_exit_browser")
@pytest.mark.parametrize("how", ["button", "escape"])
def test_quick_exit_leaves_and_back_does_not_return(page, personas, settings, how):
    from scarpette.accounts.browser_fixtures import sign_in

    sign_in(page, personas.operator_a)
    page.goto("/prova-uscita/")
    assert page.get_by_role("link", name="Esci subito").count() == 1
    if how == "button":
        page.get_by_role("link", name="Esci subito").click()
    else:
        page.keyboard.press("Escape")
        page.keyboard.press("Escape")
    page.wait_for_url(lambda url: "prova-uscita" not in url)
    assert "neutral" in page.content()
    page.go_back()
    assert "prova-uscita" not in page.url
