"""Live coverage in Chromium, served through the page cache (`config.wsgi.application`, as
`dateline serve` runs it): an open page shows a new entry within two seconds of its
posting while its polls are cache hits; an entry's address works without JavaScript; and
hostile text posted in entries runs nothing, on the page or when the page adds it."""

from __future__ import annotations

import threading
import time
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.db import connections

from dateline.live.tests.factories import go_live, post
from dateline.news.tests import factories
from dateline.news.tests.browser import DESKTOP, PHONE, screenshot_path
from dateline.newsroom.actions import live as actions
from dateline.newsroom.actions.base import ActionRefused

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The promise to readers: an entry is on their open page within two seconds of its posting.
WITHIN_MS = 2_000


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Handler(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def handle(self) -> None:
        try:
            super().handle()
        finally:
            # Each request has a thread, and so a connection, of its own: closed with it.
            connections.close_all()


class Answers:
    """What the server answered to the live fragment: (status, X-Cache) of each poll. A
    304 comes from the page cache's kept copy (the browser revalidates), as a hit does."""

    def __init__(self, app) -> None:
        self.app = app
        self.polls: list[tuple[int, str]] = []

    def __call__(self, environ, start_response):
        def recording(status, headers, exc_info=None):
            if environ["PATH_INFO"].endswith("/live.json"):
                self.polls.append((int(status[:3]), dict(headers).get("X-Cache", "")))
            return start_response(status, headers, exc_info)

        return self.app(environ, recording)


@pytest.fixture
def answers() -> Answers:
    from config.wsgi import application

    return Answers(application)


@pytest.fixture
def cached_site(transactional_db, answers):
    """The site as `dateline serve` serves it: the page cache in front of Django (static
    files from the apps, as the test settings collect none)."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler

    server = make_server(
        "127.0.0.1", 0, StaticFilesHandler(answers), _Server, handler_class=_Handler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def _live_story():
    story = factories.article(
        headline="Storm reaches the coast", section_obj=factories.section("Harbour")
    )
    go_live(story)
    post(story, "The first gusts arrive on the north quay.")
    return story


def _stream_ids(page) -> list[str]:
    return page.locator("section.live article.live-entry").evaluate_all("els => els.map(e => e.id)")


def test_an_open_page_shows_a_new_entry_within_two_seconds(cached_site, answers, open_page):
    from playwright.sync_api import expect

    story = _live_story()
    page = open_page(DESKTOP)
    url = f"{cached_site}{story.get_absolute_url()}"
    assert page.goto(url).headers.get("x-cache") == "miss"
    assert page.request.get(url).headers.get("x-cache") == "hit"
    # The page polls its fragment, and a poll costs a cache hit: rendered once, then
    # answered from the kept copy.
    page.wait_for_function(
        "() => performance.getEntriesByType('resource')"
        ".filter(e => e.name.includes('live.json')).length >= 3",
        timeout=5_000,
    )
    assert answers.polls[0] == (200, "miss")
    assert len(answers.polls) >= 3
    assert all(p == (304, "") or p == (200, "hit") for p in answers.polls[1:]), answers.polls
    updates = page.get_by_role("region", name="Live Latest updates")
    entry = post(story, "The harbour wall is breached at the slipway.", title="Wall breached")
    posted = time.monotonic()
    expect(updates.get_by_role("heading", name="Wall breached")).to_be_visible(timeout=WITHIN_MS)
    took = time.monotonic() - posted
    assert took < WITHIN_MS / 1000
    print(f"\nlive: an entry reached the open page {took * 1000:.0f} ms after its posting")
    assert _stream_ids(page)[0] == f"entry-{entry.pk}"
    # Its key-event link and its own address.
    second = post(story, "Evacuation of the lower town begins.", key_event=True, title="Evacuation")
    key_events = page.get_by_role("navigation", name="Key events")
    expect(key_events.get_by_role("link", name="Evacuation")).to_be_visible(timeout=WITHIN_MS)
    assert _stream_ids(page)[:2] == [f"entry-{second.pk}", f"entry-{entry.pk}"]
    # An edit, a pin and a deletion reach the page too: it reads the stream again.
    actions.live_entry_pin(entry=entry, by=factories.desk())
    pinned = page.locator("[data-live-pinned]")
    expect(pinned.get_by_role("heading", name="Wall breached")).to_be_visible(timeout=WITHIN_MS)
    actions.live_entry_delete(entry=second, by=factories.desk())
    expect(page.locator(f"#entry-{second.pk}")).to_have_count(0, timeout=WITHIN_MS)
    expect(key_events).to_be_hidden(timeout=WITHIN_MS)
    page.screenshot(path=str(screenshot_path("live-story-desktop.png")), full_page=True)
    assert not page.errors, page.errors


def test_the_end_of_coverage_reaches_the_open_page_and_polling_stops(cached_site, open_page):
    from playwright.sync_api import expect

    story = _live_story()
    page = open_page(PHONE)
    page.goto(f"{cached_site}{story.get_absolute_url()}")
    actions.live_end(article=story, by=factories.desk())
    expect(page.get_by_role("status")).to_have_text("Live coverage has ended.", timeout=WITHIN_MS)
    polls: list[str] = []
    page.on("request", lambda r: "live.json" in r.url and polls.append(r.url))
    page.wait_for_timeout(1_500)  # longer than a poll's interval: none may come
    assert polls == []
    page.screenshot(path=str(screenshot_path("live-story-phone.png")), full_page=True)
    assert not page.errors, page.errors


def test_an_entry_address_works_without_javascript(cached_site, browser):
    from playwright.sync_api import expect

    story = _live_story()
    for n in range(12):
        post(story, f"Update number {n}: " + "the wind keeps rising along the coast. " * 12)
    target = post(story, "The lifeboat is launched.", title="Lifeboat launched")
    for n in range(12):
        post(story, f"Later update {n}: " + "rain across the whole county tonight. " * 12)
    context = browser.new_context(java_script_enabled=False, **PHONE)
    try:
        page = context.new_page()
        page.goto(f"{cached_site}{story.get_absolute_url()}#entry-{target.pk}")
        heading = page.get_by_role("heading", name="Lifeboat launched")
        expect(heading).to_be_in_viewport()
        link = page.locator(f"#entry-{target.pk}").get_by_role("link").first
        assert link.get_attribute("href") == f"{story.get_absolute_url()}#entry-{target.pk}"
    finally:
        context.close()


def test_hostile_entries_run_nothing_on_the_page_or_when_it_adds_them(
    cached_site, browser, shared_dir
):
    from playwright.sync_api import expect

    from dateline.news.tests.test_hostile_input import (
        INSPECT,
        SETTLE,
        TRAP,
        payload_calls,
        xss_payloads,
    )

    payloads = xss_payloads(shared_dir)
    story = _live_story()
    chunk = 80
    chunks = [payloads[i : i + chunk] for i in range(0, len(payloads), chunk)]
    half = len(chunks) // 2
    refused: list[str] = []

    def post_chunks(selected) -> list[int]:
        posted = []
        for n, lines in selected:
            # Every other entry as HTML, the rest as plain text (which the desk escapes);
            # each payload after a word of ours, so that one that swallows what follows
            # (an unclosed comment) leaves the entry something to show.
            if n % 2:
                text = "".join(f"<p>Payload {i}: {line}</p>" for i, line in enumerate(lines))
            else:
                text = "\n\n".join(f"Payload {i}: {line}" for i, line in enumerate(lines))
            try:
                entry = post(story, text, title=lines[0][:200], key_event=n % 3 == 0, pinned=n == 1)
            except ActionRefused as exc:
                refused.append(str(exc))
                continue
            posted.append(entry.pk)
        return posted

    before = post_chunks(list(enumerate(chunks))[:half])
    context = browser.new_context()
    dialogs, outside, errors = [], [], []
    context.add_init_script(TRAP)

    def route(request_route):
        url = request_route.request.url
        if url.startswith(cached_site + "/"):
            request_route.continue_()
        else:
            outside.append(url)
            request_route.abort()

    try:
        context.route("**/*", route)
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{cached_site}{story.get_absolute_url()}", wait_until="load")
        after = post_chunks(list(enumerate(chunks))[half:])
        # Only text nested past what any body may hold is refused (news/body_shape.py).
        assert all("cannot be posted" in r for r in refused), refused
        assert len(before) + len(after) >= len(chunks) - 2, refused
        # The rest arrive through the page's own script.
        expect(page.locator(f"#entry-{after[-1]}")).to_be_attached(timeout=WITHIN_MS * 2)
        page.evaluate(SETTLE)
        found = page.evaluate(INSPECT)
    finally:
        context.close()
    fragment = f"{story.get_absolute_url()}live.json?after="
    # What the page's own script does (its polls and its timer) is not the payloads' doing.
    ours = [
        hit
        for hit in payload_calls(found["xss"])
        if not (hit.startswith(f"fetch({fragment}") or hit.startswith("setTimeout(function poll("))
    ]
    own_script = "element <script>"
    assert found["bad"].count(own_script) == 1 and found["scripts"] == 1, found["bad"][:10]
    assert [b for b in found["bad"] if b != own_script] == []
    assert ours == [] and dialogs == [] and outside == [] and errors == []
    assert found["frames"] == 0


def test_a_page_whose_story_is_taken_down_stops_asking(cached_site, answers, open_page):
    story = _live_story()
    page = open_page(DESKTOP)
    page.goto(f"{cached_site}{story.get_absolute_url()}")
    page.wait_for_function(
        "() => performance.getEntriesByType('resource').some(e => e.name.includes('live.json'))",
        timeout=5_000,
    )
    factories.unpublish(story)
    with page.expect_response(lambda r: "live.json" in r.url and r.status == 404):
        pass
    asked = len(answers.polls)
    page.wait_for_timeout(1_500)  # longer than a poll's interval: none may come
    assert len(answers.polls) == asked and answers.polls[-1][0] == 404
