"""One vocabulary for what a screening says and what she needs: values (facts.md) and words.

Every page, export, e-mail and count uses these labels; no template keeps its own copy. The
values are the contract's (`shared/design/facts.md`) and the questionnaire's need codes.
"""

from __future__ import annotations

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class ResultStatus(TextChoices):
    """A measure's screening result, best first (the order of result pages)."""

    ELIGIBLE = "eligible", _("Possibile diritto")
    UNDETERMINED = "undetermined", _("Da verificare")
    NOT_ELIGIBLE = "not_eligible", _("Non spetta")


class Need(TextChoices):
    """What she says she needs (the questionnaire's `need` column), in the canonical order."""

    MONEY = "money", _("sostegno economico")
    WORK = "work", _("lavoro")
    TRAINING = "training", _("formazione")
    HOUSING = "housing", _("casa")
    CHILDCARE = "childcare", _("cura dei figli")
    LEGAL = "legal", _("assistenza legale")
    HEALTH = "health", _("salute")
    DOCUMENTS = "documents", _("documenti")


RESULT_ORDER = {status: index for index, status in enumerate(ResultStatus.values)}


def status_label(value: str) -> str:
    """A screening status in words (an unknown stored value is shown as it is)."""
    return str(ResultStatus(value).label) if value in ResultStatus.values else value


def need_label(value: str) -> str:
    return str(Need(value).label) if value in Need.values else value


def need_labels(values) -> str:
    """Need codes in words, comma-separated."""
    return ", ".join(need_label(v) for v in values or [])


# --- Facts and rules versions in words (pages never show a fact id, an enum value or a hash) ---

# The contract's enum values (facts.py) in words.
FACT_VALUE_LABELS = {
    "citizenship": {
        "IT": _("italiana"),
        "EU": _("di un paese dell'Unione europea"),
        "NON_EU": _("di un paese fuori dall'Unione europea"),
        "STATELESS": _("apolide"),
    },
    "permit": {
        "eu_long_term": _("permesso UE per soggiornanti di lungo periodo"),
        "eu_family_member_card": _("carta di soggiorno di familiare di cittadino UE"),
        "international_protection": _("protezione internazionale"),
        "special_protection": _("protezione speciale"),
        "domestic_violence": _("permesso per le vittime di violenza domestica (art. 18-bis)"),
        "application_receipt": _("ricevuta della domanda di permesso"),
        "work": _("lavoro"),
        "family": _("motivi familiari"),
        "study": _("studio"),
        "other": _("altro"),
        "none": _("nessuno"),
    },
    "employment": {
        "employee_private": _("dipendente nel settore privato"),
        "employee_public": _("dipendente pubblica"),
        "domestic_worker": _("lavoratrice domestica"),
        "self_employed": _("lavoratrice autonoma"),
        "parasubordinate": _("collaboratrice (parasubordinata)"),
        "unemployed": _("disoccupata"),
        "not_working": _("non lavora"),
    },
    "resignation_reason": {
        "workplace_just_cause": _("giusta causa legata al lavoro"),
        "violence_outside_work": _("violenza subita fuori dal lavoro"),
        "other": _("altro"),
    },
}


# Facts in euros (shown with two decimals and the sign).
MONEY_FACTS = frozenset({"isee", "household_income", "assets_real_estate", "assets_financial"})


def _spec(name: str):
    """The contract's spec of a fact, or of a child's field ("children[0].age", "children.age")."""
    from scarpette.screening.facts import CHILD_FIELDS, FACTS

    if name in FACTS:
        return FACTS[name]
    base, _sep, field = name.partition(".")
    if base.split("[")[0] == "children" and field in CHILD_FIELDS:
        return CHILD_FIELDS[field]
    return None


def fact_label(name: str) -> str:
    """A fact of the contract in words (its Italian label); never the id on a page."""
    spec = _spec(name)
    return spec.label if spec is not None else name.replace("_", " ").replace(".", " ")


def fact_labels(names) -> str:
    return ", ".join(fact_label(name) for name in names or [])


def fact_value(name: str, value) -> str:
    """A fact's value (as a profile or a payload holds it) in words."""
    from django.utils.formats import date_format, number_format

    from scarpette.screening.catalogue import measure_name

    if value is None:
        return "—"
    if value is True:
        return str(_("sì"))
    if value is False:
        return str(_("no"))
    spec = _spec(name)
    kind = spec.kind if spec is not None else ""
    if kind == "enum" or name in FACT_VALUE_LABELS:
        # An unknown stored value (an old row) still reads as words, not as a code.
        return str(FACT_VALUE_LABELS.get(name, {}).get(value, str(value).replace("_", " ")))
    if kind == "measures":
        return ", ".join(measure_name(v) for v in value) or "—"
    if kind == "children":
        return (
            "; ".join(
                ", ".join(
                    f"{fact_label('children.' + k)}: {fact_value('children.' + k, v)}"
                    for k, v in child.items()
                )
                for child in value
            )
            or "—"
        )
    if kind == "date" or hasattr(value, "isoformat"):
        import datetime as dt

        try:
            day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        except ValueError:
            return str(value)
        return date_format(day, "j F Y").lower()  # Italian months are lower-case
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if name in MONEY_FACTS and isinstance(value, (int, float)):
        return f"{number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)} €"
    if isinstance(value, (int, float)):
        return number_format(value, decimal_pos=None if isinstance(value, int) else 2)
    return str(value)


def rules_version_words(version: str) -> str:
    """A stored rules version in words: its human version and whether it is still in force.

    The version is `<logic>+<digest of the catalogue>`: the digest is for logs and data
    attributes, never for a page."""
    from scarpette.screening.catalogue import RULES_VERSION

    human = (version or "").split("+")[0] or "—"
    if version == RULES_VERSION:
        return str(_("in vigore (versione %(version)s)") % {"version": human})
    return str(_("precedenti (versione %(version)s)") % {"version": human})
