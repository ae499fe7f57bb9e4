"""Measures for women in a path out of violence: Reddito di Libertà, paid leave, microcredito."""

from __future__ import annotations

from scarpette.screening.evaluation import Check, Context, add_years, amount, unverified_mark
from scarpette.screening.logic import (
    any_of,
    fact_is,
    fact_test,
    of,
    open_case,
    unknown,
)
from scarpette.screening.rules._common import (
    EU_CITIZENS,
    PERMIT_18BIS_OPEN,
    STATELESS_OPEN,
    citizenship,
)

# Circolare INPS 54/2025: refugees and subsidiary protection count as Italians.
_RDL_PERMITS = frozenset(
    {
        "eu_long_term",
        "eu_family_member_card",
        "application_receipt",
        "special_protection",
        "international_protection",
    }
)
_RDL_PERMIT_CONFLICT = (
    "Per questo tipo di permesso le fonti non concordano: la circolare INPS 54/2025 elenca "
    "permesso UE, carta di familiare UE, ricevuta della domanda e protezione speciale, mentre "
    "testi precedenti parlano di «regolare permesso di soggiorno». Verificare con il Comune o "
    "l'INPS prima di presentare la domanda."
)
_RDL_OPEN_PERMITS = {
    "work": _RDL_PERMIT_CONFLICT,
    "family": _RDL_PERMIT_CONFLICT,
    "study": _RDL_PERMIT_CONFLICT,
    "other": _RDL_PERMIT_CONFLICT,
    "domestic_violence": PERMIT_18BIS_OPEN,
}


def reddito_liberta(check: Check, ctx: Context) -> dict:
    """DM 2/12/2024 and circ. INPS 54/2025: CAV *and* social services, urgent need, residence."""
    facts = ctx.facts
    measure = check.measure
    check.need("cav", fact_is(facts, "followed_by_cav"))
    check.need("social_services", fact_is(facts, "followed_by_social_services"))
    check.need("urgent_need", fact_is(facts, "urgent_need_attested"))
    check.need("resident", fact_is(facts, "resident_in_italy"))
    check.need(
        "citizenship",
        citizenship(
            facts,
            EU_CITIZENS,
            _RDL_PERMITS,
            _RDL_OPEN_PERMITS,
            open_case(STATELESS_OPEN),
        ),
    )
    check.need("first_time", fact_is(facts, "received_rdl", False))

    # The application date decides the amount (400 EUR before 5 March 2025, 500 EUR from then).
    monthly = measure.param("monthly_amount", ctx.as_of)
    months = measure.param("months", ctx.as_of)
    result_amount = None
    if monthly is not None and months is not None:
        result_amount = amount(monthly.value, months.value)
        check.note_period(monthly)
    else:
        check.note_if_positive("Importo non disponibile per la data indicata.")
    return check.result(result_amount)


def congedo_violenza(check: Check, ctx: Context) -> dict:
    """Art. 24 d.lgs. 80/2015: active work, certified path, 90 working days within 3 years."""
    facts = ctx.facts
    measure = check.measure
    day = ctx.as_of
    covered = measure.param("covered_employment", day)
    employment = facts.get("employment")
    if employment is None:
        kind = unknown("employment")
    else:
        kind = of(covered is not None and employment in covered.value)
    check.need("worker_kind", kind, covered)
    check.need("active", fact_is(facts, "employment_active"))
    check.need(
        "certified_path",
        any_of(
            fact_is(facts, "followed_by_cav"),
            fact_is(facts, "followed_by_social_services"),
            fact_is(facts, "in_shelter"),
        ),
    )
    max_days = measure.param("max_days", day)
    limit = max_days.value if max_days else 90
    check.need(
        "days_left", fact_test(facts, "congedo_days_used", lambda used: used < limit), max_days
    )
    window = measure.param("window_years", day)
    start = facts.get("protection_path_start")
    years = window.value if window else 3
    # Three years counted forward from the start of the path, its anniversary included.
    if start is None:
        within = unknown("protection_path_start")
    elif day < start:
        within = open_case(
            "Il percorso di protezione certificato inizia dopo la data della valutazione: il "
            "congedo si può usare dall'inizio del percorso."
        )
    else:
        within = of(day <= add_years(start, years))
    check.need("within_window", within, window)

    used = facts.get("congedo_days_used")
    if used is not None and used < limit:
        check.note_if_positive(f"Restano {limit - used} giorni lavorativi di congedo.")
    if start is not None and start <= day <= add_years(start, years):
        end = add_years(start, years)
        check.note_if_positive(
            f"Il congedo va usato entro il {end.day:02d}/{end.month:02d}/{end.year} "
            "(tre anni dall'inizio del percorso)."
        )
    channel = None
    if employment == "employee_public":
        channel = (
            "La lavoratrice lo chiede alla propria amministrazione, che paga l'indennità; "
            "l'INPS gestisce solo i contributi figurativi."
        )
        check.note_if_positive(
            "Dipendente pubblica: indennità pari all'ultima retribuzione, pagata "
            "dall'amministrazione."
        )
    elif employment == "employee_private":
        check.note_if_positive(
            "Dipendente: indennità pari al 100% dell'ultima retribuzione (voci fisse e "
            "continuative), anticipata dal datore di lavoro, con contributi figurativi."
        )
    elif employment == "domestic_worker":
        check.note_if_positive(
            "Lavoratrice domestica: indennità pari all'ultima retribuzione; che la paghi "
            "direttamente l'INPS non è verificato, chiedere al patronato."
        )
    elif employment == "self_employed":
        daily = measure.param("self_employed_daily", day)
        value = (
            f" (circa {daily.value:.2f} € al giorno nel 2017){unverified_mark(daily, plural=False)}"
            if daily
            else ""
        )
        check.note_if_positive(
            "Lavoratrice autonoma: indennità pari all'80% del salario minimo giornaliero"
            f"{value}; il valore attuale va verificato con l'INPS."
        )
        check.note_period(daily)
    elif employment == "parasubordinate":
        check.note_if_positive(
            "Collaboratrice (co.co.co., Gestione Separata): ha diritto a sospendere il contratto "
            "per il periodo del congedo, ma senza indennità."
        )
    return check.result(None, channel=channel)


def microcredito_liberta(check: Check, ctx: Context) -> dict:
    """Protocol DPO-ABI-Federcasse-Caritas-ENM (2020): CAV or shelter, and a project."""
    facts = ctx.facts
    check.need(
        "cav_or_shelter",
        any_of(fact_is(facts, "followed_by_cav"), fact_is(facts, "in_shelter")),
    )
    check.need("project", fact_is(facts, "has_business_project"))
    if facts.get("has_business_project") is False:
        check.note(
            "Oltre al microcredito d'impresa esiste un microcredito sociale per bisogni personali "
            "e familiari: chiedere al centro antiviolenza se è attivo nel territorio."
        )
    return check.result(None)
