"""Chromium for the browser tests: Debian's build, driven by Playwright's sync API.

Browser downloads are impossible here, so Playwright never fetches its own build: every launch
names /usr/bin/chromium. A browser that cannot start is a failure, never a skip.

Its fixtures (`browser`, `open_page`) are available to every test: conftest.py loads this
module as a pytest plugin.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

OUTPUT_DIR = Path(__file__).resolve().parents[3] / "test-output"
SCREENSHOTS = OUTPUT_DIR / "screenshots"

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}


def screenshot_path(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / name


class Unlaunched:
    """Stands in for a browser that did not start: the first use fails the test (a failure,
    reported against the test itself, never a skip or a setup error)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        pytest.fail(self.reason, pytrace=False)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One Chromium per test module.

    While Playwright runs, its event loop is running in the test thread, and Django refuses
    database access from a thread with a running loop. The tests (and pytest-django's flush
    after a transactional test) touch the database synchronously between Playwright calls,
    which is safe, so DJANGO_ALLOW_ASYNC_UNSAFE is set exactly for the browser's lifetime.
    """
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as exc:  # pragma: no cover - the test extra installs it
        yield Unlaunched(f"Playwright is not installed ({exc}): install the 'test' extra")
        return
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        playwright = sync_playwright().start()
        try:
            try:
                chromium = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=30_000
                )
            except Error as exc:
                yield Unlaunched(
                    f"Chromium could not be launched from {CHROMIUM}: {exc}. Browser tests "
                    "need Debian's chromium package (apt-get install chromium)."
                )
                return
            try:
                yield chromium
            finally:
                chromium.close()
        finally:
            playwright.stop()


@pytest.fixture
def open_page(browser):
    """A function that opens a page in a fresh context; console errors are collected."""
    contexts = []

    def _open(options: dict):
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.errors = []
        page.on(
            "console",
            # Every console error counts, none is filtered (base.html's empty icon link keeps
            # browsers from asking for a missing /favicon.ico).
            lambda m: (
                m.type == "error"
                and page.errors.append(f"console: {m.text} ({m.location.get('url', '')})")
            ),
        )
        page.on("pageerror", lambda exc: page.errors.append(f"pageerror: {exc}"))
        return page

    yield _open
    for context in contexts:
        context.close()
