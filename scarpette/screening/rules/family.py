"""Family measures: Assegno Unico, the two maternity allowances, bonus asilo nido."""

from __future__ import annotations

from datetime import date

from scarpette.screening.evaluation import (
    Check,
    Context,
    Kid,
    amount,
    eur,
    unverified_mark,
    within_months,
)
from scarpette.screening.facts import PERMITS
from scarpette.screening.logic import (
    FALSE,
    TRUE,
    Tri,
    all_of,
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
    birth_within,
    citizenship,
    isee_notes,
    recent_births,
)

_YOUNG_ADULT = (
    "Per i figli tra 18 e 21 anni l'Assegno Unico spetta solo se studiano, fanno formazione o "
    "tirocinio, il servizio civile, sono disoccupati iscritti al Centro per l'impiego o lavorano "
    "con reddito basso: verificare."
)


def _dependent(kid: Kid) -> Tri:
    minor = kid.age_test(lambda a: a < 18)
    young = all_of(kid.age_test(lambda a: 18 <= a < 21), open_case(_YOUNG_ADULT))
    return any_of(minor, young, kid.flag(kid.disabled))


# Art. 3 d.lgs. 230/2021 (permit details: circ. INPS 41/2023): not verified in detail.
_AUU_PERMITS = frozenset(
    {"eu_long_term", "eu_family_member_card", "international_protection", "work"}
)
_AUU_CHECK_PERMIT = (
    "Per questo permesso le fonti consultate non chiariscono se dia diritto all'Assegno Unico "
    "(art. 3 d.lgs. 230/2021, circolare INPS 41/2023): verificare."
)


def _non_eu_permit(
    check: Check, ctx: Context, ok: frozenset[str], open_note: str, *, stateless: Tri
) -> None:
    """Citizenship for the family measures: a non-EU woman needs a permit (known rule) of a kind
    the measure accepts (checked separately, because the list is less certain)."""
    facts = ctx.facts
    if facts.get("citizenship") == "NON_EU":
        check.need("lawful_stay", fact_test(facts, "permit", lambda p: p != "none"))
        permit = facts.get("permit")
        if permit is None:
            tri = unknown("permit")
        elif permit == "none" or permit in ok:
            tri = TRUE if permit in ok else FALSE
        elif permit == "domestic_violence":
            tri = open_case(PERMIT_18BIS_OPEN)
        else:
            tri = open_case(open_note)
        if permit != "none":
            check.need("permit", tri)
    else:
        check.need("citizenship", citizenship(facts, EU_CITIZENS, ok, {}, stateless))


def _auu_per_child(table: dict, isee: float) -> float:
    """Monthly amount per minor child for an ISEE value: the table is a fine step scale between
    two limits, approximated linearly (the result is labelled an estimate)."""
    if isee <= table["isee_low"]:
        return table["max"]
    if isee >= table["isee_high"]:
        return table["min"]
    share = (isee - table["isee_low"]) / (table["isee_high"] - table["isee_low"])
    return table["max"] - share * (table["max"] - table["min"])


