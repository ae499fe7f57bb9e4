"""Texts of the woman's take-home summary (printable page and PDF), one YAML file per language.

Each `<code>.yaml` holds `language`, `ui` (the fixed texts of the page, same keys in every file)
and `measures` (for each contract measure id: `name`, `what`, `where`, `documents`; `documents`
has the same length and order as the catalogue's `documents` for that measure, so the summary can
pair them item by item). `it.yaml` is the reference text; the others are translations of it.

Safety rule: the summary may be seen by others, so no text names violence or an anti-violence
centre in any language (see FORBIDDEN_FRAGMENTS, enforced by the tests). Measure ids such as
`congedo_violenza` are keys, never printed.

Loaded lazily and cached per language. The returned dict is shared: treat it as read-only.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

LANGUAGES: tuple[str, ...] = ("it", "en", "fr", "es", "ar", "zh", "ro", "uk")
DEFAULT_LANGUAGE = "it"
# Languages written right to left (the template sets dir="rtl" for these).
RTL_LANGUAGES: frozenset[str] = frozenset({"ar"})

UI_KEYS: tuple[str, ...] = (
    "title",
    "intro",
    "may_ask",
    "to_check",
    "where",
    "bring",
    "amount",
    "per_month",
    "total",
    "none",
    "disclaimer",
    "code_label",
    "date_label",
    "print",
    "download_pdf",
)
MEASURE_KEYS: tuple[str, ...] = ("name", "what", "where", "documents")

# Case-insensitive substrings that must never appear in a printed text (checked by the tests).
FORBIDDEN_FRAGMENTS: tuple[str, ...] = (
    "violen",  # violenza, violence, violencia, violență/violenţă and their forms
    "عنف",
    "暴力",
    "насильств",  # Ukrainian: насильство and its forms
    "насилля",  # Ukrainian synonym
    "antiviolenza",
)

TEXTS_DIR = Path(__file__).resolve().parent

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def normalise_language(lang: str | None) -> str:
    """The supported code for `lang` ("en-GB" -> "en", "zh_Hans" -> "zh"), else the default."""
    code = (lang or "").strip().lower().replace("_", "-").split("-", 1)[0]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


@lru_cache(maxsize=len(LANGUAGES))
def _load(code: str) -> dict[str, Any]:
    path = TEXTS_DIR / f"{code}.yaml"
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - safe loader
    if not isinstance(data, dict) or data.get("language") != code:
        raise ValueError(f"{path.name}: expected a mapping with language: {code}")
    return data


def load_summary_texts(lang: str) -> dict[str, Any]:
    """The summary texts for `lang` (cached); an unknown code falls back to Italian."""
    return _load(normalise_language(lang))
