"""The per-profile context the rules read, and `Check`, which turns conditions into a result.

A rule states each condition of its measure as `check.need(condition_id, tri, *periods)`; `Check`
applies the contract's meaning of the statuses:

- not_eligible: at least one condition is known to fail (the reasons name the failed ones);
- undetermined: none fails, at least one is undetermined (missing facts, or the law is open);
- eligible: every condition is met by known facts.

Confidence is applied here, once, for every measure: a condition or parameter that is not
"confirmed" adds a caveat saying what to check to any positive result; a failure that rests on an
*unverified* condition or parameter does not exclude her (the result stays undetermined, with the
caveat), because a wrong "not eligible" costs her money; a failure resting on a one-source item
excludes her but says which item to confirm.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from scarpette.screening.catalogue import Condition, Measure, Period, weaker
from scarpette.screening.logic import FALSE, TRUE, Tri, any_of, of, open_case, unknown

INCONSISTENT_CHILD = (
    "L'età e la data di nascita di un figlio non coincidono: correggere i dati del figlio."
)


def years_between(start: date, end: date) -> int:
    """Whole years from `start` to `end` (an age on `end` for someone born on `start`).

    Counted as art. 2963 c.c. counts periods: a year ends on the day with the same number, so
    someone born on 29 February has a birthday on 28 February in a common year.
    """
    years = end.year - start.year
    if years > 0 and add_years(start, years) > end:
        years -= 1
    return years


_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _month_length(year: int, month: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS_IN_MONTH[month - 1]


def add_years(day: date, years: int) -> date:
    """`day` plus whole years; 29 February becomes 28 February in a common year."""
    year = day.year + years
    if day.month == 2 and day.day == 29 and _month_length(year, 2) == 28:
        return date(year, 2, 28)
    return day.replace(year=year)


def add_months(day: date, months: int) -> date:
    """`day` plus (or minus) whole months, clamped to the end of the month (art. 2963 c.c.)."""
    year, month = divmod(day.year * 12 + (day.month - 1) + months, 12)
    month += 1
    return date(year, month, min(day.day, _month_length(year, month)))


def within_months(event: date, day: date, months: int) -> bool:
    """`day` falls within `months` months of `event`, counted forward from the event.

    Art. 2963 c.c.: a period in months ends on the day of the same number in the last month
    (the month's last day if that day does not exist), and that day still counts. So a birth on
    28 February is "within six months" until 28 August, not 31 August.
    """
    return event <= day <= add_months(event, months)


class Kid:
    """One child as the rules see it: known fields, and her age derived from `born_on` as well."""

    __slots__ = ("age", "birth_age", "born_on", "unborn", "disabled", "lives", "nursery")

    def __init__(self, data: dict[str, Any], as_of: date) -> None:
        self.age: int | None = data.get("age")
        self.born_on: date | None = data.get("born_on")
        self.unborn = self.born_on is not None and self.born_on > as_of
        self.birth_age: int | None = (
            years_between(self.born_on, as_of)
            if self.born_on is not None and not self.unborn
            else None
        )
        self.disabled: bool | None = data.get("disabled")
        self.lives: bool | None = data.get("lives_with_her")
        self.nursery: bool | None = data.get("in_nursery")

    def age_test(self, test: Any) -> Tri:
        """`test(age in years)`, from `age` or from `born_on`; open if the two disagree."""
        given, derived = self.age, self.birth_age
        if self.unborn:
            # A birth date after the screening date: not yet a child for any measure.
            return FALSE if given is None else open_case(INCONSISTENT_CHILD)
        if given is None and derived is None:
            return unknown("children")
        if given is None:
            return of(test(derived))
        if derived is None:
            return of(test(given))
        result = test(given)
        if result == test(derived):
            return of(result)
        return open_case(INCONSISTENT_CHILD)

    def flag(self, value: bool | None) -> Tri:
        return unknown("children") if value is None else of(value)


class Context:
    """Everything a rule needs about one profile, computed once and shared by all measures."""

    __slots__ = ("facts", "as_of", "kids", "benefits", "outcomes", "cache")

    def __init__(self, facts: dict[str, Any], as_of: date) -> None:
        self.facts = facts
        self.as_of = as_of
        children = facts.get("children")
        self.kids: tuple[Kid, ...] | None = (
            None if children is None else tuple(Kid(c, as_of) for c in children)
        )
        self.benefits: frozenset[str] | None = facts.get("current_benefits")
        # Each measure's overall outcome, for measures that depend on another (SFL on ADI).
        self.outcomes: dict[str, Tri] = {}
        # Values several rules derive from the same facts (the household), computed once.
        self.cache: dict[str, Any] = {}

    def any_kid(self, test: Any) -> Tri:
        """Kleene OR of `test(kid)` over her children; undetermined if the list is unknown."""
        if self.kids is None:
            return unknown("children")
        return any_of(*(test(kid) for kid in self.kids))


def eur(value: float) -> str:
    """Euro in Italian notation for caveat texts: 1.436,61 €."""
    text = f"{value:,.2f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return f"{text} €"


def unverified_mark(period: Period | None, *, plural: bool = True) -> str:
    """Words to append to a caveat that quotes a parameter's value which is not confirmed."""
    if period is None or period.confidence == "confirmed":
        return ""
    if period.confidence == "one_source":
        return " (valori da una sola fonte)" if plural else " (valore da una sola fonte)"
    return " (valori non verificati)" if plural else " (valore non verificato)"


def amount(monthly: float | None, months: int | None, total: float | None = None) -> dict:
    """The contract's amount shape, rounded to cents."""
    if total is None and monthly is not None and months is not None:
        total = monthly * months
    return {
        "monthly": None if monthly is None else round(float(monthly), 2),
        "months": months,
        "total": None if total is None else round(float(total), 2),
    }


def _unique_caveats(caveats: list[str]) -> list[str]:
    """Caveats without repeats or empty texts, in first-seen order."""
    unique = dict.fromkeys(caveats)
    unique.pop("", None)
    unique.pop(None, None)
    return list(unique)


class Check:
    """Collects the conditions of one measure for one profile and builds its result."""

    __slots__ = (
        "measure",
        "ctx",
        "failed",
        "pending",
        "met",
        "missing",
        "always",
        "positive",
        "negative",
        "basis",
    )

    def __init__(self, measure: Measure, ctx: Context) -> None:
        self.measure = measure
        self.ctx = ctx
        self.failed: list[Condition] = []
        self.pending: list[Condition] = []
        self.met: list[Condition] = []
        self.missing: list[str] = []
        self.always: list[str] = []  # caveats for any status
        self.positive: list[str] = []  # caveats for eligible / undetermined
        self.negative: list[str] = []  # caveats for not_eligible
        self.basis: dict[str, str] | None = None  # legal bases that depend on the date

    def need(self, condition_id: str, tri: Tri, *periods: Period | None) -> Tri:
        """Record one condition. `periods` are the parameters the condition compared against."""
        cond = self.measure.conditions[condition_id]
        if tri.value is True and cond.plain:
            # The common case, kept cheap: met, confirmed, no caveat to add.
            for period in periods:
                if period is not None and period.confidence != "confirmed":
                    break
            else:
                self.met.append(cond)
                return tri
        confidence = cond.confidence
        checks = [cond.check] if cond.check else []
        for period in periods:
            if period is not None and period.confidence != "confirmed":
                confidence = weaker(confidence, period.confidence)
                checks.append(period.check)
        value = tri.value
        if value is True:
            self.met.append(cond)
            self.positive.extend(checks)
        elif value is False:
            if confidence == "unverified":
                self.pending.append(cond)
                self.positive.append(
                    f"Con i dati indicati il requisito «{cond.requirement}» non risulterebbe "
                    "soddisfatto, ma la regola o la soglia non è verificata: " + " ".join(checks)
                )
            else:
                self.failed.append(cond)
                self.negative.extend(checks)
        else:
            self.pending.append(cond)
            self.missing.extend(tri.missing)
            self.positive.extend(tri.notes)
            self.positive.extend(checks)
        return tri

    def cite(self, legal_basis: str, *condition_ids: str) -> None:
        """Cite `legal_basis` for these conditions instead of the catalogue's text (a measure
        renewed by a yearly decree cites the decree of the edition in force)."""
        if self.basis is None:
            self.basis = {}
        for condition_id in condition_ids:
            self.basis[condition_id] = legal_basis

    def note(self, text: str) -> None:
        """A caveat shown whatever the status."""
        self.always.append(text)

    def note_if_positive(self, text: str) -> None:
        """A caveat shown only when she may be entitled (eligible or undetermined)."""
        self.positive.append(text)

    def note_period(self, period: Period | None) -> None:
        """Caveats that a parameter used for an amount carries (confidence, announced change)."""
        if period is None:
            return
        if period.confidence != "confirmed":
            self.positive.append(period.check)
        if period.note:
            self.positive.append(period.note)

    def _reason_conditions(self) -> list[Condition]:
        """The conditions behind the reasons of the result, in the same order."""
        if self.failed:
            return self.failed
        return self.pending + self.met

    @property
    def tri(self) -> Tri:
        """The measure's outcome as a three-valued value (for measures that depend on it)."""
        if self.failed:
            return FALSE
        if self.pending:
            notes = (
                ()
                if self.missing
                else (f"L'esito per «{self.measure.name_it}» è incerto: vedi le sue avvertenze.",)
            )
            return Tri(None, tuple(dict.fromkeys(self.missing)), notes)
        return TRUE

    def result(
        self,
        amount: dict | None = None,
        *,
        channel: str | None = None,
        applies: str | None = None,
    ) -> dict[str, Any]:
        measure = self.measure
        ctx = self.ctx
        caveats = list(self.always)
        if self.failed:
            status = "not_eligible"
            reasons = [c.fail_reason for c in self.failed]
            missing: list[str] = []
            documents: list[str] = []
            amount = None
            caveats.extend(self.negative)
        else:
            if self.pending:
                status = "undetermined"
                reasons = [c.pending_reason for c in self.pending]
                reasons.extend([c.met_reason for c in self.met])
                missing = list(dict.fromkeys(self.missing))
            else:
                status = "eligible"
                reasons = [c.met_reason for c in self.met]
                missing = []
            documents = list(measure.documents)
            caveats.extend(self.positive)
            caveats.extend(measure.caveats)
        # Reason objects are shared by all results (read-only); a dated citation gets its own.
        basis = self.basis
        if basis:
            reasons = [
                {"text": reason["text"], "legal_basis": basis.get(cond.id, reason["legal_basis"])}
                for reason, cond in zip(reasons, self._reason_conditions(), strict=True)
            ]
        if ctx.benefits is not None and measure.id in ctx.benefits:
            caveats.append("Risulta che la percepisce già.")
        ctx.outcomes[measure.id] = self.tri
        return {
            "measure": measure.id,
            "status": status,
            "reasons": reasons,
            "missing": missing,
            "documents": documents,
            "applies": applies or measure.applies,
            "channel": channel or measure.channel,
            "amount": amount,
            "caveats": _unique_caveats(caveats),
        }