def assegno_unico(check: Check, ctx: Context) -> dict:
    """D.lgs. 230/2021; 2026 amounts from circ. INPS 7/2026."""
    facts = ctx.facts
    measure = check.measure
    check.need(
        "dependent_child",
        any_of(
            ctx.any_kid(_dependent),
            fact_test(facts, "pregnant_month", lambda m: m >= 7),
        ),
    )
    check.need("resident", fact_is(facts, "resident_in_italy"))
    _non_eu_permit(check, ctx, _AUU_PERMITS, _AUU_CHECK_PERMIT, stateless=open_case(STATELESS_OPEN))
    isee_notes(check, ctx, family_isee=True)

    table_period = measure.param("amount_table", ctx.as_of)
    months = measure.param("months", ctx.as_of)
    result_amount = None
    if table_period is not None and months is not None and ctx.kids is not None:
        minors = [k.age_test(lambda a: a < 18).value for k in ctx.kids]
        if None not in minors:
            count = sum(1 for m in minors if m)
            if facts.get("pregnant_month", 0) >= 7:
                count += 1
            isee = facts.get("isee")
            table = table_period.value
            if isee is not None:
                per_child = _auu_per_child(table, isee)
            elif facts.get("has_isee") is False:
                per_child = table["min"]
                check.note_if_positive(
                    "Senza ISEE valido spetta l'importo minimo; se la DSU è presentata entro il "
                    "30 giugno si ricevono gli arretrati."
                )
            else:
                per_child = None
                check.note_if_positive(
                    f"Importo per figlio minore tra {eur(table['min'])} e {eur(table['max'])} al "
                    f"mese secondo l'ISEE{unverified_mark(table_period)}."
                )
                check.note_period(table_period)
            if per_child is not None and count:
                result_amount = amount(per_child * count, months.value)
                check.note_period(table_period)
                check.note_if_positive(
                    "Importo base stimato per i figli minori; non comprende le maggiorazioni "
                    "(figli sotto 1 anno, famiglie numerose, disabilità, entrambi i genitori che "
                    "lavorano) né gli importi per i figli maggiorenni."
                )

    custody = facts.get("exclusive_custody_or_court_order")
    if custody is True:
        check.note_if_positive(
            "Con affidamento esclusivo o un provvedimento del giudice che le assegna i contributi "
            "pubblici per i figli può chiedere il 100% dell'assegno."
        )
    elif facts.get("other_parent_receives_auu") is True:
        check.note(
            "Attenzione: l'Assegno Unico risulta pagato all'altro genitore. Senza un provvedimento "
            "del giudice (affidamento, assegnazione dei contributi pubblici o provvedimenti "
            "urgenti art. 473-bis.22 c.p.c.) l'INPS non lo ripartisce: indirizzare a una "
            "consulenza legale. Per l'ISEE dei figli l'altro genitore può essere escluso nei casi "
            "dell'art. 7 "
            "DPCM 159/2013 (allontanamento, esclusione dalla responsabilità genitoriale, "
            "estraneità accertata dai servizi sociali)."
        )
    if custody is not True:
        check.note_if_positive(
            "Di regola l'assegno è diviso al 50% tra i genitori: l'importo indicato è quello "
            "complessivo per i figli."
        )
    if ctx.kids and any(kid.lives is False for kid in ctx.kids):
        check.note_if_positive(
            "Un figlio non vive con lei: l'Assegno Unico spetta ai genitori che esercitano la "
            "responsabilità genitoriale (di regola al 50%), anche se il figlio vive con l'altro "
            "genitore; la domanda di solito la presenta il genitore con cui vive il figlio. Il "
            "figlio resta nell'importo indicato."
        )
    if ctx.as_of.year == 2026 and ctx.as_of.month <= 2:
        check.note_if_positive(
            "Per gennaio e febbraio 2026 l'INPS usa l'ISEE valido al 31 dicembre 2025 (messaggio "
            "INPS 102/2026)."
        )
    return check.result(result_amount)


_MATERNITY_PERMITS = frozenset(
    {"eu_long_term", "eu_family_member_card", "international_protection", "work", "family"}
)
_MATERNITY_CHECK_PERMIT = (
    "Per questo permesso non è chiaro se dia diritto all'assegno di maternità (artt. 74-75 "
    "d.lgs. 151/2001): verificare con il Comune o l'INPS."
)


def _recent_birth(check: Check, ctx: Context, months: int) -> list[date]:
    """Record the birth-window condition; return the known births inside it, latest first."""
    check.need("recent_birth", ctx.any_kid(lambda k: birth_within(k, ctx.as_of, months)))
    return recent_births(ctx, months)


def _maternity_pay(check: Check, ctx: Context) -> None:
    paid = ctx.facts.get("inps_maternity_pay")
    if paid is None:
        tri = unknown("inps_maternity_pay")
    elif paid:
        tri = open_case(
            "Riceve già l'indennità di maternità INPS: l'assegno spetta solo per la differenza, "
            "se l'indennità è più bassa. Verificare gli importi."
        )
    else:
        tri = TRUE
    check.need("no_inps_maternity", tri)


def _maternity_births_and_residence(check: Check, ctx: Context) -> list[date]:
    """What both maternity allowances check first: the births inside the measure's window (latest
    first, returned), her residence, and her permit if she is not an EU citizen."""
    window = check.measure.param("window_months", ctx.as_of).value
    births = _recent_birth(check, ctx, window)
    check.need("resident", fact_is(ctx.facts, "resident_in_italy"))
    _non_eu_permit(
        check, ctx, _MATERNITY_PERMITS, _MATERNITY_CHECK_PERMIT, stateless=open_case(STATELESS_OPEN)
    )
    return births


def assegno_maternita_comuni(check: Check, ctx: Context) -> dict:
    """Art. 74 d.lgs. 151/2001: birth in the last 6 months, ISEE limit, no/low INPS pay."""
    facts = ctx.facts
    measure = check.measure
    births = _maternity_births_and_residence(check, ctx)
    born = births[0] if births else None
    _maternity_pay(check, ctx)
    # Amount and ISEE limit are those of the year of birth.
    day = born or ctx.as_of
    isee_max = measure.param("isee_max", day)
    if isee_max is None:
        check.need("isee", open_case("Soglia ISEE non disponibile per l'anno di nascita."))
    else:
        check.need("isee", fact_test(facts, "isee", lambda v: v <= isee_max.value), isee_max)
    isee_notes(check, ctx, family_isee=False)
    monthly, months = measure.param("monthly", day), measure.param("months", day)
    result_amount = None
    if born is not None and monthly is not None and months is not None:
        result_amount = amount(monthly.value, months.value)
        check.note_period(monthly)
    return check.result(result_amount)


