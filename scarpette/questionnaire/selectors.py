"""Reads of questionnaires and screening results, scoped through the percorso."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404

from scarpette.accounts.permissions import Perm, has_perm
from scarpette.cases.access import get_visible_or_404
from scarpette.cases.models import Case
from scarpette.questionnaire import xlsform
from scarpette.questionnaire.models import CaseNeed, FormVersion, QuestionnaireSession, ScreeningRun
from scarpette.screening.catalogue import CATALOGUE
from scarpette.screening.vocabulary import RESULT_ORDER, fact_label


def session_get_for_user(*, user, public_id) -> QuestionnaireSession:
    """A session of a percorso the user may see, else 404 (audited like the percorso itself)."""
    return get_visible_or_404(
        QuestionnaireSession.objects.select_related("case", "form_version").filter(
            case__in=Case.objects.visible_to(user)
        ),
        user=user,
        public_id=public_id,
        object_type="questionnaire.session",
        read_action="questionnaire.session.viewed",
    )


def sessions_for_case(*, user, case: Case) -> QuerySet[QuestionnaireSession]:
    return QuestionnaireSession.objects.filter(
        case=case, case__in=Case.objects.visible_to(user)
    ).select_related("form_version")


# The newest run first: created last, and of two created in the same instant the later row.
LATEST_FIRST = ("-created_at", "-id")


def latest_run(
    *, case: Case | None = None, session: QuestionnaireSession | None = None
) -> ScreeningRun | None:
    """The latest screening run of a percorso, or of one questionnaire session; None if none.

    The one definition of "latest" (`latest_runs` is the same for many percorsi). No permission
    check: the caller has already scoped the percorso or the session.
    """
    if (case is None) == (session is None):
        raise TypeError("latest_run() takes a case or a session, not both")
    runs = session.screenings if session is not None else case.screenings
    return runs.order_by(*LATEST_FIRST).first()


def latest_runs(case_ids: Iterable[int], *, only: Iterable[str] = ()) -> dict[int, ScreeningRun]:
    """{case id: its latest run} for many percorsi in one query (a percorso without a run is
    absent). `only` limits the columns read, e.g. to skip decrypting facts and results."""
    newest = (
        ScreeningRun.objects.filter(case_id=OuterRef("case_id"))
        .order_by(*LATEST_FIRST)
        .values("id")[:1]
    )
    runs = ScreeningRun.objects.filter(case_id__in=list(case_ids), id=Subquery(newest))
    if only:
        runs = runs.only("case_id", *only)
    return {run.case_id: run for run in runs}


def needs_for_case(*, case: Case) -> list[str]:
    return list(CaseNeed.objects.filter(case=case).values_list("need", flat=True).order_by("need"))


@dataclass
class MeasureRow:
    measure: str
    name: str
    status: str
    reasons: list[dict]
    missing: list[tuple[str, str, int | None]]  # (fact, its question in Italian, page)
    documents: list[str]
    applies: str
    channel: str
    amount: dict | None
    caveats: list[str]


def results_for_display(*, run: ScreeningRun, definition, runner) -> list[MeasureRow]:
    """Each measure's result with its name, and each missing fact linked to its question's page."""
    catalogue = CATALOGUE  # loaded once per process, never re-parsed on a page
    rows = []
    for result in run.results:
        measure = catalogue.by_id[result["measure"]]
        missing = []
        for fact in result["missing"]:
            question = definition.fact_questions.get(fact)
            label = definition.question(question).label("it") if question else fact_label(fact)
            missing.append((fact, label, runner.page_of_question(question) if question else None))
        rows.append(
            MeasureRow(
                measure=result["measure"],
                name=measure.name_it,
                status=result["status"],
                reasons=result["reasons"],
                missing=missing,
                documents=result["documents"],
                applies=result["applies"],
                channel=result["channel"],
                amount=result["amount"],
                caveats=result["caveats"],
            )
        )
    return sorted(rows, key=lambda row: RESULT_ORDER.get(row.status, len(RESULT_ORDER)))


@dataclass(frozen=True)
class DecidingFact:
    """A missing fact as the result's summary shows it: its question in Italian, how many
    measures still to check it would help decide, and the page of its question."""

    label: str
    count: int
    page: int | None


@dataclass(frozen=True)
class ResultOverview:
    eligible: list[MeasureRow]
    undetermined: list[MeasureRow]
    not_eligible: list[MeasureRow]
    deciding: list[DecidingFact]


def result_overview(measures: list[MeasureRow], *, top: int = 5) -> ResultOverview:
    """The summary on top of the result: the measures by status, and the missing facts shared
    by the most measures still to check (most first, then in the order of the questions)."""
    by_status: dict[str, list[MeasureRow]] = {status: [] for status in RESULT_ORDER}
    for row in measures:
        by_status.setdefault(row.status, []).append(row)
    counts: dict[str, list] = {}
    for row in by_status["undetermined"]:
        for fact, label, page in row.missing:
            entry = counts.setdefault(fact, [label, 0, page, len(counts)])
            entry[1] += 1
    ranked = sorted(counts.values(), key=lambda e: (-e[1], e[2] if e[2] is not None else 1e9, e[3]))
    return ResultOverview(
        eligible=by_status["eligible"],
        undetermined=by_status["undetermined"],
        not_eligible=by_status["not_eligible"],
        deciding=[DecidingFact(label, count, page) for label, count, page, _ in ranked[:top]],
    )


def form_versions(*, user) -> QuerySet[FormVersion]:
    if not has_perm(user, Perm.QUESTIONNAIRE_MANAGE):
        return FormVersion.objects.none()
    return FormVersion.objects.select_related("uploaded_by").order_by("-created_at")


def form_version_get(*, user, public_id) -> FormVersion:
    version = form_versions(user=user).filter(public_id=public_id).first()
    if version is None:
        raise Http404
    return version


@dataclass(frozen=True)
class VersionRow:
    """A version as the administrators' list shows it: its state in words, with the date the
    next published version replaced it (a replaced version no longer reads "Pubblicata")."""

    version: FormVersion
    is_current: bool
    replaced_at: object | None  # datetime


def form_version_rows(*, user) -> list[VersionRow]:
    versions = list(form_versions(user=user))
    published = sorted(
        (v for v in versions if v.status == FormVersion.Status.PUBLISHED and v.published_at),
        key=lambda v: (v.published_at, v.pk),
    )
    replaced = {older.pk: newer.published_at for older, newer in itertools.pairwise(published)}
    current = published[-1].pk if published else None
    return [VersionRow(v, v.pk == current, replaced.get(v.pk)) for v in versions]


def form_version_previous(version: FormVersion) -> FormVersion | None:
    """The version to compare with by default: the one in use before it was published (for a
    draft, the one in use now)."""
    published = FormVersion.objects.filter(status=FormVersion.Status.PUBLISHED).exclude(
        pk=version.pk
    )
    if version.published_at is not None:
        published = published.filter(published_at__lt=version.published_at)
    return published.order_by("-published_at", "-id").first()


def form_version_workbook(version: FormVersion) -> bytes:
    return xlsform.to_workbook_bytes(xlsform.FormRows.from_dict(version.rows))


def changed_runs_for_user(*, user, limit: int = 10) -> list[ScreeningRun]:
    """Re-screenings whose results changed and that nobody of the centre has looked at yet."""
    return list(
        ScreeningRun.objects.filter(
            case__in=Case.objects.visible_to(user), reviewed_at__isnull=True
        )
        .exclude(changed_measures=[])
        .select_related("case", "session")
        .order_by("-created_at")[:limit]
    )


def sessions_in_progress_for_user(*, user, mode: str, limit: int) -> list[QuestionnaireSession]:
    """Her centre's questionnaires still in progress in one mode (with her, or on the tablet),
    the one left longest first. One query on the partial index `qsession_in_progress`, at most
    `limit` rows. Permission: case.view through Case.objects.visible_to (else empty)."""
    return list(
        QuestionnaireSession.objects.filter(
            case__in=Case.objects.visible_to(user),
            status=QuestionnaireSession.Status.IN_PROGRESS,
            mode=mode,
        )
        .select_related("case")
        .order_by("updated_at", "id")[:limit]
    )
