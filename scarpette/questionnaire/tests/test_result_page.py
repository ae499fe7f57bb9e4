"""The result page at a glance (summary on top, jump list, folded details that print) and the
operator's preview of her summary in Italian beside her language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from scarpette.audit.models import AuditEvent
from scarpette.cases.services import case_open
from scarpette.questionnaire.selectors import MeasureRow, result_overview
from scarpette.questionnaire.services import session_complete, session_start
from scarpette.questionnaire.tests.test_sessions import ANSWERS, start_via_post, text_of, walk
from scarpette.screening.facts import FACTS


@pytest.fixture
def case_a(personas):
    return case_open(actor=personas.operator_a)


@pytest.fixture
def operator(client, personas):
    client.force_login(personas.operator_a)
    return client


def _url(name, session):
    return reverse(name, kwargs={"public_id": session.public_id})


def _row(measure, status, missing=()):
    return MeasureRow(
        measure=measure,
        name=measure.title(),
        status=status,
        reasons=[],
        missing=list(missing),
        documents=[],
        applies="",
        channel="",
        amount=None,
        caveats=[],
    )


def test_the_overview_groups_measures_and_ranks_the_missing_facts_by_how_many_they_decide():
    isee = ("isee", "Qual è il valore dell'ISEE?", 3)
    age = ("age", "Quanti anni ha?", 0)
    work = ("employment", "Lavora?", 5)
    rows = [
        _row("a", "eligible"),
        _row("b", "undetermined", [work, isee]),
        _row("c", "undetermined", [isee, age]),
        _row("d", "undetermined", [isee, work]),
        _row("e", "not_eligible", [age]),  # a measure that does not apply decides nothing
    ]

    overview = result_overview(rows)

    assert [m.measure for m in overview.eligible] == ["a"]
    assert [m.measure for m in overview.undetermined] == ["b", "c", "d"]
    assert [m.measure for m in overview.not_eligible] == ["e"]
    assert [(f.label, f.count, f.page) for f in overview.deciding] == [
        ("Qual è il valore dell'ISEE?", 3, 3),
        ("Lavora?", 2, 5),
        ("Quanti anni ha?", 1, 0),
    ]
    assert result_overview(rows, top=1).deciding[0].count == 3


def test_the_result_page_has_a_summary_a_jump_list_and_folded_details(operator, case_a):
    session = start_via_post(operator, case_a, language="it")
    response = walk(operator, session, ANSWERS)
    content = text_of(response)

    overview = content.split('id="h-overview"')[1].split('id="h-jump"')[0]
    groups = dict(
        re.findall(
            r'data-status="(\w+)">\s*<h3 class="h5"><span class="badge badge-\w+">[^<]+</span> '
            r'<span class="result-count">(\d+)</span>',
            overview,
        )
    )
    run = session.screenings.get()
    for status in ("eligible", "undetermined", "not_eligible"):
        assert int(groups[status]) == sum(1 for m in run.results if m["status"] == status)
    assert "Possibile diritto" in overview and "Da verificare" in overview
    # Each measure of the summary and of the jump list links to its folded details.
    for measure in run.results:
        anchor = f'href="#m-{measure["measure"]}"'
        assert anchor in overview
        assert anchor in content.split('id="h-jump"')[1]
        assert re.search(
            rf'<details class="card result-measure" id="m-{measure["measure"]}">', content
        )
    assert '<details class="card result-measure" id' in content and " open" not in content
    # The facts that would decide most, by their question, never by their id.
    assert "Le informazioni che deciderebbero di più" in overview
    deciding = overview.split("deciding-facts")[1]
    assert re.search(r"decide \d+ misur[ae]", deciding)
    visible = re.sub(r"<[^>]+>", " ", deciding)
    for fact in FACTS:
        if "_" in fact:
            assert not re.search(rf"(?<![\w.]){re.escape(fact)}(?!\w)", visible), fact
    # Printing opens every fold (a static script, no inline code).
    assert "/static/js/details_print.js" in content


def test_the_print_script_opens_the_details_before_printing():
    script = (Path(settings.BASE_DIR) / "static" / "js" / "details_print.js").read_text()
    assert 'addEventListener("beforeprint"' in script
    assert 'setAttribute("open"' in script
    css = (Path(settings.BASE_DIR) / "static" / "css" / "scarpette.css").read_text()
    assert "details::details-content" in css.split("@media print")[1]


def test_the_preview_shows_italian_beside_her_language_and_is_audited(operator, case_a, personas):
    session = start_via_post(operator, case_a, language="ar")
    walk(operator, session, ANSWERS)
    before = AuditEvent.objects.filter(action="questionnaire.session.viewed").count()

    response = operator.get(_url("questionnaire:summary_preview", session))

    assert response.status_code == 200
    content = text_of(response)
    assert '<section aria-label="Italiano" lang="it" dir="ltr">' in content
    assert re.search(r'<section aria-label="[^"]+" lang="ar" dir="rtl">', content)
    assert '<article class="summary-document" lang="it" dir="ltr">' in content
    assert '<article class="summary-document" lang="ar" dir="rtl">' in content
    assert "Riepilogo" in content and re.search(r"[\u0600-\u06FF]", content)
    assert case_a.code in content
    viewed = AuditEvent.objects.filter(action="questionnaire.session.viewed")
    assert viewed.count() == before + 1
    assert viewed.first().actor_id == personas.operator_a.pk
    result = text_of(operator.get(_url("questionnaire:session_result", session)))
    assert _url("questionnaire:summary_preview", session) in result


def test_the_preview_in_italian_shows_one_column(operator, case_a, personas):
    session = session_start(actor=personas.operator_a, case=case_a, mode="assisted", language="it")
    session_complete(actor=personas.operator_a, session=session)

    content = text_of(operator.get(_url("questionnaire:summary_preview", session)))

    assert "La donna ha scelto l'italiano" in content
    assert content.count('class="summary-document"') == 1


def test_the_preview_is_refused_outside_the_centre_and_to_other_roles(client, personas, case_a):
    session = session_start(actor=personas.operator_a, case=case_a, mode="assisted", language="fr")
    session_complete(actor=personas.operator_a, session=session)
    client.force_login(personas.operator_b)
    assert client.get(_url("questionnaire:summary_preview", session)).status_code == 404
    client.force_login(personas.tavolo_member)
    assert client.get(_url("questionnaire:summary_preview", session)).status_code == 403


def test_there_is_no_preview_before_the_end(operator, case_a):
    session = start_via_post(operator, case_a, language="fr")
    assert operator.get(_url("questionnaire:summary_preview", session)).status_code == 404
