"""The dashboard's "new results to look at" is answered by a partial index of the re-screenings
still to review, never by a scan of every screening run of the country."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from scarpette.cases.models import Case
from scarpette.cases.services import case_open
from scarpette.questionnaire.models import ScreeningRun
from scarpette.questionnaire.selectors import changed_runs_for_user


def run(case, **fields):
    return ScreeningRun.objects.create(
        case=case, as_of=timezone.localdate(), rules_version="r1", **fields
    )


def test_it_lists_only_changed_runs_nobody_reviewed_of_her_centre(personas):
    mine = case_open(actor=personas.operator_a)
    theirs = case_open(actor=personas.operator_b)
    run(mine)  # an ordinary run: nothing changed
    waiting = run(mine, changed_measures=["naspi"])
    run(mine, changed_measures=["naspi"], reviewed_at=timezone.now())
    run(theirs, changed_measures=["naspi"])
    assert changed_runs_for_user(user=personas.operator_a) == [waiting]


@pytest.mark.postgres_only(reason="reads PostgreSQL's query plan")
def test_postgresql_answers_it_from_the_partial_index(personas):
    case_open(actor=personas.operator_a)
    queryset = (
        ScreeningRun.objects.filter(
            case__in=Case.objects.visible_to(personas.operator_a), reviewed_at__isnull=True
        )
        .exclude(changed_measures=[])
        .order_by("-created_at")
    )
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # The index's predicate is implied by the query, so the planner can use it at all.
    assert "screening_changed_to_review" in plan, plan
