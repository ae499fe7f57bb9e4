"""`python manage.py loadbench`: each key page under load, against a bare view, in the same run.

Starts gunicorn as production does (4 sync workers, `config.wsgi`) on a free local port against
the configured DATABASE_URL (PostgreSQL, filled by `benchmark_fill`), signs in the fill's
accounts through the real login form (operatrici and referenti for the centre's pages, INPS
specialists for the inbox), then loads each page with N virtual users for a fixed time, with the
bare view (`/banco-di-prova/vuota/`: signed in, the whole middleware, no work) measured between
every two pages. Prints a markdown table: requests per second, share of the bare view's, p50, p95,
p99, errors, and CPU per request of the gunicorn workers and of the PostgreSQL backends of the
benchmark's database (utime+stime from /proc before and after each page).

    SCARPETTE_ENV=demo DATABASE_URL=postgres://postgres@127.0.0.1:5432/scarpette_load \\
        python manage.py loadbench --users 50 --seconds 60 --mode saturation
    … python manage.py loadbench --users 50 --seconds 60 --mode paced --think 2

The server runs with `SCARPETTE_ENV=demo` and `MFA_REQUIRED=0`: production mode requires two-factor
for every login and HTTPS cookies; the demo mode differs from production only in where the keys
come from, immediate tasks and its banner (docs/configuration.md), none of which the measured GET
pages touch. The client is a light threaded one (http.client, one connection and one session per
virtual user, no think-time jitter library): on a 2-core machine it shares the cores with the
server, so its own CPU per request is printed too (docs/decisions/0005-load-benchmark-client.md).
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
BARE = "/banco-di-prova/vuota/"

# --- pure helpers (tested in demo/tests/test_loadbench.py) -------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0–100) of `values`; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil(n·q/100), at least 1
    return ordered[int(min(rank, len(ordered))) - 1]


@dataclass(frozen=True)
class ProcStat:
    pid: int
    ppid: int
    ticks: int  # utime + stime of the process itself
    children_ticks: int  # cutime + cstime: children it has reaped


def parse_proc_stat(text: str) -> ProcStat:
    """/proc/<pid>/stat: the command name may hold spaces and parentheses, so split after the
    last ')'. Fields (proc(5)): 4 ppid, 14 utime, 15 stime, 16 cutime, 17 cstime."""
    pid = int(text[: text.index(" ")])
    rest = text[text.rindex(")") + 2 :].split()
    # rest[0] is field 3 (state)
    ppid = int(rest[1])
    utime, stime, cutime, cstime = (int(rest[i]) for i in (11, 12, 13, 14))
    return ProcStat(pid=pid, ppid=ppid, ticks=utime + stime, children_ticks=cutime + cstime)


def cpu_ms_per_request(before: int, after: int, requests: int, clk_tck: int = CLK_TCK) -> float:
    """CPU ticks spent between two samples, in milliseconds per request."""
    if requests <= 0:
        return 0.0
    return (after - before) * 1000 / clk_tck / requests


def share(rate: float, bare_rates: list[float]) -> float:
    """A page's requests per second as a share of the bare view's measured around it."""
    reference = sum(bare_rates) / len(bare_rates) if bare_rates else 0.0
    return rate / reference if reference else 0.0


# --- CPU of the server's processes ------------------------------------------------------------


def _stats() -> list[tuple[ProcStat, str]]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = parse_proc_stat((entry / "stat").read_text())
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError):
            continue  # gone meanwhile
        found.append((stat, cmdline))
    return found


def cpu_sample(gunicorn_pid: int, database: str) -> tuple[int, dict[int, int]]:
    """(ticks of gunicorn's master, its workers and the workers it has reaped; ticks of each
    PostgreSQL backend of `database` and of the parallel workers of those backends by pid)."""
    web = 0
    backends: dict[int, int] = {}
    parallel: list[tuple[int, str, int]] = []
    for stat, cmdline in _stats():
        if stat.pid == gunicorn_pid:
            web += stat.ticks + stat.children_ticks
        elif stat.ppid == gunicorn_pid:
            web += stat.ticks
        elif cmdline.startswith("postgres: "):
            if re.search(rf"\s{re.escape(database)}\s", cmdline + " "):
                backends[stat.pid] = stat.ticks
            elif "parallel worker for PID" in cmdline:
                parallel.append(
                    (stat.pid, (cmdline.split("PID", 1)[1].split() or [""])[0], stat.ticks)
                )
    for pid, leader, ticks in parallel:
        if leader.isdigit() and int(leader) in backends:
            backends[pid] = ticks
    return web, backends


def ticks_between(before: dict[int, int], after: dict[int, int]) -> int:
    """Ticks spent between two samples by the processes alive at the second one (a process that
    started meanwhile counts from zero). A process that ended meanwhile is not counted: its last
    ticks are unknown, so the figure is a lower bound (database connections live 60 s)."""
    return sum(ticks - before.get(pid, 0) for pid, ticks in after.items())


# --- the client -------------------------------------------------------------------------------


class UserSession:
    """One virtual user: her own connection (from her own loopback address, so that the login
    rate limit per address is not the benchmark's bottleneck) and her own session cookie."""

    def __init__(self, port: int, source: str):
        self.port = port
        self.source = source
        self.cookies: dict[str, str] = {}
        self.conn = self._connect()

    def _connect(self):
        return http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=60, source_address=(self.source, 0)
        )

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes, dict]:
        headers = {"Host": f"127.0.0.1:{self.port}", "User-Agent": "scarpette-loadbench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = self._connect()
            raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        return response.status, data, dict(response.getheaders())

    def login(self, email: str, password: str) -> None:
        status, page, _ = self.request("GET", "/accounts/login/")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not match:
            raise CommandError(f"login page answered {status} without a CSRF token")
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": match.group(1).decode(), "login": email, "password": password}
        )
        status, _, headers = self.request("POST", "/accounts/login/", body)
        if status != 302:
            raise CommandError(f"login of {email} answered {status} (wrong password? MFA on?)")
        status, _, _ = self.request("GET", "/")
        if status != 200:
            raise CommandError(f"{email}: the dashboard after login answered {status}")


