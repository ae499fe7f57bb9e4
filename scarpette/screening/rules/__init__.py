"""One function per measure, keyed by the contract's measure id.

A rule receives a fresh `Check` for its measure and the shared `Context`, states every condition
with `check.need(...)` and returns `check.result(amount)`. Rules run in the contract's order, so a
rule may read the outcome of an earlier measure from `ctx.outcomes` (SFL reads ADI's).
"""

from __future__ import annotations

from collections.abc import Callable

from scarpette.screening.evaluation import Check, Context
from scarpette.screening.rules.family import (
    assegno_maternita_comuni,
    assegno_maternita_stato,
    assegno_unico,
    bonus_nido,
)
from scarpette.screening.rules.inclusion import (
    assegno_inclusione,
    carta_dedicata_a_te,
    isee_corrente,
    supporto_formazione_lavoro,
)
from scarpette.screening.rules.violence import (
    congedo_violenza,
    microcredito_liberta,
    reddito_liberta,
)
from scarpette.screening.rules.work import dis_coll, esonero_datori, naspi

Rule = Callable[[Check, Context], dict]

RULES: dict[str, Rule] = {
    "reddito_liberta": reddito_liberta,
    "congedo_violenza": congedo_violenza,
    "assegno_inclusione": assegno_inclusione,
    "supporto_formazione_lavoro": supporto_formazione_lavoro,
    "assegno_unico": assegno_unico,
    "naspi": naspi,
    "dis_coll": dis_coll,
    "esonero_datori": esonero_datori,
    "assegno_maternita_comuni": assegno_maternita_comuni,
    "assegno_maternita_stato": assegno_maternita_stato,
    "bonus_nido": bonus_nido,
    "carta_dedicata_a_te": carta_dedicata_a_te,
    "isee_corrente": isee_corrente,
    "microcredito_liberta": microcredito_liberta,
}
