"""Predicates several measures share: citizenship and permits, ISEE notes, births, job endings."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from scarpette.screening.catalogue import CATALOGUE
from scarpette.screening.evaluation import (
    INCONSISTENT_CHILD,
    Check,
    Context,
    Kid,
    add_months,
    add_years,
    within_months,
)
from scarpette.screening.logic import (
    FALSE,
    TRUE,
    Tri,
    all_of,
    any_of,
    fact_is,
    of,
    open_case,
    unknown,
)

PERMIT_18BIS_OPEN = (
    "Il permesso per vittime di violenza domestica (art. 18-bis d.lgs. 286/1998) non è citato "
    "tra i titoli ammessi e le fonti non chiariscono se basti: verificare con l'INPS; se ha anche "
    "un altro permesso (per esempio UE per soggiornanti di lungo periodo) indicare quello."
)
STATELESS_OPEN = (
    "Lo status di apolide non è citato espressamente tra i requisiti di questa misura: verificare "
    "con l'INPS."
)
NEW_ISEE_2026 = (
    "Dal 1° gennaio 2026 questa misura usa l'ISEE per le prestazioni familiari e per l'inclusione "
    "(L. 199/2025, art. 1 c. 208; messaggio INPS 102/2026), con franchigia più alta sulla casa di "
    "abitazione: il valore ISEE indicato deve essere questo."
)
NO_DSU = (
    "Non ha un ISEE valido: serve presentare la DSU (on line, CAF o patronato) per conoscere il "
    "valore che decide il requisito."
)


# Italian and EU citizens: no permit needed for any measure.
EU_CITIZENS = frozenset({"IT", "EU"})


def citizenship(
    facts: dict[str, Any],
    ok_citizenship: frozenset[str],
    ok_permits: frozenset[str],
    open_permits: dict[str, str],
    stateless: Tri,
) -> Tri:
    """Her citizenship and, for a non-EU citizen, her permit, against one measure's lists.

    `open_permits` maps a permit to the note explaining why the sources leave it open; any other
    permit fails. Only citizenship is reported missing when unknown: the permit matters only once
    she is known to be a non-EU citizen.
    """
    value = facts.get("citizenship")
    if value is None:
        return unknown("citizenship")
    if value in ok_citizenship:
        return TRUE
    if value == "STATELESS":
        return stateless
    if value != "NON_EU":
        return FALSE
    permit = facts.get("permit")
    if permit is None:
        return unknown("permit")
    if permit in ok_permits:
        return TRUE
    note = open_permits.get(permit)
    return open_case(note) if note else FALSE


def is_non_eu(facts: dict[str, Any]) -> bool:
    return facts.get("citizenship") == "NON_EU"


def new_isee_applies(day: date) -> bool:
    period = CATALOGUE.common_param("new_isee_active", day)
    return bool(period and period.value)


def isee_notes(check: Check, ctx: Context, *, family_isee: bool) -> None:
    """Notes every ISEE-tested measure shares: no DSU yet, the 2026 indicator, ISEE corrente."""
    facts = ctx.facts
    if facts.get("isee") is None and facts.get("has_isee") is False:
        check.note_if_positive(NO_DSU)
    if family_isee and new_isee_applies(ctx.as_of):
        check.note_if_positive(NEW_ISEE_2026)
    if facts.get("income_drop_recent") is True:
        check.note(
            "Il suo reddito è calato o ha perso il lavoro dopo l'anno di riferimento dell'ISEE: "
            "un ISEE corrente può abbassare il valore (vedi la misura ISEE corrente)."
        )


def isee_waiver(ctx: Context) -> Tri:
    """The L. 199/2025 waiver: ISEE not required in the first 12 months of a CAV/shelter path.

    Off until INPS publishes instructions (parameter `isee_waiver_active` in _common.yaml);
    while off it never decides anything, and a caveat tells operators it is coming.
    """
    period = CATALOGUE.common_param("isee_waiver_active", ctx.as_of)
    if not (period and period.value):
        return FALSE
    facts = ctx.facts
    start = facts.get("protection_path_start")
    in_path = any_of(fact_is(facts, "followed_by_cav"), fact_is(facts, "in_shelter"))
    recent = (
        unknown("protection_path_start")
        if start is None
        else of(within_months(start, ctx.as_of, 12))
    )
    return all_of(in_path, recent)


def isee_waiver_note(check: Check, ctx: Context) -> None:
    """Tell operators about the announced waiver when the ISEE test fails during 2026-2027."""
    period = CATALOGUE.common_param("isee_waiver_announced", ctx.as_of)
    if period and period.value:
        check.negative.append(period.note)


def birth_within(kid: Kid, as_of: date, months: int) -> Tri:
    """The screening date falls within `months` months of the child's birth (the 6-month windows
    of the maternity allowances), counted forward from the birth (see `within_months`). Needs the
    birth date; an age of 1 or more rules it out."""
    born = kid.born_on
    age = kid.age
    if born is None:
        if age is not None and age >= 1:
            return FALSE
        return unknown("children")
    recent = within_months(born, as_of, months)
    if recent and age is not None and age >= 1:
        return open_case(INCONSISTENT_CHILD)
    return of(recent)


def recent_births(ctx: Context, months: int) -> list[date]:
    """Known birth dates inside the window, latest first (amounts fixed by the year of birth)."""
    if not ctx.kids:
        return []
    as_of = ctx.as_of
    return sorted(
        (
            k.born_on
            for k in ctx.kids
            if k.born_on is not None and birth_within(k, as_of, months).value is True
        ),
        reverse=True,
    )


def job_ended_tri(facts: dict[str, Any]) -> Tri:
    """She is not working now: out of work, or her work relationship has ended."""
    return any_of(
        TRUE
        if facts.get("employment") in ("unemployed", "not_working")
        else (unknown("employment") if facts.get("employment") is None else FALSE),
        fact_is(facts, "employment_active", False),
    )


VIOLENCE_RESIGNATION = (
    "Le dimissioni per sfuggire a violenza subita fuori dal lavoro non sono una giusta causa "
    "riconosciuta dall'INPS (in un caso noto la NASpI è stata respinta): l'esito è incerto e non "
    "va consigliato di dimettersi per ottenere la disoccupazione. Prima valutare il congedo "
    "indennizzato per le vittime di violenza (art. 24 d.lgs. 80/2015) e il passaggio al "
    "part-time; per il caso concreto consultare un patronato o un'avvocata."
)
WORKPLACE_JUST_CAUSE = (
    "Dimissioni per giusta causa legata al lavoro (per esempio molestie o violenza sul luogo di "
    "lavoro, stipendi non pagati): la disoccupazione spetta se la giusta causa è riconosciuta; "
    "serve una verifica legale (patronato, sindacato o avvocata) e documentazione dei fatti."
)
MATERNITY_RESIGNATION = (
    "Le dimissioni sembrano cadere nel periodo tutelato di maternità (dalla gravidanza al primo "
    "anno del figlio): in quel caso la disoccupazione spetta. Verificare le date e la convalida "
    "delle dimissioni all'Ispettorato del lavoro."
)


def _maternity_protected(ctx: Context, end: date | None) -> Tri:
    """Resignation in the protected maternity period: from the start of pregnancy (300 days
    before the birth) to the child's first birthday.

    Unknown dates or children leave it undetermined (never false): "involuntary" is an
    alternative, and an unknown alternative must not turn into "not eligible".
    """
    if end is None:
        return unknown("job_end_date")
    facts = ctx.facts
    as_of = ctx.as_of
    pregnant = facts.get("pregnant_month")
    if pregnant is None:
        # A pregnancy that began after the job ended cannot protect that resignation.
        by_pregnancy = unknown("pregnant_month") if end >= add_months(as_of, -9) else FALSE
    else:
        by_pregnancy = of(bool(pregnant) and end >= add_months(as_of, -pregnant))
    if ctx.kids is None:
        return any_of(by_pregnancy, unknown("children"))
    return any_of(by_pregnancy, *(_protected_by(kid, end, as_of) for kid in ctx.kids))


def _protected_by(kid: Kid, end: date, as_of: date) -> Tri:
    """Whether `end` falls between 300 days before this child's birth and the first birthday."""
    born = kid.born_on
    if born is not None:
        return of(born - timedelta(days=300) <= end <= add_years(born, 1))
    if kid.age is None:
        return unknown("children")
    # Only the age is known: the birth lies between these two days.
    latest = add_years(as_of, -kid.age)
    earliest = add_years(as_of, -kid.age - 1) + timedelta(days=1)
    if end > add_years(latest, 1) or end < earliest - timedelta(days=300):
        return FALSE
    if latest - timedelta(days=300) <= end <= add_years(earliest, 1):
        return TRUE
    return unknown("children")


