"""The load benchmark's pieces: its arithmetic, and a small fill on which every page it loads
answers each role (the load itself is run by hand, never in the suite: docs/performance.md)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from scarpette.accounts.models import User
from scarpette.applications.models import Application
from scarpette.audit.verify import verify_chain
from scarpette.cases.models import Case
from scarpette.demo.management.commands.benchmark_fill import bench_email
from scarpette.demo.management.commands.loadbench import (
    Command,
    cpu_ms_per_request,
    parse_proc_stat,
    percentile,
    share,
    ticks_between,
)
from scarpette.questionnaire.models import ScreeningRun
from scarpette.referrals.models import Consultation, Transmission


def test_percentile_is_the_nearest_rank():
    values = [float(v) for v in range(1, 101)]  # 1..100
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile(values, 99) == 99
    assert percentile(values, 100) == 100
    assert percentile([7.0, 1.0, 3.0], 50) == 3  # unsorted input
    assert percentile([4.0], 99) == 4
    assert percentile([], 95) == 0


def test_proc_stat_is_read_after_the_last_parenthesis():
    # A process name with a space and a parenthesis, as `comm` allows.
    line = "4242 (gunicorn: w) (x) S 4200 4242 4242 0 -1 4194560 100 0 0 0 250 50 7 3 20 0 1 0"
    stat = parse_proc_stat(line)
    assert (stat.pid, stat.ppid, stat.ticks, stat.children_ticks) == (4242, 4200, 300, 10)


def test_cpu_per_request_and_share_of_the_bare_view():
    assert cpu_ms_per_request(1000, 1300, 150, clk_tck=100) == 20.0  # 3 s over 150 requests
    assert cpu_ms_per_request(0, 10, 0) == 0
    assert share(50.0, [200.0, 300.0]) == 0.2
    assert share(50.0, []) == 0


def test_ticks_count_new_processes_from_zero_and_skip_ended_ones():
    before = {1: 100, 2: 50, 3: 70}
    after = {1: 130, 2: 50, 4: 9}  # 3 ended, 4 started
    assert ticks_between(before, after) == 30 + 0 + 9


@pytest.fixture
def filled(db, settings):
    settings.MFA_REQUIRED = False  # as on the benchmark's server
    call_command(
        "benchmark_fill",
        cases=80,
        centres=2,
        offices=1,
        audit=30,
        users=1,
        password="bench-test-password-1",
        questionnaire_share=1.0,
        transmission_share=0.5,
        consultation_share=0.3,
        application_share=0.5,
    )


def test_the_fill_makes_every_page_realistic(filled):
    assert Case.objects.count() == 80
    assert ScreeningRun.objects.count() == 80
    assert Transmission.objects.exclude(status="sent").exists()
    assert Transmission.objects.filter(status="info_requested").exists()
    assert Consultation.objects.exists()
    assert Application.objects.exists()
    assert verify_chain().ok
    # Spread over the percorsi's lives (the inbox and the timelines sort by them), never ahead.
    sent = list(Transmission.objects.values_list("sent_at", flat=True))
    assert len(set(sent)) > len(sent) // 2
    assert max(sent) <= timezone.now()
    run = ScreeningRun.objects.select_related("case", "session").first()
    assert run.created_at.date() >= run.case.opened_on
    assert run.session.completed_at == run.created_at
    # The fill's own timestamps do not outlive it: the services stamp rows again.
    assert Transmission._meta.get_field("sent_at").auto_now_add is True
    assert Application._meta.get_field("updated_at").auto_now is True
    assert User.objects.get(email=bench_email("referente", 0)).check_password(
        "bench-test-password-1"
    )


def test_every_page_of_the_benchmark_answers_its_role(filled, client):
    users = {
        "centre": User.objects.get(email=bench_email("operatrice", 0)),
        "inps": User.objects.get(email=bench_email("consulente_inps", 0)),
    }
    pages = Command()._pages()
    assert {label.split(" (")[0] for label, _, _ in pages} >= {
        "dashboard",
        "percorsi list, page 1",
        "percorsi list, last page",
        "search by code",
        "one percorso",
        "result page",
        "INPS inbox",
        "INPS inbox item",
    }
    for label, path, role in pages:
        client.force_login(users[role])
        response = client.get(path)
        assert response.status_code == 200, (label, path, response.status_code)
