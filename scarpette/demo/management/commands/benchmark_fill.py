"""`python manage.py benchmark_fill`: a national-scale database for the load benchmark.

Fills the configured database (never production) so that every key page has realistic work:
centres and INPS offices, percorsi (with operators assigned), and for a share of them a completed
questionnaire with its screening run and needs, consents, transmissions to INPS at every stage
(sent, taken in charge, information requested, closed) with their timeline, consultations with
messages, applications, a few re-screenings still to review, and a hash-chained audit log. Then
creates the benchmark's accounts (several roles, a known password, no TOTP: the benchmark server
runs with `MFA_REQUIRED=0`, which only the demo mode honours). Everything is written with
`bulk_create` in batches, without the services and without audit events per row: this is
synthetic data, not what users did. Example (docs/performance.md):

    SCARPETTE_ENV=demo DATABASE_URL=postgres://postgres@127.0.0.1:5432/scarpette_load \\
        python manage.py migrate && python manage.py benchmark_fill --cases 500000 --audit 2000000

The accounts are `bench.<role>.<n>@bench.invalid` (roles operatrice, referente, consulente_inps);
`manage.py loadbench` signs them in. Running it again adds another world next to the first one
and resets the accounts' password.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import random
import time
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from scarpette.accounts.models import Membership, Organisation, User
from scarpette.applications.models import Application
from scarpette.audit.sealing import seal_pending
from scarpette.cases.models import Case, Consent
from scarpette.demo.data import DEMO_ANSWERS
from scarpette.demo.management.commands.benchmark_scale import fill_audit, new_codes
from scarpette.questionnaire.models import CaseNeed, QuestionnaireSession, ScreeningRun
from scarpette.questionnaire.services import form_current, form_import_bundled
from scarpette.referrals.models import (
    Consultation,
    ConsultationMessage,
    Transmission,
    TransmissionEvent,
)
from scarpette.screening.engine import screen
from scarpette.screening.management.commands.screening_benchmark import synthetic_profile

BATCH = 2000
PROFILES = 64  # distinct synthetic profiles, screened once each and reused
ROLES = ("operatrice", "referente", "consulente_inps")
NEEDS = ("money", "work", "housing", "children", "health", "legal")


def _backend_ticks_reader():
    """A function giving the CPU seconds used so far by this connection's PostgreSQL backend
    (when the server runs on this machine; else always 0)."""
    if connection.vendor != "postgresql":
        return lambda: 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")

    def read() -> float:
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    return read


@contextlib.contextmanager
def own_timestamps():
    """Let bulk_create keep the timestamps we give (spread over the percorsi's lives) instead of
    `auto_now`/`auto_now_add` stamping every row with the same instant: the inbox and the
    timelines sort by them."""
    fields = [
        (model._meta.get_field(name), model._meta.get_field(name).auto_now)
        for model, names in [
            (QuestionnaireSession, ["created_at", "updated_at"]),
            (ScreeningRun, ["created_at"]),
            (Transmission, ["sent_at"]),
            (TransmissionEvent, ["at"]),
            (Consultation, ["asked_at"]),
            (ConsultationMessage, ["at"]),
            (Application, ["created_at", "updated_at"]),
        ]
        for name in names
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f, _ in fields]
    for f, _ in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def bench_email(role: str, index: int) -> str:
    return f"bench.{role}.{index}@bench.invalid"


class Command(BaseCommand):
    help = "Fill the database at national scale for the load benchmark (manage.py loadbench)."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=500_000)
        parser.add_argument("--centres", type=int, default=400)
        parser.add_argument("--offices", type=int, default=20, help="INPS offices")
        parser.add_argument("--audit", type=int, default=2_000_000)
        parser.add_argument("--users", type=int, default=3, help="accounts per role")
        parser.add_argument("--password", default="bench-passaggio-2026")
        parser.add_argument(
            "--questionnaire-share", type=float, default=0.5, help="percorsi with a screening"
        )
        parser.add_argument(
            "--transmission-share", type=float, default=0.3, help="of the screened, sent to INPS"
        )
        parser.add_argument(
            "--consultation-share", type=float, default=0.05, help="of the screened"
        )
        parser.add_argument("--application-share", type=float, default=0.3, help="of the screened")
        parser.add_argument("--seed", type=int, default=12)

    def handle(self, *args, **opts):
        if settings.IS_PRODUCTION:
            raise CommandError("the benchmark writes synthetic data: refused in production")
        self.rng = random.Random(opts["seed"])
        self.opts = opts
        out = self.stdout.write
        out(f"database: {connection.vendor}")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Synthetic rows: a crash may lose the last ones, so no flush at every commit.
                cursor.execute("SET synchronous_commit = off")
        self.today = timezone.localdate()
        self.now = timezone.now()

        stamp = time.time_ns()
        Organisation.objects.bulk_create(
            [
                Organisation(name=f"Load centre {stamp}-{i}", kind="cav")
                for i in range(opts["centres"])
            ]
            + [
                Organisation(name=f"Load INPS {stamp}-{i}", kind=Organisation.Kind.INPS)
                for i in range(opts["offices"])
            ]
        )
        self.centres = list(
            Organisation.objects.filter(name__startswith=f"Load centre {stamp}-").order_by("pk")
        )
        self.offices = list(
            Organisation.objects.filter(name__startswith=f"Load INPS {stamp}-").order_by("pk")
        )
        self.users = self._accounts(opts["users"], opts["password"])
        self.operators = self.users["operatrice"]
        self.specialists = self.users["consulente_inps"]
        form_import_bundled(audit=False)
        self.form = form_current()
        self.profiles = self._profiles()

        backend = _backend_ticks_reader()
        started = time.perf_counter()
        cpu = time.process_time()
        db_cpu = backend()
        self.counts = dict.fromkeys(
            ["percorsi", "sessions", "runs", "transmissions", "consultations", "applications"], 0
        )
        total = opts["cases"]
        codes = set(Case.objects.values_list("code", flat=True))
        for start in range(0, total, BATCH):
            with own_timestamps():
                self._batch(min(BATCH, total - start), codes)
            if (start // BATCH) % 25 == 24:
                out(f"  {start + BATCH:,} percorsi ({time.perf_counter() - started:.0f} s)")
        elapsed = time.perf_counter() - started
        out(
            "created "
            + ", ".join(f"{n:,} {what}" for what, n in self.counts.items())
            + f" in {elapsed:.1f} s ({total / elapsed:,.0f} percorsi/s with their rows; "
            f"CPU of this process {time.process_time() - cpu:.1f} s, "
            f"of its PostgreSQL backend {backend() - db_cpu:.1f} s)"
        )

        started = time.perf_counter()
        fill_audit(self.centres, self.operators[0], opts["audit"], self.rng)
        seal_pending()  # the chain linked now, not by the first request of the benchmark
        elapsed = time.perf_counter() - started
        out(
            f"appended and sealed {opts['audit']:,} audit events in {elapsed:.1f} s "
            f"({opts['audit'] / max(elapsed, 1e-9):,.0f}/s)"
        )
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE")
        out(f"benchmark centre: {self.centres[0].name}; INPS office: {self.offices[0].name}")
        out(
            "accounts (password as given): "
            + ", ".join(bench_email(role, 0) for role in ROLES)
            + f" … {opts['users']} per role"
        )

    # --- set-up ------------------------------------------------------------------------------

    def _accounts(self, count: int, password: str) -> dict[str, list[User]]:
        """The benchmark's accounts: in the first centre and the first INPS office, moved there
        (and their password reset) if they exist from an earlier fill."""
        users: dict[str, list[User]] = {role: [] for role in ROLES}
        for role in ROLES:
            organisation = self.offices[0] if role == "consulente_inps" else self.centres[0]
            for index in range(count):
                email = bench_email(role, index)
                user = User.objects.filter(email=email).first()
                if user is None:
                    user = User.objects.create_user(
                        email=email, password=password, full_name=f"Bench {role} {index}"
                    )
                else:
                    user.set_password(password)
                    user.save(update_fields=["password"])
                Membership.objects.update_or_create(
                    user=user, defaults={"organisation": organisation, "role": role}
                )
                users[role].append(user)
        return users

    def _profiles(self) -> list[tuple[str, str, str, list[dict]]]:
        """(facts JSON, results JSON, rules version, results) for a few synthetic profiles."""
        profiles = []
        for _ in range(PROFILES):
            facts = synthetic_profile(self.rng, self.today)
            output = screen(facts, self.today)
            profiles.append(
                (
                    json.dumps(facts, ensure_ascii=False, sort_keys=True, default=str),
                    json.dumps(output["results"], ensure_ascii=False),
                    output["rules_version"],
                    output["results"],
                )
            )
        return profiles

    # --- one batch of percorsi and what hangs from them --------------------------------------

    def _batch(self, size: int, codes: set[str]) -> None:
        rng, opts, today, now = self.rng, self.opts, self.today, self.now
        cases = []
        for code in new_codes(size, codes):
            status = rng.choice(["open", "open", "open", "suspended", "closed"])
            opened = today - dt.timedelta(days=rng.randint(0, 3650))
            cases.append(
                Case(
                    code=code,
                    centre=rng.choice(self.centres),
                    status=status,
                    opened_on=opened,
                    closed_on=opened if status == "closed" else None,
                    created_by=self.operators[0],
                )
            )
        cases = Case.objects.bulk_create(cases)
        self.counts["percorsi"] += len(cases)
        Case.assigned_to.through.objects.bulk_create(
            [
                Case.assigned_to.through(case_id=case.pk, user_id=rng.choice(self.operators).pk)
                for case in cases
                if case.centre_id == self.centres[0].pk
            ]
        )

        screened = [case for case in cases if rng.random() < opts["questionnaire_share"]]
        # When her questionnaire was completed: some time in her percorso, up to now.
        self.when = {
            case.pk: min(
                now,
                timezone.make_aware(dt.datetime.combine(case.opened_on, dt.time(10)))
                + dt.timedelta(minutes=rng.randint(0, 60 * 24 * 60)),
            )
            for case in screened
        }
        sessions = QuestionnaireSession.objects.bulk_create(
            [
                QuestionnaireSession(
                    case=case,
                    form_version=self.form,
                    mode="assisted",
                    language="it",
                    status=QuestionnaireSession.Status.COMPLETED,
                    answers_json=json.dumps(DEMO_ANSWERS, ensure_ascii=False, sort_keys=True),
                    started_by=self.operators[0],
                    created_at=self.when[case.pk] - dt.timedelta(minutes=40),
                    updated_at=self.when[case.pk],
                    completed_at=self.when[case.pk],
                    handback_code="0000",
                )
                for case in screened
            ]
        )
        self.counts["sessions"] += len(sessions)
        chosen = [rng.choice(self.profiles) for _ in screened]
        runs = ScreeningRun.objects.bulk_create(
            [
                ScreeningRun(
                    case=case,
                    session=session,
                    as_of=today,
                    rules_version=profile[2],
                    facts_json=profile[0],
                    results_json=profile[1],
                    created_by=self.operators[0],
                    created_at=self.when[case.pk],
                    # A re-screening whose results changed, still to review: a handful nationally.
                    changed_measures=[profile[3][0]["measure"]] if rng.random() < 0.002 else [],
                )
                for case, session, profile in zip(screened, sessions, chosen, strict=True)
            ],
            batch_size=500,
        )
        self.counts["runs"] += len(runs)
        CaseNeed.objects.bulk_create(
            [
                CaseNeed(case=case, session=session, need=need)
                for case, session in zip(screened, sessions, strict=True)
                for need in rng.sample(NEEDS, rng.randint(1, 3))
            ]
        )

        consents, transmissions, consultations, applications = [], [], [], []
        for case, run, profile in zip(screened, runs, chosen, strict=True):
            if rng.random() < opts["transmission_share"]:
                consents.append(self._consent(case, Consent.Purpose.TRANSMISSION))
                transmissions.append(self._transmission(case, run, profile))
            if rng.random() < opts["consultation_share"]:
                consents.append(self._consent(case, Consent.Purpose.CONSULTATION))
                consultations.append(self._consultation(case, profile))
            if rng.random() < opts["application_share"]:
                applications.extend(self._applications(case, profile))
        Consent.objects.bulk_create(consents)
        transmissions = Transmission.objects.bulk_create(transmissions, batch_size=500)
        self.counts["transmissions"] += len(transmissions)
        TransmissionEvent.objects.bulk_create(
            [event for t in transmissions for event in self._transmission_events(t)]
        )
        consultations = Consultation.objects.bulk_create(consultations)
        self.counts["consultations"] += len(consultations)
        ConsultationMessage.objects.bulk_create(
            [message for c in consultations for message in self._messages(c)]
        )
        Application.objects.bulk_create(applications)
        self.counts["applications"] += len(applications)

    def _consent(self, case: Case, purpose: str) -> Consent:
        return Consent(
            case=case, purpose=purpose, notice_version="2026-01", recorded_by=self.operators[0]
        )

    def _transmission(self, case: Case, run: ScreeningRun, profile) -> Transmission:
        status = self.rng.choices(
            ["sent", "acknowledged", "info_requested", "closed"], weights=(40, 30, 10, 20)
        )[0]
        office = self.rng.choice(self.offices)
        payload = {
            "code": case.code,
            "as_of": self.today.isoformat(),
            "rules_version": profile[2],
            "facts": json.loads(profile[0]),
            "results": [
                {"measure": r["measure"], "status": r["status"], "missing": r["missing"]}
                for r in profile[3]
            ],
            "needs": ["money", "work"],
            "question": "Quali misure conviene chiedere per prime?",
        }
        assigned = None
        if status != "sent" and office == self.offices[0]:
            assigned = self.rng.choice(self.specialists)
        sent = self._later(self.when[case.pk], days=3)
        return Transmission(
            case=case,
            centre_id=case.centre_id,
            sent_at=sent,
            office=office,
            run=run,
            status=status,
            payload_json=json.dumps(payload, ensure_ascii=False),
            sent_by=self.operators[0],
            assigned_to=assigned,
            closed_at=self._later(sent, days=20) if status == "closed" else None,
        )

    def _later(self, moment, *, days: int):
        """A moment up to `days` after `moment`, never in the future."""
        return min(self.now, moment + dt.timedelta(minutes=self.rng.randint(1, days * 24 * 60)))

    def _transmission_events(self, transmission: Transmission) -> list[TransmissionEvent]:
        actor = self.specialists[0]
        kinds = {
            "sent": ["sent"],
            "acknowledged": ["sent", "acknowledged"],
            "info_requested": ["sent", "acknowledged", "info_requested"],
            "closed": ["sent", "acknowledged", "info_requested", "info_provided", "closed"],
        }[transmission.status]
        text = {
            "info_requested": "Può indicare l'ISEE corrente e la data di nascita del figlio?",
            "info_provided": "ISEE corrente 6.500 euro; il figlio ha 6 anni.",
        }
        return [
            TransmissionEvent(
                transmission=transmission,
                actor=self.operators[0] if kind in {"sent", "info_provided"} else actor,
                kind=kind,
                text=text.get(kind, ""),
                at=min(self.now, transmission.sent_at + dt.timedelta(days=step)),
            )
            for step, kind in enumerate(kinds)
        ]

    def _consultation(self, case: Case, profile) -> Consultation:
        status = self.rng.choice(["open", "answered", "closed"])
        asked = self._later(self.when[case.pk], days=10)
        answered = self._later(asked, days=5)
        return Consultation(
            asked_at=asked,
            case=case,
            centre_id=case.centre_id,
            office=self.rng.choice(self.offices),
            measures=[profile[3][0]["measure"]],
            status=status,
            asked_by=self.operators[0],
            first_answer_at=answered if status != "open" else None,
            closed_at=self._later(answered, days=10) if status == "closed" else None,
        )

    def _messages(self, consultation: Consultation) -> list[ConsultationMessage]:
        messages = [
            ConsultationMessage(
                consultation=consultation,
                author=self.operators[0],
                side="centre",
                at=consultation.asked_at,
                text="Ha diritto all'assegno di inclusione con un ISEE di 6.500 euro?",
            )
        ]
        if consultation.status != "open":
            messages.append(
                ConsultationMessage(
                    consultation=consultation,
                    author=self.specialists[0],
                    side="inps",
                    at=consultation.first_answer_at,
                    text="Sì, se il nucleo ha un minore: serve la DSU aggiornata.",
                )
            )
        return messages

    def _applications(self, case: Case, profile) -> list[Application]:
        measures = [r["measure"] for r in profile[3]]
        rows = []
        for measure in self.rng.sample(measures, min(2, len(measures))):
            created = self._later(self.when[case.pk], days=5)
            status = self.rng.choice(
                ["to_prepare", "documents_ready", "submitted", "decided", "paid"]
            )
            later = status in {"submitted", "decided", "paid"}
            decided = status in {"decided", "paid"}
            rows.append(
                Application(
                    case=case,
                    measure=measure,
                    status=status,
                    submitted_on=self.today - dt.timedelta(days=30) if later else None,
                    channel="Patronato" if later else "",
                    protocol_number=f"INPS.{self.rng.randint(10**6, 10**7)}" if later else "",
                    outcome="granted" if decided else "",
                    amount=Decimal("500.00") if decided else None,
                    amount_period="monthly" if decided else "",
                    created_by=self.operators[0],
                    created_at=created,
                    updated_at=self._later(created, days=60),
                )
            )
        return rows