def involuntary_tri(ctx: Context) -> Tri:
    """The job ended against her will (NASpI and DIS-COLL), with the violence rule.

    A resignation because of violence outside work is never "eligible": it stays undetermined
    whatever job_loss_involuntary says, with the advice to consider the paid leave first.
    """
    facts = ctx.facts
    reason = facts.get("resignation_reason")
    if reason == "violence_outside_work":
        return open_case(VIOLENCE_RESIGNATION)
    if reason is None:
        by_reason = unknown("resignation_reason")
    elif reason == "workplace_just_cause":
        by_reason = open_case(WORKPLACE_JUST_CAUSE)
    else:
        protected = _maternity_protected(ctx, facts.get("job_end_date"))
        by_reason = open_case(MATERNITY_RESIGNATION) if protected.value is True else protected
    return any_of(fact_is(facts, "job_loss_involuntary"), by_reason)


NOT_ENDED_YET = (
    "Alla data della valutazione il lavoro non è ancora finito: la domanda si presenta dopo la "
    "fine del rapporto di lavoro, entro il termine."
)


def application_deadline(ctx: Context, days: int) -> Tri:
    """Within `days` days of the end of the job (NASpI and DIS-COLL: 68).

    The day the job ended is not counted (art. 2963 c.c.), so the last day is the end date plus
    `days`; before the job has ended the application cannot be made yet.
    """
    end = ctx.facts.get("job_end_date")
    if end is None:
        return unknown("job_end_date")
    if ctx.as_of < end:
        return open_case(NOT_ENDED_YET)
    return of(ctx.as_of <= end + timedelta(days=days))
