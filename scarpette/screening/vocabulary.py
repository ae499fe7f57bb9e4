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