@dataclass
class RunResult:
    label: str
    seconds: float
    latencies: list[float] = field(default_factory=list)  # milliseconds, successful requests
    errors: int = 0
    web_ticks: int = 0
    db_ticks: int = 0
    client_seconds: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies) + self.errors

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def load(
    sessions: list[UserSession], path: str, seconds: float, think: float, measure
) -> RunResult:
    """Every session requests `path` until `seconds` have passed (sleeping `think` between two
    requests, from a staggered start); latencies of 200 answers, anything else an error."""
    result = RunResult(label=path, seconds=seconds)
    lock = threading.Lock()
    start = threading.Barrier(len(sessions) + 1)
    deadline = [0.0]

    def user(index: int, session: UserSession) -> None:
        start.wait()
        if think:
            time.sleep(think * index / len(sessions))
        while time.perf_counter() < deadline[0]:
            t0 = time.perf_counter()
            try:
                status, _, _ = session.request("GET", path)
                ok = status == 200
            except (http.client.HTTPException, OSError):
                ok = False
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                if ok:
                    result.latencies.append(elapsed)
                else:
                    result.errors += 1
            if think:
                # The next request would start after the window: she stops now, so the run's
                # duration (and its rate) does not include a last sleep.
                if time.perf_counter() + think >= deadline[0]:
                    break
                time.sleep(think)

    threads = [
        threading.Thread(target=user, args=(i, s), daemon=True) for i, s in enumerate(sessions)
    ]
    for thread in threads:
        thread.start()
    web0, db0 = measure()
    client0 = time.process_time()
    began = time.perf_counter()
    deadline[0] = began + seconds
    start.wait()
    for thread in threads:
        thread.join()
    # At least the window: paced users stop before it ends rather than sleep past it.
    result.seconds = max(time.perf_counter() - began, seconds)
    result.client_seconds = time.process_time() - client0
    web1, db1 = measure()
    result.web_ticks, result.db_ticks = web1 - web0, ticks_between(db0, db1)
    return result


# --- the command ------------------------------------------------------------------------------


