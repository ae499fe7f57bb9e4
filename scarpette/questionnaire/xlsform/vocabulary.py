"""The vocabulary of our XLSForm: its sheets, answer codes, need codes, columns and types."""

from __future__ import annotations

# The sheets, in workbook order. `languages` is ours (pyxform ignores unknown sheets).
SHEETS: tuple[str, ...] = ("survey", "choices", "settings", "languages")
LANGUAGE_COLUMNS: tuple[str, ...] = (
    "code",
    "name",
    "native_name",
    "direction",
    "reviewed",
    "title",
)

# Answers that reach the screening as "unknown" (never as false or zero).
DONT_KNOW = "dont_know"
PREFER_NOT = "prefer_not"
UNKNOWN_ANSWERS: tuple[str, ...] = (DONT_KNOW, PREFER_NOT)
NO_BENEFITS = "none"

NEED_CODES: tuple[str, ...] = (
    "money",
    "work",
    "training",
    "housing",
    "childcare",
    "legal",
    "health",
    "documents",
)
# `need` value meaning "the chosen options are themselves need codes".
NEEDS_FROM_CHOICES = "*"
CONTACT_KINDS: dict[str, str] = {"channels": "select_multiple", "times": "text"}

# Columns whose text is shown to people, hence must exist in every language.
TRANSLATABLE: tuple[str, ...] = ("label", "hint", "constraint_message", "required_message")
# Words a woman, or someone looking over her shoulder, must never read on a page of the form:
# case-insensitive fragments, in every language of the form (security.md). `validate` refuses an
# upload whose visible text (labels, hints, messages, choice labels, titles) holds one.
SENSITIVE_FRAGMENTS: tuple[str, ...] = (
    "violen",  # violenza, violence, violencia, violență and their forms
    "abus",  # abuso, abuse, abus, abusos
    "abuz",  # Romanian abuz
    "maltratt",
    "maltrait",
    "maltrat",  # maltrato, maltratare
    "stalking",
    "عنف",
    "إساءة",
    "暴力",
    "虐待",
    "насильств",
    "насилля",
)
EXPRESSION_COLUMNS: tuple[str, ...] = ("relevant", "constraint", "calculation", "repeat_count")

QUESTION_TYPES = frozenset(
    {"integer", "decimal", "date", "text", "note", "select_one", "select_multiple", "calculate"}
)
VALUE_TYPES = frozenset({"integer", "decimal", "date"})
STRUCTURE_TYPES = frozenset({"begin_group", "end_group", "begin_repeat", "end_repeat"})
# Question types that carry no label (pyxform does not ask for one either).
UNLABELLED_TYPES = frozenset({"calculate", "end_group", "end_repeat"})


class FormError(ValueError):
    """An uploaded or stored form that cannot even be read; the message is for the operator."""
