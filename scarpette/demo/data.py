"""The synthetic demo world: organisations, one account per role, percorsi. No real person."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone
from stdnum.it.codicefiscale import calc_check_digit

from scarpette.accounts.models import Membership, Organisation, User
from scarpette.accounts.permissions import Role
from scarpette.cases import services as case_services
from scarpette.cases.models import Case, Consent
from scarpette.questionnaire import services as q_services
from scarpette.referrals.services import transmission_send

DEMO_PASSWORD = "demo-passaggio-2026"  # noqa: S105 (synthetic demo accounts only)

ORGANISATIONS = [
    ("Centro Aurora (demo)", Organisation.Kind.CAV),
    ("Centro Betulla (demo)", Organisation.Kind.CAV),
    ("Casa Ginestra (demo)", Organisation.Kind.CASA_RIFUGIO),
    ("Sede INPS Milano (demo)", Organisation.Kind.INPS),
    ("Comune (demo)", Organisation.Kind.COMUNE),
    ("Città metropolitana (demo)", Organisation.Kind.CITTA_METROPOLITANA),
    ("ATS (demo)", Organisation.Kind.ATS),
]

ACCOUNTS = [
    ("operatrice.a@demo.invalid", "Anna Operatrice", Role.OPERATRICE, "Centro Aurora (demo)"),
    ("referente.a@demo.invalid", "Rita Referente", Role.REFERENTE, "Centro Aurora (demo)"),
    ("operatrice.b@demo.invalid", "Bianca Operatrice", Role.OPERATRICE, "Centro Betulla (demo)"),
    ("referente.b@demo.invalid", "Bruna Referente", Role.REFERENTE, "Centro Betulla (demo)"),
    (
        "operatrice.rifugio@demo.invalid",
        "Giulia Operatrice",
        Role.OPERATRICE,
        "Casa Ginestra (demo)",
    ),
    (
        "consulente@demo.invalid",
        "Carlo Consulente",
        Role.CONSULENTE_INPS,
        "Sede INPS Milano (demo)",
    ),
    ("sportello@demo.invalid", "Sara Sportello", Role.SPORTELLO_INPS, "Sede INPS Milano (demo)"),
    ("tavolo@demo.invalid", "Teresa Tavolo", Role.TAVOLO, "Comune (demo)"),
    ("admin@demo.invalid", "Adele Amministratrice", Role.AMMINISTRATORE, None),
]

# Invented names, marked as examples; tax codes are syntactically valid but belong to no one.
FAKE_NAMES = [
    "Maria Esempio",
    "Lucia Prova",
    "Fatima Campione",
    "Elena Fittizia",
    "Sofia Modello",
    "Ioana Esempio",
    "Olena Prova",
    "Li Campione",
]


def fake_tax_code(rng: random.Random) -> str:
    letters = "".join(rng.choice("BCDFGHLMNPRSTVZ") for _ in range(6))
    year = f"{rng.randint(60, 99):02d}"
    month = rng.choice("ABCDEHLMPRST")
    day = f"{rng.randint(41, 71):02d}"  # women: day + 40
    place = "Z" + f"{rng.randint(100, 399)}"  # a foreign-country code: born abroad
    first15 = f"{letters}{year}{month}{day}{place}"
    return first15 + calc_check_digit(first15)


DEMO_ANSWERS = {
    "age": 34,
    "citizenship": "NON_EU",
    "permit": "eu_long_term",
    "resident_in_italy": "yes",
    "years_resident_known": "yes",
    "years_resident_in_italy": 8,
    "last_two_years_continuous_residence": "yes",
    "followed_by_cav": "yes",
    "followed_by_social_services": "yes",
    "employment": "unemployed",
    "has_isee": "yes",
    "isee_known": "dont_know",
    "has_children": "yes",
    "children": [{"child_age": 6, "child_lives_with_her": "yes"}],
    "needs": ["money", "work", "housing"],
}


def _demo_questionnaire(operator, case, referent) -> None:
    """One completed questionnaire, so that the result and the summary can be seen in the demo,
    transmitted to INPS by the referent so that the INPS inbox has something in it."""
    session = q_services.session_start(actor=operator, case=case, mode="assisted", language="ar")
    session.answers = DEMO_ANSWERS
    session.save(update_fields=["answers_json"])
    q_services.session_complete(actor=operator, session=session)
    if referent is None:
        return
    case_services.consent_record(actor=referent, case=case, purpose=Consent.Purpose.TRANSMISSION)
    transmission_send(
        actor=referent,
        case=case,
        office=Organisation.objects.get(kind=Organisation.Kind.INPS),
        question="Quali misure conviene chiedere per prime?",
    )


def demo_exists() -> bool:
    return Organisation.objects.filter(name=ORGANISATIONS[0][0]).exists()


def load_demo(*, cases_per_centre: int = 12, seed: int = 2026) -> list[tuple[str, str, str]]:
    """Create the demo world once; return (e-mail, role label, organisation) for each account.

    All or nothing: one transaction."""
    return _load_demo(cases_per_centre=cases_per_centre, seed=seed)


@transaction.atomic
def _load_demo(*, cases_per_centre: int, seed: int) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    if not demo_exists():
        orgs = {
            name: Organisation.objects.create(name=name, kind=kind) for name, kind in ORGANISATIONS
        }
        users = {}
        for email, name, role, org_name in ACCOUNTS:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=name)
            Membership.objects.create(user=user, organisation=orgs.get(org_name), role=role)
            users[email] = user
        today = timezone.localdate()
        for operator_email, referent_email in [
            ("operatrice.a@demo.invalid", "referente.a@demo.invalid"),
            ("operatrice.b@demo.invalid", "referente.b@demo.invalid"),
            ("operatrice.rifugio@demo.invalid", None),
        ]:
            operator = users[operator_email]
            for index in range(cases_per_centre if referent_email else 3):
                actor = users[referent_email] if referent_email and index % 4 == 0 else operator
                case = case_services.case_open(
                    actor=actor,
                    opened_on=today - dt.timedelta(days=rng.randint(0, 700)),
                    assigned=[operator],
                )
                if index % 3 == 0:
                    full_name = rng.choice(FAKE_NAMES)
                    case_services.case_update_identity(
                        actor=operator,
                        case=case,
                        data={
                            "full_name": full_name,
                            # Every demo name is "Nome Cognome": found by surname on the list.
                            "surname": full_name.split()[-1],
                            "tax_code": fake_tax_code(rng),
                            "phone": f"+39 3{rng.randint(10, 99)} 000 {rng.randint(1000, 9999)}",
                            "safe_channels": "through_centre",
                            "safe_times": "lun-ven 10-12",
                        },
                    )
                if index % 2 == 0:
                    case_services.consent_record(
                        actor=operator, case=case, purpose=Consent.Purpose.TRANSMISSION
                    )
                if index == 1:
                    _demo_questionnaire(operator, case, users.get(referent_email or ""))
                if index % 5 == 4:
                    case_services.case_set_status(
                        actor=operator, case=case, status=Case.Status.CLOSED
                    )
                if index == 9:
                    # Closed long ago: `retention_purge` has one percorso per centre to
                    # anonymise in the demo (synthetic dates, set directly).
                    Case.objects.filter(pk=case.pk).update(
                        opened_on=today - dt.timedelta(days=1100),
                        closed_on=today - dt.timedelta(days=800),
                    )
    result = []
    for email, _name, role, org_name in ACCOUNTS:
        result.append((email, Role(role).label, org_name or "—"))
    return result
