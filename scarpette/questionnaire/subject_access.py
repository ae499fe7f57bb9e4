"""The questionnaire's sections of her right-of-access export (cases.contributions)."""

from __future__ import annotations

from scarpette.cases.subject_access import choice_label, when
from scarpette.questionnaire.models import CaseNeed, QuestionnaireSession, ScreeningRun
from scarpette.screening.catalogue import measure_name
from scarpette.screening.vocabulary import need_labels, rules_version_words
from scarpette.screening.vocabulary import status_label as screening_status


def _question_labels(version) -> dict[str, str]:
    """Question name -> its Italian label, from the form version's survey sheet."""
    labels = {}
    for row in (version.rows or {}).get("survey", []):
        name = row.get("name")
        label = row.get("label::Italiano (it)") or row.get("label") or ""
        if name and label:
            labels[name] = label
    return labels


def _answers(answers: dict, labels: dict[str, str]) -> list[dict]:
    rows = []
    for name, value in sorted(answers.items()):
        if isinstance(value, list) and value and isinstance(value[0], dict):
            value = "; ".join(", ".join(f"{k}: {v}" for k, v in item.items()) for item in value)
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        rows.append({"question": labels.get(name, name), "answer": str(value)})
    return rows


def questionnaire_subject_access(*, case) -> dict:
    """Needs, questionnaires (answers with their Italian questions) and screening results."""
    sessions = []
    for session in QuestionnaireSession.objects.filter(case=case).select_related("form_version"):
        sessions.append(
            {
                "started": when(session.created_at),
                "completed": when(session.completed_at),
                "status": choice_label(QuestionnaireSession.Status, session.status),
                "answers": _answers(session.answers, _question_labels(session.form_version)),
            }
        )
    screenings = [
        {
            "date": when(run.as_of),
            "rules": rules_version_words(run.rules_version),  # in words, never the hash
            "results": [
                {
                    "measure": measure_name(r.get("measure", "")),
                    "result": screening_status(r.get("status")),
                }
                for r in run.results
            ],
        }
        for run in ScreeningRun.objects.filter(case=case).order_by("created_at", "id")
    ]
    return {
        "needs": need_labels(CaseNeed.objects.filter(case=case).values_list("need", flat=True)),
        "questionnaires": sessions,
        "screenings": screenings,
    }
