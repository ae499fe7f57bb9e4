"""Work measures: NASpI, DIS-COLL, and the employer exemption (for her job search)."""

from __future__ import annotations

from scarpette.screening.evaluation import Check, Context, eur, unverified_mark
from scarpette.screening.logic import (
    FALSE,
    TRUE,
    fact_is,
    fact_test,
    of,
    open_case,
    unknown,
)
from scarpette.screening.rules._common import (
    application_deadline,
    involuntary_tri,
    job_ended_tri,
)

_LEAVE_FIRST = (
    "Finché il rapporto di lavoro è in corso, prima di pensare alle dimissioni valutare il congedo "
    "indennizzato per le vittime di violenza (90 giorni lavorativi pagati, art. 24 d.lgs. "
    "80/2015) e il passaggio al part-time."
)


def naspi(check: Check, ctx: Context) -> dict:
    """D.lgs. 22/2015 artt. 1-3; L. 207/2024 art. 1 c. 171 (circ. INPS 98/2025)."""
    facts = ctx.facts
    measure = check.measure
    day = ctx.as_of
    employment = facts.get("employment")
    if employment is None:
        employee = unknown("employment")
    elif employment in ("employee_private", "domestic_worker", "unemployed", "not_working"):
        employee = TRUE
    elif employment == "employee_public":
        employee = open_case(
            "Dipendente pubblica: la NASpI spetta solo a chi aveva un contratto a tempo "
            "determinato (i dipendenti pubblici a tempo indeterminato ne sono esclusi)."
        )
    else:
        employee = FALSE
    check.need("employee", employee)
    check.need("not_working", job_ended_tri(facts))
    check.need("involuntary", involuntary_tri(ctx))
    min_weeks = measure.param("min_weeks", day)
    check.need(
        "weeks",
        fact_test(facts, "contribution_weeks_last_4y", lambda w: w >= min_weeks.value),
        min_weeks,
    )
    days = measure.param("application_days", day)
    check.need("deadline", application_deadline(ctx, days.value), days)

    # From 2025 a voluntary resignation from an open-ended job in the previous 12 months needs
    # 13 weeks of contributions after it; the rule follows the date the job ended.
    event_day = facts.get("job_end_date") or day
    rule = measure.param("resignation_rule", event_day)
    if rule is not None and rule.value:
        previous = facts.get("resigned_open_ended_last_12m")
        if previous is None:
            tri = unknown("resigned_open_ended_last_12m")
        elif previous:
            tri = open_case(
                "Si è dimessa da un lavoro a tempo indeterminato nei 12 mesi prima: servono "
                "almeno 13 settimane di contributi dopo quelle dimissioni (salvo giusta causa o "
                "periodo tutelato di maternità). Verificare con il patronato."
            )
        else:
            tri = TRUE
        check.need("recent_resignation", tri, rule)

    if facts.get("employment_active") is True or facts.get("resignation_reason") == (
        "violence_outside_work"
    ):
        check.note(_LEAVE_FIRST)
    if employment in ("unemployed", "not_working"):
        check.note_if_positive(
            "Il lavoro perso deve essere un lavoro dipendente (per le collaborazioni vedi "
            "DIS-COLL)."
        )
    weeks = facts.get("contribution_weeks_last_4y")
    ceiling = measure.param("monthly_ceiling", day)
    max_months = measure.param("max_months", day).value
    if weeks is not None and weeks >= min_weeks.value:
        paid_weeks = min(weeks // 2, max_months * 52 // 12)
        check.note_if_positive(
            f"Durata: metà delle settimane di contributi degli ultimi 4 anni, circa {paid_weeks} "
            f"settimane (massimo {max_months} mesi)."
        )
    if ceiling is not None:
        check.note_if_positive(
            "Importo: 75% della retribuzione media mensile fino a "
            f"{eur(ceiling.value)}{unverified_mark(ceiling, plural=False)}, più il 25% della "
            "parte che supera questa cifra; cala del 3% al mese dal sesto mese."
        )
        check.note_period(ceiling)
    if facts.get("registered_unemployed") is not True:
        check.note_if_positive(
            "La domanda di NASpI vale anche come dichiarazione di immediata disponibilità (DID)."
        )
    return check.result(None)


def dis_coll(check: Check, ctx: Context) -> dict:
    """Art. 15 d.lgs. 22/2015 as amended by L. 81/2017."""
    facts = ctx.facts
    measure = check.measure
    day = ctx.as_of
    employment = facts.get("employment")
    if employment is None:
        collaborator = unknown("employment")
    elif employment == "parasubordinate":
        collaborator = TRUE
    elif employment in ("unemployed", "not_working"):
        collaborator = open_case(
            "La DIS-COLL spetta se l'ultimo contratto era una collaborazione (co.co.co., "
            "assegno di ricerca, dottorato con borsa) con iscrizione esclusiva alla Gestione "
            "Separata: verificare l'ultimo contratto."
        )
    else:
        collaborator = FALSE
    check.need("collaborator", collaborator)
    check.need("not_working", job_ended_tri(facts))
    check.need("no_vat", fact_is(facts, "vat_number", False))
    check.need("involuntary", involuntary_tri(ctx))
    check.need("contributions", fact_test(facts, "contribution_weeks_last_4y", lambda w: w > 0))
    days = measure.param("application_days", day)
    check.need("deadline", application_deadline(ctx, days.value), days)
    check.note_if_positive(
        "Verificare che abbia almeno un mese di contributi nella Gestione Separata dal 1° gennaio "
        "dell'anno precedente alla fine del contratto, che non sia pensionata e che non sia "
        "amministratrice o sindaca di società."
    )
    ceiling = measure.param("monthly_ceiling", day)
    if ceiling is not None:
        check.note_if_positive(
            f"Importo: 75% del reddito medio mensile fino a {eur(ceiling.value)}"
            f"{unverified_mark(ceiling, plural=False)}, più il 25% "
            f"dell'eccedenza; durata pari ai mesi di contribuzione, massimo "
            f"{measure.param('max_months', day).value} mesi."
        )
        check.note_period(ceiling)
    if facts.get("employment_active") is True:
        check.note(_LEAVE_FIRST)
    return check.result(None)


def esonero_datori(check: Check, ctx: Context) -> dict:
    """L. 213/2023 art. 1 cc. 191-193; circ. INPS 41/2024; msg INPS 2239/2024."""
    facts = ctx.facts
    measure = check.measure
    check.need("rdl_beneficiary", fact_is(facts, "received_rdl"))
    check.need("unemployed_did", fact_is(facts, "registered_unemployed"))
    window = measure.param("hiring_covered", ctx.as_of)
    check.need("hire_window", of(window is not None and bool(window.value)), window)
    if window is None:
        check.note(
            "La legge copre le assunzioni dal 1° gennaio 2024 al 31 dicembre 2026; verificare "
            "se è stata prorogata."
        )
    if facts.get("received_rdl") is False:
        check.note(
            "L'esonero riguarda le donne che hanno ricevuto il Reddito di Libertà: diventa utile "
            "dopo averlo ottenuto."
        )
    if facts.get("registered_unemployed") is False:
        check.note(
            "Per questo requisito basta presentare la DID (dichiarazione di immediata "
            "disponibilità) al Centro per l'impiego o on line."
        )
    benefit = measure.param("benefit", ctx.as_of)
    if benefit is not None:
        values = benefit.value
        check.note_if_positive(
            "Il vantaggio è del datore di lavoro privato che la assume: esonero del 100% dei "
            f"contributi fino a {eur(values['max_year'])} l'anno, per "
            f"{values['months_open_ended']} mesi se a tempo indeterminato, "
            f"{values['months_fixed_term']} se a termine, "
            f"{values['months_converted']} se il contratto a termine è trasformato. Utile da "
            "indicare nei curriculum e ai servizi per il lavoro."
        )
    return check.result(None)
