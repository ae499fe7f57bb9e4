"""Means-tested inclusion measures: ADI, SFL, Carta Dedicata a te, and the ISEE corrente advice."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from scarpette.screening.catalogue import CATALOGUE, Period
from scarpette.screening.evaluation import Check, Context, amount, eur, unverified_mark
from scarpette.screening.logic import (
    FALSE,
    TRUE,
    Tri,
    all_of,
    any_of,
    fact_is,
    fact_test,
    not_,
    of,
    open_case,
    unknown,
)
from scarpette.screening.rules._common import (
    EU_CITIZENS,
    PERMIT_18BIS_OPEN,
    citizenship,
    isee_notes,
    isee_waiver,
)

_ADI_PERMITS = frozenset({"eu_long_term", "eu_family_member_card", "international_protection"})
_ADI_OPEN_PERMITS = {"domestic_violence": PERMIT_18BIS_OPEN}

_MEMBER_FACTS = ("children", "household_members_over_60", "household_members_disabled")


class Household:
    """What the facts say about her household (ADI/SFL nucleo: her, her children living with her,
    and the other members the facts count), as certain lower bounds plus what is still unknown.

    Rules compare money against thresholds that grow with the household; when part of the
    household is unknown they compare against the lowest and highest possible threshold, so an
    unknown member only matters when it could change the answer.
    """

    __slots__ = (
        "missing",
        "exact",
        "minors",
        "under3",
        "disabled",
        "over60",
        "kids_with_her",
        "members_min",
    )

    @classmethod
    def of(cls, ctx: Context) -> Household:
        """The household of this profile, computed once and shared by ADI, SFL and Carta."""
        household = ctx.cache.get("household")
        if household is None:
            household = ctx.cache["household"] = cls(ctx)
        return household

    def __init__(self, ctx: Context) -> None:
        facts = ctx.facts
        missing: list[str] = []
        over60 = facts.get("household_members_over_60")
        disabled = facts.get("household_members_disabled")
        if over60 is None:
            missing.append("household_members_over_60")
        if disabled is None:
            missing.append("household_members_disabled")
        minors = kids_with_her = kid_disabled = 0
        under3 = False
        if ctx.kids is None:
            missing.append("children")
        else:
            uncertain = False
            for kid in ctx.kids:
                lives = kid.lives
                if lives is False:
                    continue
                minor = kid.age_test(lambda a: a < 18).value
                baby = kid.age_test(lambda a: a < 3).value
                if (
                    lives is None
                    or minor is None
                    or (minor and baby is None)
                    or (kid.disabled is None)
                ):
                    uncertain = True
                if lives is not True:
                    continue
                kids_with_her += 1
                if minor:
                    minors += 1
                    if baby:
                        under3 = True
                if kid.disabled:
                    kid_disabled += 1
            if uncertain:
                missing.append("children")
        self.missing = tuple(missing)
        self.exact = not missing
        self.minors = minors
        self.under3 = under3
        self.disabled = (disabled or 0) + kid_disabled
        self.over60 = over60 or 0
        self.kids_with_her = kids_with_her
        # Over-60 and disabled members may be the same people: count the larger group only.
        self.members_min = 1 + kids_with_her + max(over60 or 0, disabled or 0)

    def adi_scale(self, caps: dict) -> tuple[float, float]:
        """ADI equivalence scale (art. 2 c. 4 DL 48/2023): (certain minimum, possible maximum)."""
        minors = self.minors
        scale = (
            1.0
            + 0.5 * self.disabled
            + 0.4 * self.over60
            + (0.4 if (self.under3 or minors >= 3 or self.disabled) else 0.0)
            + 0.15 * min(minors, 2)
            + 0.10 * max(minors - 2, 0)
        )
        cap = caps["with_disability"] if self.disabled else caps["standard"]
        low = min(scale, cap)
        return low, (low if self.exact else caps["with_disability"])


def _all_over_67(ctx: Context, household: Household) -> bool | None:
    """Whether every member is 67 or older (ADI's higher income threshold)."""
    age = ctx.facts.get("age")
    if (age is not None and age < 67) or household.minors:
        return False
    if age is None:
        return None
    if household.exact and household.members_min == 1:
        return True
    return None  # others over 60 (or unknown members) may or may not be 67


def _income_test(
    income: float | None,
    bases: tuple[float, float],
    scales: tuple[float, float],
    missing: tuple[str, ...],
) -> Tri:
    """income < base x scale, with both factors known only as ranges."""
    if income is None:
        return unknown("household_income")
    if income < bases[0] * scales[0]:
        return TRUE
    if income >= bases[1] * scales[1]:
        return FALSE
    if missing:
        return Tri(None, missing)
    return open_case(
        "La soglia di reddito dipende dall'età degli altri componenti del nucleo (è più alta se "
        "tutti hanno almeno 67 anni): verificare."
    )


def _financial_test(ctx: Context, household: Household, limits: dict) -> Tri:
    """Movable assets within the limit, which grows with the household (ADI/SFL)."""
    value = ctx.facts.get("assets_financial")
    if value is None:
        return unknown("assets_financial")
    members = household.members_min
    limit = (
        min(limits["base"] + limits["per_member"] * (members - 1), limits["members_cap"])
        + limits["per_minor_after_second"] * max(household.minors - 2, 0)
        + limits["per_disabled"] * household.disabled
    )
    if value <= limit:
        return TRUE
    return FALSE if household.exact else Tri(None, household.missing)


@lru_cache(maxsize=512)
def _params(measure_id: str, day: date) -> dict[str, Period | None]:
    """All of a measure's parameters on `day` (shared, read-only)."""
    measure = CATALOGUE.by_id[measure_id]
    return {name: measure.param(name, day) for name in measure.parameters}


def _adi_params(day: date) -> dict[str, Period | None]:
    return _params("assegno_inclusione", day)


def assegno_inclusione(check: Check, ctx: Context) -> dict:
    """DL 48/2023 artt. 1-2 (conv. L. 85/2023), thresholds from L. 207/2024."""
    facts = ctx.facts
    day = ctx.as_of
    p = _adi_params(day)
    household = Household.of(ctx)

    qualifying_age = p["qualifying_age"].value
    check.need(
        "qualifying_member",
        any_of(
            ctx.any_kid(lambda k: _with_her(k, k.age_test(lambda a: a < 18))),
            fact_test(facts, "age", lambda a: a >= qualifying_age),
            fact_test(facts, "household_members_over_60", lambda n: n > 0),
            fact_test(facts, "household_members_disabled", lambda n: n > 0),
            ctx.any_kid(lambda k: _with_her(k, k.flag(k.disabled))),
            fact_is(facts, "disadvantage_attested"),
        ),
    )
    _citizenship_and_residence(check, ctx, p["residence_years"])
    check.need("no_measures", fact_is(facts, "precautionary_measure_or_conviction", False))

    isee_max = p["isee_max"]
    isee = any_of(fact_test(facts, "isee", lambda v: v <= isee_max.value), isee_waiver(ctx))
    check.need("isee", isee, isee_max)
    _waiver_note(check, ctx, isee)
    isee_notes(check, ctx, family_isee=True)

    scales = household.adi_scale(p["scale_cap"].value)
    all67 = _all_over_67(ctx, household)
    base_std, base_67, base_rent = (
        p["income_base"].value,
        p["income_base_over67"].value,
        p["income_base_renting"].value,
    )
    renting = facts.get("renting")
    missing = list(household.missing)
    if renting is True:
        bases = (base_rent, base_rent)
    else:
        low = base_67 if all67 is True else base_std
        high = base_std if all67 is False else base_67
        if all67 is None and facts.get("age") is None:
            missing.append("age")
        if renting is None:
            high = max(high, base_rent)
            missing.append("renting")
        bases = (low, high)
    income = facts.get("household_income")
    if renting is True and income is not None and base_rent <= income < base_rent * scales[1]:
        # DL 48/2023 art. 2 c. 2 lett. b) n. 4 raises the threshold for renters; we read it, as
        # the ordinary one, multiplied by the equivalence scale (docs/screening.md).
        check.note_if_positive(
            "Per chi è in affitto la soglia di reddito di "
            f"{eur(base_rent)} è stata moltiplicata per la scala di equivalenza del nucleo, come "
            "quella ordinaria: se l'INPS la applicasse senza scala, con questo reddito il "
            "requisito non sarebbe soddisfatto. Verificare con la circolare INPS 105/2023."
        )
    check.need(
        "income",
        _income_test(income, bases, scales, tuple(missing)),
        p["income_base"],
        p["income_base_over67"] if all67 is not False else None,
        p["income_base_renting"] if renting is not False else None,
    )

    _assets_within_limits(check, ctx, household, p)

    if any(
        facts.get(name) is True
        for name in ("followed_by_cav", "followed_by_social_services", "in_shelter")
    ):
        check.note_if_positive(
            "Come vittima di violenza in un percorso di protezione è esonerata dagli obblighi di "
            "attivazione lavorativa."
        )

    result_amount = None
    if income is not None:
        topup_base = base_67 if all67 is True else base_std
        yearly = topup_base * scales[0] - income
        months = p["duration_months"].value
        if yearly > 0:
            result_amount = amount(yearly / 12, months)
            check.note_period(p["income_base"])
            if not household.exact:
                check.note_if_positive(
                    "Importo stimato sul nucleo noto: può essere più alto se nel nucleo ci sono "
                    "altri componenti (figli minori, persone con disabilità o con 60 anni e più)."
                )
        if renting is not False:
            rent = p["rent_max"]
            check.note_if_positive(
                "Se la famiglia paga un affitto registrato si aggiunge un contributo fino a "
                f"{eur(rent.value)} l'anno ({eur(rent.value / 12)} al mese)"
                f"{unverified_mark(rent, plural=False)}."
            )
            check.note_period(rent)
    return check.result(result_amount)


def _assets_within_limits(
    check: Check, ctx: Context, household: Household, params: dict[str, Period | None]
) -> None:
    """Real estate and financial assets under the limits of `params` (ADI's, which SFL shares)."""
    real_estate = params["real_estate_max"]
    check.need(
        "real_estate",
        fact_test(ctx.facts, "assets_real_estate", lambda v: v <= real_estate.value),
        real_estate,
    )
    check.need(
        "financial",
        _financial_test(ctx, household, params["financial_limits"].value),
        params["financial_limits"],
    )


def _with_her(kid, tri: Tri) -> Tri:
    """A child counts in her household only if the child lives with her."""
    return all_of(tri, kid.flag(kid.lives))


def _citizenship_and_residence(check: Check, ctx: Context, years: Period) -> None:
    facts = ctx.facts
    check.need(
        "citizenship",
        citizenship(facts, EU_CITIZENS, _ADI_PERMITS, _ADI_OPEN_PERMITS, TRUE),
    )
    check.need("resident", fact_is(facts, "resident_in_italy"))
    check.need(
        "five_years",
        fact_test(facts, "years_resident_in_italy", lambda v: v >= years.value),
        years,
    )
    check.need("continuous", fact_is(facts, "last_two_years_continuous_residence"))


def _waiver_note(check: Check, ctx: Context, isee: Tri) -> None:
    """When the ISEE test fails, tell operators about the announced waiver for victims."""
    if isee.value is not False:
        return
    period = CATALOGUE.common_param("isee_waiver_announced", ctx.as_of)
    facts = ctx.facts
    if (
        period
        and period.value
        and (facts.get("followed_by_cav") is True or facts.get("in_shelter") is True)
    ):
        check.note(period.note)


def supporto_formazione_lavoro(check: Check, ctx: Context) -> dict:
    """Art. 12 DL 48/2023; L. 207/2024 art. 1 c. 198 (2025 thresholds and amount)."""
    facts = ctx.facts
    day = ctx.as_of
    measure = check.measure
    p = _params(measure.id, day)
    adi = _adi_params(day)
    household = Household.of(ctx)

    age_min, age_max = p["age_min"].value, p["age_max"].value
    check.need("age", fact_test(facts, "age", lambda a: age_min <= a <= age_max))
    check.need(
        "not_adi", not_(ctx.outcomes.get("assegno_inclusione", unknown("assegno_inclusione")))
    )
    isee_max = p["isee_max"]
    isee = any_of(fact_test(facts, "isee", lambda v: v <= isee_max.value), isee_waiver(ctx))
    check.need("isee", isee, isee_max)
    _waiver_note(check, ctx, isee)
    isee_notes(check, ctx, family_isee=True)
    income_max = p["income_max"]
    check.need(
        "income",
        fact_test(facts, "household_income", lambda v: v <= income_max.value),
        income_max,
    )
    _citizenship_and_residence(check, ctx, adi["residence_years"])
    check.need("no_measures", fact_is(facts, "precautionary_measure_or_conviction", False))
    _assets_within_limits(check, ctx, household, adi)
    if ctx.benefits is not None and "assegno_inclusione" in ctx.benefits:
        check.note(
            "Risulta che percepisce già l'ADI: l'SFL spetta solo a chi non è nella scala di "
            "equivalenza dell'ADI."
        )
    monthly, months = p["monthly"], p["months"]
    check.note_period(monthly)
    return check.result(amount(monthly.value, months.value))


_CARTA_EXCLUDING = frozenset({"assegno_inclusione", "naspi", "dis_coll"})


def carta_dedicata_a_te(check: Check, ctx: Context) -> dict:
    """Yearly decree (2025: DM Masaf/Lavoro): ISEE, household of 3 or more, no other supports."""
    facts = ctx.facts
    edition = check.measure.param("edition", ctx.as_of)
    if edition is None:
        check.need("isee", FALSE)
        return check.result(None)
    values = edition.value
    check.cite(
        f"L. 197/2022, art. 1 c. 450; {values['decree']}",
        "isee",
        "members",
        "resident",
        "no_excluded_benefits",
    )
    check.need("isee", fact_test(facts, "isee", lambda v: v <= values["isee_max"]), edition)
    isee_notes(check, ctx, family_isee=False)
    household = Household.of(ctx)
    minimum = values["min_members"]
    if household.members_min >= minimum:
        members = TRUE
    elif household.exact:
        upper = 1 + household.kids_with_her + household.over60 + household.disabled
        members = (
            FALSE
            if upper < minimum
            else open_case(
                "Non è chiaro se le persone anziane e quelle con disabilità indicate siano le "
                "stesse: verificare il numero dei componenti del nucleo."
            )
        )
    else:
        members = Tri(None, household.missing)
    check.need("members", members, edition)
    if members.value is False:
        check.note(
            "Contano tutti i componenti del nucleo anagrafico: se ci sono altri adulti non "
            "indicati il requisito potrebbe essere soddisfatto."
        )
    check.need("resident", fact_is(facts, "resident_in_italy"))
    benefits = ctx.benefits
    check.need(
        "no_excluded_benefits",
        unknown("current_benefits") if benefits is None else of(not (benefits & _CARTA_EXCLUDING)),
    )
    check.note_period(edition)
    return check.result(amount(None, None, values["amount"]))


def isee_corrente(check: Check, ctx: Context) -> dict:
    """DPCM 159/2013 art. 9; modulo MS (decreto direttoriale 75/2025)."""
    facts = ctx.facts
    # Either change is enough; the asset route (more than 20%) exists from 1 April 2025.
    route = check.measure.param("asset_route", ctx.as_of)
    assets = fact_is(facts, "assets_drop_recent") if route.value else FALSE
    check.need("income_drop", any_of(fact_is(facts, "income_drop_recent"), assets), route)
    if facts.get("has_isee") is False:
        check.note_if_positive(
            "Non ha ancora un ISEE valido: l'ISEE corrente si chiede insieme alla DSU ordinaria."
        )
    return check.result(None)
