"""Playwright driving Debian's Chromium against pytest-django's live server.

Nothing is downloaded: the browser is the system one (`apt-get install chromium`,
which the test command does), never `playwright install`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django would otherwise
# refuse the ORM calls that the tests make to set up their users.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def seeded(transactional_db):
    """Reference rows again: a transactional test empties every table when it ends."""
    from django.apps import apps

    from jaring.reference.seed import load_countries

    load_countries(apps)


class ConsoleErrors(list):
    """Console errors and uncaught exceptions; CSP violations arrive as console errors."""

    def watch(self, page):
        def on_console(message):
            if message.type == "error":
                self.append(f"{message.text} ({message.location.get('url', '')})")

        page.on("console", on_console)
        page.on("pageerror", lambda e: self.append(f"uncaught: {e}"))
        return page


@pytest.fixture
def console_errors():
    return ConsoleErrors()


@pytest.fixture
def new_page(browser, live_server, console_errors):
    contexts = []

    def _open(viewport=DESKTOP):
        context = browser.new_context(viewport=viewport, base_url=live_server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return console_errors.watch(context.new_page())

    yield _open
    for context in contexts:
        context.close()
