"""The information notices given to the woman, one YAML file per version (`<version>.yaml`).

Each file holds, per language, the notice (title, paragraphs), one text per consent purpose
(the keys of `Consent.Purpose`) and the words of the printable consent form. Italian is the
reference; a translation not yet reviewed by a native speaker says so to the operator. A consent
records the version in force (`INFORMATION_NOTICE_VERSION`), so the notice she was given can
always be read again. Loaded once per version; treat the result as read-only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

NOTICES_DIR = Path(__file__).resolve().parent
VERSION_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$")
# Her language by its own name, and the languages written right to left.
LANGUAGE_NAMES = {
    "it": "Italiano",
    "en": "English",
    "fr": "Français",
    "es": "Español",
    "ro": "Română",
    "uk": "Українська",
    "ar": "العربية",
    "zh": "中文",
}
RTL_LANGUAGES = frozenset({"ar"})
PURPOSE_KEYS = ("transmission", "consultation", "sportello", "statistics")
FORM_KEYS = ("title", "intro", "yes", "no", "place_date", "signature", "code")


@dataclass(frozen=True)
class NoticeText:
    language: str
    name: str
    direction: str
    reviewed: bool
    title: str
    paragraphs: list[str]
    purposes_title: str
    purposes: dict[str, str]
    form: dict[str, str]


@dataclass(frozen=True)
class Notice:
    version: str
    published: object  # date
    texts: dict[str, NoticeText]

    @property
    def languages(self) -> list[tuple[str, str]]:
        """(code, own name) of every language of this notice, Italian first."""
        return [(code, text.name) for code, text in self.texts.items()]

    def text(self, language: str) -> NoticeText:
        return self.texts.get(language) or self.texts["it"]


def versions() -> list[str]:
    return sorted(path.stem for path in NOTICES_DIR.glob("*.yaml"))


@lru_cache(maxsize=16)
def _load(version: str) -> Notice:
    raw = yaml.safe_load((NOTICES_DIR / f"{version}.yaml").read_text(encoding="utf-8"))
    texts = {}
    for code, text in raw["texts"].items():
        texts[code] = NoticeText(
            language=code,
            name=LANGUAGE_NAMES.get(code, code),
            direction="rtl" if code in RTL_LANGUAGES else "ltr",
            reviewed=bool(text.get("reviewed")),
            title=text["title"],
            paragraphs=list(text["paragraphs"]),
            purposes_title=text["purposes_title"],
            purposes={key: text["purposes"][key] for key in PURPOSE_KEYS},
            form={
                key: text["form"][key].replace("{version}", str(raw["version"]))
                for key in FORM_KEYS
            },
        )
    return Notice(version=str(raw["version"]), published=raw.get("published"), texts=texts)


def notice(version: str) -> Notice | None:
    """The notice of this version, or None if there is none (a malformed name included)."""
    if not VERSION_PATTERN.match(version or "") or version not in versions():
        return None
    return _load(version)