class Command(BaseCommand):
    help = "Load each key page with N users against a bare view (gunicorn, 4 workers)."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument("--seconds", type=float, default=60)
        parser.add_argument("--mode", choices=("saturation", "paced"), default="saturation")
        parser.add_argument("--think", type=float, default=2.0, help="paced mode: seconds")
        parser.add_argument("--workers", type=int, default=4)
        parser.add_argument("--password", default="bench-passaggio-2026")
        parser.add_argument(
            "--pages",
            default="",
            help="labels separated by ';', or their beginnings (default: all)",
        )

    def handle(self, *args, users: int, seconds: float, mode: str, think: float, **opts):
        if settings.IS_PRODUCTION:
            raise CommandError("the benchmark signs in synthetic accounts: refused in production")
        db = settings.DATABASES["default"]
        if db["ENGINE"] != "django.db.backends.postgresql":
            raise CommandError("the load benchmark runs on PostgreSQL (DATABASE_URL=postgres://…)")
        out = self.stdout.write
        self._workers = opts["workers"]
        pages = self._pages()
        if opts["pages"]:
            wanted = [w.strip() for w in opts["pages"].split(";") if w.strip()]
            pages = [page for page in pages if any(page[0].startswith(w) for w in wanted)]
            if not pages:
                raise CommandError("--pages names no page (labels, separated by ';')")
        accounts = self._accounts()
        connection.close()  # this process's backend is not the server's

        port = _free_port()
        fd, log_name = tempfile.mkstemp(prefix="loadbench-gunicorn-", suffix=".log")
        with os.fdopen(fd, "wb") as log:  # gunicorn holds its own copy of the descriptor
            server = _start_gunicorn(port, opts["workers"], log)
        out(f"gunicorn on 127.0.0.1:{port}, its log in {log_name}")
        try:
            _wait_until_up(port, server)
            measure = lambda: cpu_sample(server.pid, db["NAME"])  # noqa: E731
            think_time = think if mode == "paced" else 0.0
            sessions = {
                "centre": self._sign_in(port, users, accounts["centre"], opts["password"], 0),
                "inps": self._sign_in(port, users, accounts["inps"], opts["password"], users),
            }
            out(f"{2 * users} sessions signed in; warming up")
            for _label, path, role in [("bare", BARE, "centre"), *pages]:
                for session in sessions[role]:
                    session.request("GET", path)
            results: list[tuple[str, RunResult, list[RunResult]]] = []
            bare_runs = [load(sessions["centre"], BARE, seconds, think_time, measure)]
            for label, path, role in pages:
                run = load(sessions[role], path, seconds, think_time, measure)
                bare_runs.append(load(sessions["centre"], BARE, seconds, think_time, measure))
                results.append((label, run, bare_runs[-2:]))
                out(f"  {label}: {run.rate:.1f} req/s, {run.errors} errors")
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        out("")
        out(self._table(mode, users, seconds, think_time, bare_runs, results))

    def _pages(self) -> list[tuple[str, str, str]]:
        """(label, path, who) for each key page, on the benchmark centre's and office's data."""
        from scarpette.accounts.models import Membership
        from scarpette.cases.models import Case
        from scarpette.demo.management.commands.benchmark_fill import bench_email
        from scarpette.questionnaire.models import ScreeningRun
        from scarpette.referrals.models import Transmission

        try:
            centre = Membership.objects.get(user__email=bench_email("operatrice", 0)).organisation
            office = Membership.objects.get(user__email=bench_email("consulente_inps", 0))
        except Membership.DoesNotExist as exc:
            raise CommandError("no benchmark accounts: run `benchmark_fill` first") from exc
        cases = Case.objects.filter(centre=centre)
        count = cases.count()
        run = (
            ScreeningRun.objects.filter(case__centre=centre, session__isnull=False)
            .select_related("case", "session")
            .order_by("-id")
            .first()
        )
        item = (
            Transmission.objects.filter(office=office.organisation)
            .exclude(status="withdrawn")
            .order_by("-id")
            .first()
        )
        if run is None or item is None:
            raise CommandError("the benchmark centre has no screening or its office no item")
        last = max(1, -(-count // settings.CASES_PAGE_SIZE))
        inbox = Transmission.objects.filter(office=office.organisation).count()
        self.stdout.write(
            f"data: {Case.objects.count():,} percorsi, {count:,} in the benchmark centre; "
            f"{inbox:,} transmissions to the benchmark office"
        )
        return [
            ("dashboard", "/", "centre"),
            ("percorsi list, page 1", "/percorsi/", "centre"),
            (f"percorsi list, last page ({last})", f"/percorsi/?page={last}", "centre"),
            ("search by code", f"/percorsi/?q={run.case.code}", "centre"),
            ("one percorso", f"/percorsi/{run.case.public_id}/", "centre"),
            ("result page", f"/questionario/{run.session.public_id}/risultato/", "centre"),
            ("INPS dashboard", "/", "inps"),
            ("INPS inbox", "/inps/casella/", "inps"),
            ("INPS inbox item", f"/inps/casella/{item.public_id}/", "inps"),
        ]

    def _accounts(self) -> dict[str, list[str]]:
        from scarpette.accounts.models import User

        emails = list(
            User.objects.filter(email__startswith="bench.", email__endswith="@bench.invalid")
            .order_by("email")
            .values_list("email", flat=True)
        )
        centre = [e for e in emails if ".operatrice." in e or ".referente." in e]
        inps = [e for e in emails if ".consulente_inps." in e]
        if not centre or not inps:
            raise CommandError("no benchmark accounts: run `benchmark_fill` first")
        return {"centre": centre, "inps": inps}

    def _sign_in(self, port, users, emails, password, offset) -> list[UserSession]:
        sessions = []
        for index in range(users):
            # allauth allows 30 logins a minute per address: 20 users per loopback address.
            block = (offset + index) // 20
            source = f"127.0.{block // 250}.{2 + block % 250}"
            session = UserSession(port, source)
            session.login(emails[index % len(emails)], password)
            sessions.append(session)
        return sessions

    def _table(self, mode, users, seconds, think, bare_runs, results) -> str:
        bare_rates = [r.rate for r in bare_runs]
        bare_latencies = [x for r in bare_runs for x in r.latencies]
        bare = RunResult("bare", sum(r.seconds for r in bare_runs), bare_latencies)
        bare.errors = sum(r.errors for r in bare_runs)
        bare.web_ticks = sum(r.web_ticks for r in bare_runs)
        bare.db_ticks = sum(r.db_ticks for r in bare_runs)
        bare.client_seconds = sum(r.client_seconds for r in bare_runs)
        head = (
            f"{mode}, {users} users, {seconds:g} s per page"
            + (f", {think:g} s think time" if think else ", no think time")
            + f"; gunicorn {self._workers_label()}, PostgreSQL; light threaded client (http.client)\n\n"
            "| page | req/s | share of bare | p50 ms | p95 ms | p99 ms | errors "
            "| CPU ms/request web | CPU ms/request PostgreSQL | client CPU ms/request |\n"
            "|---|---|---|---|---|---|---|---|---|---|\n"
        )
        rows = [
            self._row(
                f"bare view ({min(bare_rates):.0f}–{max(bare_rates):.0f} req/s over "
                f"{len(bare_runs)} runs)",
                bare,
                1.0,
            )
        ]
        for label, run, around in results:
            rows.append(self._row(label, run, share(run.rate, [r.rate for r in around])))
        return head + "\n".join(rows)

    def _workers_label(self) -> str:
        return f"{self._workers} sync workers"

    @staticmethod
    def _row(label: str, run: RunResult, ratio: float) -> str:
        n = run.requests
        rate = len(run.latencies) / run.seconds if run.seconds else 0.0
        return (
            f"| {label} | {rate:.1f} | {ratio:.0%} | {percentile(run.latencies, 50):.0f} "
            f"| {percentile(run.latencies, 95):.0f} | {percentile(run.latencies, 99):.0f} "
            f"| {run.errors} | {cpu_ms_per_request(0, run.web_ticks, n):.1f} "
            f"| {cpu_ms_per_request(0, run.db_ticks, n):.1f} "
            f"| {run.client_seconds * 1000 / n if n else 0:.1f} |"
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_gunicorn(port: int, workers: int, log) -> subprocess.Popen:
    env = {
        **os.environ,
        "SCARPETTE_ENV": "demo",
        "MFA_REQUIRED": "0",
        "BENCHMARK_BARE_VIEW": "1",
        "DJANGO_DEBUG": "0",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return subprocess.Popen(  # noqa: S603 (our own venv's gunicorn, fixed arguments)
        [
            str(gunicorn),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "30",
            "--no-control-socket",
            "--log-level",
            "warning",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _wait_until_up(port: int, server: subprocess.Popen) -> None:
    for _ in range(120):
        if server.poll() is not None:
            raise CommandError(f"gunicorn exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/salute/", headers={"Host": f"127.0.0.1:{port}"})
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise CommandError("gunicorn did not answer /salute/ within 60 s")
