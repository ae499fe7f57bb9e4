"""The fixed interface texts shown to the woman (tablet, error messages), in the 8 languages.

Kept as data beside the form (tablet_i18n.yaml) rather than in gettext, because they follow the
questionnaire's languages, not the staff interface's.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

TEXTS_FILE = Path(__file__).resolve().parent / "tablet_i18n.yaml"


@functools.cache
def _all_texts() -> dict[str, dict[str, str]]:
    return yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))


def tablet_texts(language: str) -> dict[str, str]:
    texts = _all_texts()
    return {**texts["it"], **texts.get(language, {})}


def every_language(languages) -> list[dict]:
    """Each language of the form with its native name, direction and fixed texts: the tablet's
    start and language screens speak every language before she has chosen hers."""
    return [
        {
            "code": language.code,
            "native_name": language.native_name,
            "direction": language.direction,
            "texts": tablet_texts(language.code),
        }
        for language in languages
    ]
