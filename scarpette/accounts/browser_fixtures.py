"""Browser-test fixtures (loaded by the root conftest). Real Chromium (Debian's /usr/bin/chromium) driven by Playwright, with axe-core checks.

In CI (CI=true) a missing Chromium is an error, never a skip.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from scarpette.accounts.testing import PASSWORD, totp_code

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    }
}


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: browser tests must run in CI")
        pytest.skip("Chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="it-IT")
    # The closed network: any request that leaves this machine is answered locally.
    context.route(
        lambda url: not url.startswith(live_server.url),
        lambda route: route.fulfill(
            status=200, body="<html><body>neutral</body></html>", content_type="text/html"
        ),
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def axe_check():
    axe = Axe()

    def check(page, name: str) -> None:
        results = axe.run(page, options=AXE_OPTIONS)
        ARTIFACTS.mkdir(exist_ok=True)
        if results.violations_count:
            page.screenshot(path=str(ARTIFACTS / f"axe-{name}.png"), full_page=True)
        assert results.violations_count == 0, f"{name}: {results.generate_report()}"

    return check


_used_steps: set[tuple[int, int]] = set()


def sign_in(page, user) -> None:
    """The real sign-in: e-mail and password, then the TOTP code."""
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/2fa/authenticate/")
    # A code works once: a persona signing in again soon uses the next step's code (the one-step
    # tolerance accepts it), or waits for a fresh step.
    while True:
        step = int(time.time()) // 30
        offset = next((o for o in (0, 1) if (user.pk, step + o) not in _used_steps), None)
        if offset is not None:
            break
        time.sleep(30 - time.time() % 30 + 0.1)
    _used_steps.add((user.pk, step + offset))
    page.fill("input[name=code]", totp_code(user, offset))
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/" not in url)


def save_artifact(name: str) -> Path:
    """Where a test stores what people should be able to look at after the run."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name
