"""The woman's take-home summary: what she may ask for, where, what to bring, in her language.

Built from a stored screening run and the translated texts in summary_i18n/. Neutral by design:
no word about violence, no centre name, a neutral title and file name (security.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import formats, translation

from scarpette.questionnaire.summary_i18n import RTL_LANGUAGES, load_summary_texts

PDF_FILENAME = "riepilogo.pdf"


@dataclass
class SummaryItem:
    measure: str
    name: str
    what: str
    where: str
    documents: list[str]
    amount: str = ""


@dataclass
class Summary:
    language: str
    direction: str
    ui: dict
    may_ask: list[SummaryItem] = field(default_factory=list)
    to_check: list[SummaryItem] = field(default_factory=list)
    code: str = ""
    date: str = ""


def _money(value: float, language: str) -> str:
    with translation.override("it" if language not in {"en"} else "en"):
        return "€ " + formats.number_format(value, 2, use_l10n=True, force_grouping=True)


def _amount_text(amount: dict | None, ui: dict, language: str) -> str:
    if not amount:
        return ""
    parts = []
    if amount.get("monthly") is not None and amount.get("months"):
        parts.append(
            ui["per_month"].format(
                amount=_money(amount["monthly"], language), months=amount["months"]
            )
        )
    if amount.get("total") is not None:
        parts.append(ui["total"].format(amount=_money(amount["total"], language)))
    return " · ".join(parts)


def build_summary(*, results: list[dict], language: str, code: str, day) -> Summary:
    texts = load_summary_texts(language)
    language = texts["language"]
    summary = Summary(
        language=language,
        direction="rtl" if language in RTL_LANGUAGES else "ltr",
        ui=texts["ui"],
        code=code,
        date=day.isoformat(),
    )
    for result in results:
        status = result["status"]
        if status not in {"eligible", "undetermined"}:
            continue
        measure = texts["measures"][result["measure"]]
        item = SummaryItem(
            measure=result["measure"],
            name=measure["name"],
            what=measure["what"],
            where=measure["where"],
            documents=list(measure["documents"]),
            amount=_amount_text(result.get("amount"), texts["ui"], language),
        )
        (summary.may_ask if status == "eligible" else summary.to_check).append(item)
    return summary


def render_summary_html(summary: Summary, *, for_pdf: bool, request=None) -> str:
    return render_to_string(
        "questionnaire/summary_document.html",
        {"summary": summary, "for_pdf": for_pdf},
        request=request,
    )


def render_summary_pdf(summary: Summary) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_summary_html(summary, for_pdf=True)).write_pdf()
