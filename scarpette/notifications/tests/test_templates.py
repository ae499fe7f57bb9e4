"""Every notification e-mail, rendered: neutral (security.md battery 11)."""

from __future__ import annotations

import pytest

from scarpette.accounts.testing import make_personas
from scarpette.notifications.services import FORBIDDEN_FRAGMENTS, TEMPLATES, render

LINK = "https://servizi.example.org/percorsi/4f1c2a7e-0000-4000-8000-000000000003/"
SUBJECTS = {
    "new_transmission": "Nuova segnalazione",
    "inps_reply": "Nuova risposta",
    "centre_reply": "Nuova risposta",
    "consultation_new": "Nuova domanda",
    "consultation_answer": "Nuova risposta",
    "deadline_reminder": "Promemoria",
}


def test_every_template_has_a_subject():
    assert set(SUBJECTS) == set(TEMPLATES)


@pytest.mark.parametrize("template", TEMPLATES)
def test_each_email_says_only_that_there_is_something_new_and_a_link(template, db):
    subject, body = render(template, {"link": LINK})
    assert subject == SUBJECTS[template]
    assert LINK in body.splitlines()
    text = f"{subject}\n{body}".casefold()
    for fragment in (*FORBIDDEN_FRAGMENTS, "inps", "centro", "cav"):
        assert fragment not in text
    personas = make_personas()
    for organisation in (personas.centre_a, personas.centre_b, personas.inps_office):
        assert organisation.name.casefold() not in text
    for user in personas.all().values():
        if user is not None:
            assert user.full_name.casefold() not in text
            assert user.email not in text
    assert "&amp;" not in render(template, {"link": LINK + "?a=1&b=2"})[1]
