"""The seed article page (../shared/seed/) in Chromium, at phone and desktop widths.

Imports the seed's ninjs items, picks the two "Don't Miss" stories as seed-page.json says,
then checks what a reader sees: S4–S12 on the page, working links, the back-to-top link,
no sideways scrolling on a phone and no console errors. Full-page screenshots go to
test-output/screenshots/.
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from dateline.ingest.sources.ninjs import import_paths
from dateline.news.tests.browser import DESKTOP, PHONE, screenshot_path

SEED_SLUG = "taliban-power-share-peace-talks"
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seed(shared_dir):
    """The seed items imported and Don't Miss curated; returns seed-page.json's expectations."""
    page = json.loads((shared_dir / "seed" / "seed-page.json").read_text(encoding="utf-8"))
    report = import_paths([shared_dir / "seed" / "ninjs"])
    assert report.failed == 0, [r.line() for r in report.results]
    picks = page["expect"]["S12_dont_miss"]["uris"]
    call_command("curate", "dont-miss", *picks, stdout=io.StringIO())
    return page["expect"]


def _no_horizontal_overflow(page) -> None:
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"], f"page scrolls sideways: {widths}"


def _visible_texts(locator) -> list[str]:
    count = locator.count()
    for i in range(count):
        assert locator.nth(i).is_visible(), f"{locator} #{i} is not visible"
    return [" ".join(t.split()) for t in locator.all_inner_texts()]


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_seed_article_page(device, seed, live_server, open_page):
    from playwright.sync_api import expect

    page = open_page(VIEWPORTS[device])
    response = page.goto(f"{live_server.url}/story/{SEED_SLUG}/")
    assert response is not None and response.status == 200

    # S4, S5: headline and standfirst with its source credit.
    h1 = page.locator("h1")
    expect(h1).to_have_count(1)
    expect(h1).to_be_visible()
    expect(h1).to_have_text(seed["S4_headline"])
    standfirst = page.locator("p.standfirst")
    expect(standfirst).to_be_visible()
    expect(standfirst).to_have_text(seed["S5_standfirst"])
    expect(page.locator("time.published")).to_have_text(seed["S2_published"])
    expect(page.locator("span.reading-time")).to_have_text(
        f"{seed['S3_reading_time_minutes']} mins read"
    )
    expect(page.locator("header#top p.today")).to_be_visible()

    # S6: the crosshead inside the body.
    body = page.locator("div.story-body")
    crosshead = body.locator("h2", has_text=seed["S6_crosshead"])
    expect(crosshead).to_have_count(1)
    expect(crosshead).to_be_visible()
    expect(crosshead).to_have_text(seed["S6_crosshead"])

    # S7: the picture, loaded, with its caption and credit.
    figure = body.locator("figure.picture")
    expect(figure).to_have_count(1)
    figure.scroll_into_view_if_needed()
    expect(figure).to_be_visible()
    expect(figure.locator("figcaption")).to_contain_text(seed["S7_image"]["caption"])
    expect(figure.locator("figcaption span.credit")).to_contain_text(seed["S7_image"]["credit"])
    img = figure.locator("img")
    expect(img).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())

    # S8: ALSO READ is visible (followed at the end, after the checks on this page).
    also_read = body.locator("p.also-read a")
    expect(also_read).to_have_count(1)
    also_read.scroll_into_view_if_needed()
    expect(also_read).to_be_visible()
    expect(also_read).to_have_text(seed["S8_also_read"]["title"])

    # S9: previous and next story.
    previous, following = (
        page.locator("nav.prev-next a.previous"),
        page.locator("nav.prev-next a.next"),
    )
    for link, text in ((previous, seed["S9_previous"]), (following, seed["S9_next"])):
        link.scroll_into_view_if_needed()
        expect(link).to_be_visible()
        expect(link).to_contain_text(text)

    # S10: latest from the section, five teasers, newest first.
    latest = page.locator("section.latest-from")
    latest.scroll_into_view_if_needed()
    expect(latest).to_be_visible()
    expect(latest.locator("h2")).to_have_text(f"Latest from {seed['S10_latest_from']['section']}")
    expect(latest.locator("article.teaser")).to_have_count(5)
    assert (
        _visible_texts(latest.locator("article.teaser .teaser-title"))
        == (seed["S10_latest_from"]["titles"])
    )
    assert all(_visible_texts(latest.locator("article.teaser .teaser-text")))

    # S12: Don't Miss, the two picked stories in order.
    dont_miss = page.locator("section.dont-miss")
    dont_miss.scroll_into_view_if_needed()
    expect(dont_miss).to_be_visible()
    expect(dont_miss.locator("article.teaser")).to_have_count(2)
    assert (
        _visible_texts(dont_miss.locator("article.teaser .teaser-title"))
        == (seed["S12_dont_miss"]["titles"])
    )

    if device == "phone":
        _no_horizontal_overflow(page)

    page.screenshot(path=str(screenshot_path(f"article-{device}.png")), full_page=True)

    # S11: back to top. Scroll-behaviour is smooth, so wait for the scroll to arrive.
    page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function("() => window.scrollY > 0")
    to_top = page.locator("footer a.to-top")
    expect(to_top).to_have_attribute("href", "#top")
    expect(to_top).to_be_visible()
    to_top.click()
    page.wait_for_function("() => window.scrollY < 1")
    assert page.evaluate("() => window.scrollY") == 0
    expect(page.locator("header#top")).to_be_in_viewport()

    # S8, followed: the related story opens.
    with page.expect_navigation() as navigation:
        also_read.click()
    assert navigation.value is not None and navigation.value.status == 200
    expect(page.locator("h1")).to_have_text(seed["S8_also_read"]["title"])

    assert page.errors == []


def test_front_page_phone(seed, live_server, open_page):
    from playwright.sync_api import expect

    page = open_page(PHONE)
    response = page.goto(f"{live_server.url}/")
    assert response is not None and response.status == 200
    lead = page.locator("section.lead-story article.teaser.lead")
    expect(lead).to_have_count(1)
    expect(lead).to_be_visible()
    title = lead.locator(".teaser-title a")
    expect(title).to_be_visible()
    assert title.inner_text().strip()
    expect(lead.locator(".teaser-text")).to_be_visible()
    _no_horizontal_overflow(page)
    page.screenshot(path=str(screenshot_path("front-phone.png")), full_page=True)
    assert page.errors == []
