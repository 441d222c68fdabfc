"""The story list in Chromium, found by role and label as a screen reader would: axe-core
finds nothing on it (desktop and phone), an editor works through Needs me from the list
(sends a story back with a note, schedules one in the publication's time zone), and the
screenshots land in test-output/screens/."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from dateline.core import clock
from dateline.news import services
from dateline.news.models import Article, Publication
from dateline.news.tests import factories as news_factories
from dateline.news.tests.axe import assert_accessible
from dateline.news.tests.browser import OUTPUT_DIR
from dateline.newsroom.actions import workflow as actions
from dateline.newsroom.models import AuditEntry
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password-1"
SCREENS = OUTPUT_DIR / "screens"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


def _log_in(page, base: str, user) -> None:
    page.goto(f"{base}/admin/login/?next=/newsroom/")
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/newsroom/")


@pytest.fixture
def desk():
    """A desk's morning: a story of every state, by two writers, in two sections."""
    publication = Publication.load()
    publication.time_zone = "Asia/Kolkata"  # +05:30: an offset no one mistakes for UTC
    publication.save()
    writer = staff(Role.WRITER, "wendy")
    editor = staff(Role.EDITOR, "edith")
    harbour, city = news_factories.section("Harbour"), news_factories.section("City")
    maya = services.author_get_or_create(name="Maya Okafor")
    made = {}
    for name, section in [
        ("Ferry timetable changes", harbour),
        ("Quay works begin next week", harbour),
        ("Council approves new cycle lanes", city),
        ("Harbour festival returns", harbour),
        ("Night buses extended", city),
        ("Market hall reopens", city),
    ]:
        story = news_factories.article(
            headline=name, publish=False, section_obj=section, created_by=writer
        )
        news_factories.save(story, authors=[maya])
        made[name] = story
    actions.article_submit(article=made["Quay works begin next week"], by=writer)
    actions.article_submit(article=made["Council approves new cycle lanes"], by=writer)
    actions.article_approve(article=made["Council approves new cycle lanes"], by=editor)
    actions.article_schedule(
        article=made["Harbour festival returns"], by=editor, at=clock.now() + dt.timedelta(hours=5)
    )
    actions.article_schedule(article=made["Night buses extended"], by=editor)
    actions.article_schedule(article=made["Market hall reopens"], by=editor)
    actions.article_unpublish(article=made["Market hall reopens"], by=editor, note="Legal")
    return {"writer": writer, "editor": editor, "stories": made}


def _row(page, headline: str):
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=headline))


def test_the_list_is_accessible_and_works_from_needs_me(live_server, open_page, desk):
    SCREENS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    page = open_page(DESKTOP)
    _log_in(page, base, desk["editor"])
    assert page.get_by_role("heading", name="Stories").is_visible()
    table = page.get_by_role("table")
    for state in ("Draft", "In review", "Approved", "Scheduled", "Live", "Unpublished"):
        assert table.get_by_text(state, exact=True).count() >= 1, state
    # The scheduled story shows its time with the publication's offset.
    assert "+0530" in _row(page, "Harbour festival returns").inner_text()
    # Only what fits: a live story is not offered Publish now.
    live = _row(page, "Night buses extended")
    assert live.get_by_role("button", name=re.compile("^Publish now")).count() == 0
    assert live.get_by_text("Unpublish…").is_visible()
    assert_accessible(page)
    page.screenshot(path=str(SCREENS / "desk-list-desktop.png"), full_page=False)

    page.get_by_role("navigation", name="Newsroom").get_by_role("link", name="Needs me").click()
    page.wait_for_url(re.compile(r"view=needs-me"))
    review = _row(page, "Quay works begin next week")
    assert review.get_by_text("In review").is_visible()
    assert _row(page, "Night buses extended").count() == 0
    review.locator("summary", has_text="Send back with a note").click()
    review.get_by_label("Note to the writer").fill("Who said the works start Monday?")
    review.get_by_role("button", name="Send back", exact=True).click()
    page.get_by_text("Sent back: Quay works begin next week").wait_for()
    assert AuditEntry.objects.get(action="return").detail["note"] == (
        "Who said the works start Monday?"
    )
    assert_accessible(page)

    page.get_by_role("navigation", name="Newsroom").get_by_role("link", name="Stories").click()
    page.get_by_label("State").select_option(label="Approved")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"state=approved"))
    approved = _row(page, "Council approves new cycle lanes")
    assert page.get_by_role("row").count() == 2  # the header and the one approved story
    approved.locator("summary", has_text="Schedule…").click()
    approved.get_by_label(re.compile("^Publish at")).fill("2099-06-01T08:30")
    approved.get_by_role("button", name="Schedule", exact=True).click()
    page.get_by_text("Scheduled: Council approves new cycle lanes").wait_for()
    story = Article.objects.get(headline="Council approves new cycle lanes")
    assert story.published_at == dt.datetime(2099, 6, 1, 3, 0, tzinfo=dt.UTC)

    phone = open_page(PHONE)
    _log_in(phone, base, desk["writer"])
    assert phone.get_by_role("link", name="Ferry timetable changes").is_visible()
    assert_accessible(phone)
    phone.screenshot(path=str(SCREENS / "desk-list-phone.png"), full_page=False)
    assert not phone.errors and not page.errors, phone.errors + page.errors
