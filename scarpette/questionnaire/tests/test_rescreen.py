"""After a rules change, open percorsi are screened again and changed results are flagged."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from scarpette.audit.models import AuditEvent
from scarpette.cases.services import case_open, case_set_status
from scarpette.questionnaire.models import ScreeningRun
from scarpette.questionnaire.services import session_complete, session_start
from scarpette.screening.catalogue import RULES_VERSION


def screened(personas, *, close: bool = False):
    case = case_open(actor=personas.operator_a)
    session = session_start(actor=personas.operator_a, case=case, mode="assisted", language="it")
    session.answers = {"citizenship": "IT", "has_isee": "yes", "isee_known": "dont_know"}
    session.save(update_fields=["answers_json"])
    run = session_complete(actor=personas.operator_a, session=session)
    if close:
        case_set_status(actor=personas.operator_a, case=case, status="closed")
    return case, session, run


def age_run(run, *, flip: str | None = None):
    """Pretend the run was made by older rules (and, optionally, with another status)."""
    results = run.results
    if flip:
        for result in results:
            if result["measure"] == flip:
                result["status"] = "eligible" if result["status"] != "eligible" else "not_eligible"
    ScreeningRun.objects.filter(pk=run.pk).update(
        rules_version="0.9.0", results_json=json.dumps(results)
    )


def test_it_rescreens_open_cases_with_old_rules_and_flags_changes(personas, client, capsys):
    case, session, run = screened(personas)
    age_run(run, flip="assegno_unico")
    unchanged_case, _s, unchanged_run = screened(personas)
    age_run(unchanged_run)
    closed_case, _s2, closed_run = screened(personas, close=True)
    age_run(closed_run, flip="naspi")

    call_command("rescreen", "--batch-size", "1")
    assert "re-screened 2" in capsys.readouterr().out
    latest = case.screenings.order_by("-created_at", "-id").first()
    assert latest.rules_version == RULES_VERSION
    assert latest.changed_measures == ["assegno_unico"]
    assert latest.facts == run.facts
    assert unchanged_case.screenings.order_by("-created_at", "-id").first().changed_measures == []
    assert closed_case.screenings.count() == 1  # closed percorsi are left alone

    # One audit event per re-screened percorso, appended in bulk, and the chain still verifies.
    events = AuditEvent.objects.filter(action="screening.run.rescreened")
    assert sorted(e.object_id for e in events) == sorted(
        [str(case.public_id), str(unchanged_case.public_id)]
    )
    assert events.get(object_id=str(case.public_id)).detail["changed"] == ["assegno_unico"]
    call_command("audit_verify")
    assert "audit chain intact" in capsys.readouterr().out

    call_command("rescreen")
    assert "re-screened 0" in capsys.readouterr().out  # idempotent

    client.force_login(personas.operator_a)
    dashboard = client.get(reverse("core:dashboard")).content.decode()
    assert "Risultati cambiati con le nuove regole" in dashboard and case.code in dashboard
    result = client.get(
        reverse("questionnaire:session_result", kwargs={"public_id": session.public_id})
    ).content.decode()
    assert "è cambiato l'esito" in result
    latest.refresh_from_db()
    assert latest.reviewed_at is not None
    assert (
        case.code
        not in client.get(reverse("core:dashboard"))
        .content.decode()
        .split("I tuoi percorsi aperti")[0]
    )


def test_a_run_saved_meanwhile_is_not_overwritten(personas, monkeypatch):
    case, session, run = screened(personas)
    age_run(run, flip="assegno_unico")
    import scarpette.questionnaire.rescreen as rescreen

    real_screen = rescreen.screen

    def screen_while_operator_saves(profile):
        # The operator completes a new questionnaire while the batch is being computed.
        ScreeningRun.objects.create(
            case=case,
            session=session,
            as_of=run.as_of,
            rules_version=RULES_VERSION,
            facts_json=run.facts_json,
            results_json=run.results_json,
        )
        return real_screen(profile)

    monkeypatch.setattr(rescreen, "screen", screen_while_operator_saves)
    report = rescreen.rescreen_open_cases()
    assert (report.checked, report.rescreened) == (1, 0)
    assert case.screenings.count() == 2


def test_other_centres_do_not_see_the_flag(personas, client):
    case, _session, run = screened(personas)
    age_run(run, flip="assegno_unico")
    call_command("rescreen")
    client.force_login(personas.operator_b)
    assert case.code not in client.get(reverse("core:dashboard")).content.decode()


def test_latest_run_is_one_definition_for_a_case_a_session_and_many_cases(personas):
    from scarpette.questionnaire.selectors import latest_run, latest_runs

    case, session, first = screened(personas)
    second = session_complete(actor=personas.operator_a, session=session)
    # Same instant: the later row wins, as everywhere else.
    ScreeningRun.objects.filter(pk=first.pk).update(created_at=second.created_at)
    other_case, _s, other_run = screened(personas)
    empty_case = case_open(actor=personas.operator_a)

    assert latest_run(case=case) == second
    assert latest_run(session=session) == second
    assert latest_runs([case.pk, other_case.pk, empty_case.pk]) == {
        case.pk: second,
        other_case.pk: other_run,
    }
    assert latest_runs([case.pk], only=("rules_version",))[case.pk].rules_version == RULES_VERSION


def test_shards_share_the_percorsi_without_overlap(personas):
    cases = []
    for _ in range(5):
        case, _session, run = screened(personas)
        age_run(run)
        cases.append(case)
    from scarpette.questionnaire.rescreen import rescreen_open_cases

    reports = [rescreen_open_cases(shard=(k, 3)) for k in range(3)]
    assert sum(r.rescreened for r in reports) == 5
    assert all(r.checked < 5 for r in reports)  # each shard saw only its part
    for case in cases:
        assert case.screenings.filter(rules_version=RULES_VERSION).count() == 1


def test_the_command_refuses_a_bad_worker_count(capsys):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--workers"):
        call_command("rescreen", "--workers", "0")


@pytest.mark.postgres_only(reason="worker processes share the database: not an in-memory one")
@pytest.mark.django_db(transaction=True)
def test_worker_processes_rescreen_every_open_percorso_once(personas, capsys):
    cases = []
    for _ in range(4):
        case, _session, run = screened(personas)
        age_run(run, flip="assegno_unico")
        cases.append(case)
    call_command("rescreen", "--workers", "2", "--batch-size", "1")
    assert "re-screened 4" in capsys.readouterr().out
    for case in cases:
        assert case.screenings.filter(rules_version=RULES_VERSION).count() == 1
    call_command("audit_verify")
    assert "audit chain intact" in capsys.readouterr().out
