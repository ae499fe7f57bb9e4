"""The warning before the session lapses appears near the server's deadline and keeps her in."""

from __future__ import annotations

import pytest

from scarpette.accounts.browser_fixtures import sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_the_warning_appears_before_the_deadline_and_continua_keeps_the_session(
    page, axe_check, personas, settings
):
    # A one-minute session warned 57 seconds ahead: the warning is due 3 seconds after a page.
    settings.SESSION_IDLE_SECONDS = 60
    settings.SESSION_WARN_BEFORE_SECONDS = 57
    sign_in(page, personas.operator_a)
    box = page.locator("#session-warning")
    assert box.is_hidden()

    box.wait_for(state="visible", timeout=10_000)
    assert "La sessione sta per scadere per inattività." in box.inner_text()
    axe_check(page, "session-warning")

    with page.expect_response("**/sessione/rinnova/") as renewed:
        page.get_by_role("button", name="Continua a lavorare").click()
    assert renewed.value.status == 204
    assert renewed.value.headers["x-session-expires-in"] == "60"
    page.wait_for_function("document.getElementById('session-warning').hidden")