def assegno_maternita_stato(check: Check, ctx: Context) -> dict:
    """Art. 75 d.lgs. 151/2001: some contributions, birth in the last 6 months."""
    facts = ctx.facts
    measure = check.measure
    births = _maternity_births_and_residence(check, ctx)
    born = births[0] if births else None
    loss_months = measure.param("loss_window_months", born or ctx.as_of).value
    check.need(
        "contributions",
        any_of(
            fact_is(facts, "maternity_contributions"),
            _loss_before_birth(facts, births, loss_months),
        ),
    )
    _maternity_pay(check, ctx)
    total = measure.param("total", born or ctx.as_of)
    result_amount = None
    if born is not None and total is not None:
        result_amount = amount(None, None, total.value)
        check.note_period(total)
    return check.result(result_amount)


_LOSS_ROUTE = (
    "Ha perso il lavoro o una prestazione INPS nei 9 mesi prima del parto: l'assegno può "
    "spettare per questa via se quel lavoro (o il lavoro da cui derivava la prestazione) è durato "
    "almeno 3 mesi. Verificare i contributi con il patronato."
)


def _loss_before_birth(facts: dict, births: list[date], months: int) -> Tri:
    """Art. 75 d.lgs. 151/2001: a job or a benefit lost within `months` months before the birth.

    Counted forward from the loss (art. 2963 c.c.): the birth falls on or before the day with the
    same number `months` months later. Either route is enough; an unknown date never counts as
    "no" (then the result is undetermined and the date is missing).
    """
    if not births:
        return unknown("children")
    routes = []
    for name in ("job_end_date", "benefit_end_date"):
        lost = facts.get(name)
        if lost is None:
            routes.append(unknown(name))
        else:
            routes.append(of(any(within_months(lost, born, months) for born in births)))
    tri = any_of(*routes)
    return open_case(_LOSS_ROUTE) if tri.value is True else tri


# Any permit will do for the bonus nido; without one, the other parent may still qualify.
_NIDO_PERMITS = frozenset(p for p in PERMITS if p != "none")
_NIDO_OPEN_PERMITS = {
    "none": "Basta che uno dei due genitori sia cittadino UE o abbia un permesso di "
    "soggiorno: verificare la situazione dell'altro genitore."
}
_STATELESS = open_case(STATELESS_OPEN)


def bonus_nido(check: Check, ctx: Context) -> dict:
    """Art. 1 c. 355 L. 232/2016 as amended (2025: L. 207/2024)."""
    facts = ctx.facts
    measure = check.measure
    max_age = measure.param("max_age", ctx.as_of).value
    check.need(
        "nursery_child",
        ctx.any_kid(lambda k: all_of(k.age_test(lambda a: a < max_age), k.flag(k.nursery))),
    )
    check.need("resident", fact_is(facts, "resident_in_italy"))
    check.need(
        "citizenship",
        citizenship(
            facts,
            EU_CITIZENS,
            _NIDO_PERMITS,
            _NIDO_OPEN_PERMITS,
            _STATELESS,
        ),
    )
    isee_notes(check, ctx, family_isee=True)

    period = measure.param("amounts", ctx.as_of)
    result_amount = None
    if period is None:
        check.note_if_positive("Importi non disponibili per la data indicata.")
    elif ctx.kids is not None:
        table = period.value
        isee = facts.get("isee")
        has_isee = facts.get("has_isee")
        # Each child in a nursery counts, with the amount of its own birth date: the total
        # must not depend on the order in which the children are listed.
        yearly_total = 0.0
        counted = 0
        uncertain = False
        for kid in ctx.kids:
            attends = all_of(kid.age_test(lambda a: a < max_age), kid.flag(kid.nursery)).value
            if attends is None:
                uncertain = True
                continue
            if not attends:
                continue
            new_rule = None if kid.born_on is None else kid.born_on >= table["newborn_from"]
            yearly = _nido_amount(table, isee, has_isee, new_rule)
            if yearly is None:
                counted = 0
                break
            yearly_total += yearly
            counted += 1
        if counted:
            instalments = table["instalments"]
            result_amount = amount(yearly_total / instalments, instalments, yearly_total)
            check.note_period(period)
            check.note_if_positive(
                "Importo massimo per ciascun figlio iscritto al nido, sommato per tutti i figli, "
                "rimborsato sulle rette pagate (rate mensili)."
            )
            if uncertain:
                check.note_if_positive(
                    "L'importo conta solo i figli che risultano iscritti al nido: per un altro "
                    "figlio sotto i 3 anni iscritto si aggiunge il suo importo."
                )
    return check.result(result_amount)


def _nido_amount(
    table: dict, isee: float | None, has_isee: bool | None, new_rule: bool | None
) -> float | None:
    if isee is None:
        return table["amount_other"] if has_isee is False else None
    if isee > table["isee_mid"]:
        return table["amount_other"]
    if new_rule is None:
        return None
    if new_rule:
        return table["newborn_amount"]
    return table["amount_low"] if isee <= table["isee_low"] else table["amount_mid"]
