"""The take-home summary texts: complete in every language, aligned with the catalogue, and safe
to be seen by others (no word naming violence in any language). Plain pytest, no database."""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest

from scarpette.questionnaire.summary_i18n import (
    DEFAULT_LANGUAGE,
    FORBIDDEN_FRAGMENTS,
    LANGUAGES,
    MEASURE_KEYS,
    TEXTS_DIR,
    UI_KEYS,
    load_summary_texts,
    normalise_language,
)
from scarpette.screening.catalogue import load_catalogue
from scarpette.screening.facts import MEASURE_IDS

EXPECTED_LANGUAGES = ("it", "en", "fr", "es", "ar", "zh", "ro", "uk")

EXPECTED_UI_KEYS = {
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
}

# The safety rule, spelled out here independently of the module's own list.
FORBIDDEN = ("violen", "عنف", "暴力", "насильств", "antiviolenza")
# Further words that would reveal what the woman's path is about.
REVEALING = ("vittim", "victim", "víctim", "maltratt", "rifugio", "shelter")

# Traditional forms whose simplified forms the Chinese texts use: none may appear.
TRADITIONAL_ONLY = set(
    "們這個會請證書時對為與後從間關幫內兒業費補經務計劃員號職區單際記錄資報發準備選擇聯繫進過銀區繳險稅額歲買車當請"
)


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def _texts(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string value (never the keys) with its location, e.g. measures.naspi.documents[1]."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _texts(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _texts(value, f"{path}[{i}]")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_languages_are_the_agreed_eight():
    assert LANGUAGES == EXPECTED_LANGUAGES
    assert DEFAULT_LANGUAGE == "it"
    assert set(UI_KEYS) == EXPECTED_UI_KEYS
    assert set(FORBIDDEN) <= set(FORBIDDEN_FRAGMENTS)


def test_one_file_per_language_and_no_other():
    files = {p.stem for p in TEXTS_DIR.glob("*.yaml")}
    assert files == set(EXPECTED_LANGUAGES)


@pytest.mark.parametrize("lang", EXPECTED_LANGUAGES)
def test_file_declares_its_language(lang):
    assert load_summary_texts(lang)["language"] == lang


@pytest.mark.parametrize("lang", EXPECTED_LANGUAGES)
def test_every_ui_key_present_and_filled(lang):
    ui = load_summary_texts(lang)["ui"]
    assert set(ui) == EXPECTED_UI_KEYS
    for key, value in ui.items():
        assert isinstance(value, str) and value.strip(), f"{lang}: ui.{key} is empty"


@pytest.mark.parametrize("lang", EXPECTED_LANGUAGES)
def test_every_measure_present_and_filled(lang):
    measures = load_summary_texts(lang)["measures"]
    assert tuple(measures) == MEASURE_IDS  # all 14, in the contract's order, nothing else
    for mid, measure in measures.items():
        assert set(measure) == set(MEASURE_KEYS), f"{lang}: {mid} keys {sorted(measure)}"
        for key in ("name", "what", "where"):
            value = measure[key]
            assert isinstance(value, str) and value.strip(), f"{lang}: {mid}.{key} is empty"
        assert all(isinstance(d, str) and d.strip() for d in measure["documents"]), (lang, mid)


@pytest.mark.parametrize("lang", EXPECTED_LANGUAGES)
def test_documents_match_the_catalogue(lang, catalogue):
    measures = load_summary_texts(lang)["measures"]
    for mid in MEASURE_IDS:
        expected = len(catalogue.by_id[mid].documents)
        got = measures[mid]["documents"]
        assert isinstance(got, list), f"{lang}: {mid}.documents is not a list"
        assert len(got) == expected, f"{lang}: {mid} has {len(got)} documents, catalogue {expected}"


@pytest.mark.parametrize("lang", EXPECTED_LANGUAGES)
def test_placeholders(lang):
    ui = load_summary_texts(lang)["ui"]
    assert "{amount}" in ui["per_month"] and "{months}" in ui["per_month"], lang
    assert _placeholders(ui["per_month"]) == {"amount", "months"}, lang
    assert _placeholders(ui["total"]) == {"amount"}, lang
    assert "1.234,00 €" in ui["per_month"].format(amount="1.234,00 €", months=6)
    assert "500,00 €" in ui["total"].format(amount="500,00 €")
    # No other text is a format string: a stray brace would break rendering.
    for where, text in _texts(load_summary_texts(lang)):
        if where not in ("ui.per_month", "ui.total"):
            assert "{" not in text and "}" not in text, f"{lang}: {where}"


@pytest.mark.parametrize("lang", EXPECTED_LANGUAGES)
def test_no_forbidden_words(lang):
    for where, text in _texts(load_summary_texts(lang)):
        lowered = text.casefold()
        for fragment in FORBIDDEN + REVEALING:
            assert fragment.casefold() not in lowered, f"{lang}: {where} contains {fragment!r}"


@pytest.mark.parametrize("lang", EXPECTED_LANGUAGES)
def test_whole_file_free_of_forbidden_words_except_measure_ids(lang):
    # Belt and braces on the raw file (comments included): the only allowed hit is the
    # `congedo_violenza` key, which is never printed.
    raw = (TEXTS_DIR / f"{lang}.yaml").read_text(encoding="utf-8")
    raw = re.sub(r"^\s*congedo_violenza:\s*$", "", raw, flags=re.MULTILINE).casefold()
    for fragment in FORBIDDEN:
        assert fragment.casefold() not in raw, f"{lang}.yaml contains {fragment!r}"


@pytest.mark.parametrize("lang", EXPECTED_LANGUAGES)
def test_title_is_neutral(lang):
    title = load_summary_texts(lang)["ui"]["title"]
    assert "INPS" not in title.upper()
    assert len(title) <= 20, f"{lang}: keep the title short and neutral: {title!r}"


def _has_script(text: str, script: str) -> bool:
    return any(script in unicodedata.name(ch, "") for ch in text)


def test_arabic_is_in_arabic_script():
    data = load_summary_texts("ar")
    for where, text in _texts(data["ui"], "ui"):
        if where not in ("ui.per_month", "ui.total"):
            assert _has_script(text, "ARABIC"), where
    for mid, measure in data["measures"].items():
        for key in ("name", "what", "where"):
            assert _has_script(measure[key], "ARABIC"), f"{mid}.{key}"


def test_chinese_is_simplified_han():
    data = load_summary_texts("zh")
    for mid, measure in data["measures"].items():
        for key in ("name", "what", "where"):
            assert _has_script(measure[key], "CJK UNIFIED IDEOGRAPH"), f"{mid}.{key}"
    for where, text in _texts(data):
        found = TRADITIONAL_ONLY.intersection(text)
        assert not found, f"zh: {where} has traditional characters {sorted(found)}"


def test_ukrainian_is_in_cyrillic():
    data = load_summary_texts("uk")
    for mid, measure in data["measures"].items():
        assert _has_script(measure["what"], "CYRILLIC"), mid


def test_translations_differ_from_italian():
    it = load_summary_texts("it")
    for lang in EXPECTED_LANGUAGES:
        if lang == "it":
            continue
        other = load_summary_texts(lang)
        assert other["ui"]["intro"] != it["ui"]["intro"], lang
        for mid in MEASURE_IDS:
            assert other["measures"][mid]["what"] != it["measures"][mid]["what"], (lang, mid)


def test_loader_falls_back_to_italian_and_caches():
    italian = load_summary_texts("it")
    assert load_summary_texts("xx") is italian
    assert load_summary_texts("") is italian
    assert load_summary_texts("en") is load_summary_texts("en")
    assert load_summary_texts("en-GB") is load_summary_texts("en")
    assert load_summary_texts("ZH") is load_summary_texts("zh")
    assert normalise_language("uk_UA") == "uk"
    assert normalise_language("ru") == "it"
