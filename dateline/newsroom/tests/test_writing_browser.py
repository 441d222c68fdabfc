"""The desk in Chromium, found by role and label as a screen reader would: a writer writes a
story on the writing screen (a lead picture uploaded on the spot with caption, credit and alt
text, a crosshead, a quotation, an ALSO READ link) and submits it; the editor finds it under
Needs me and sends it back with a note; the writer reads the note, fixes, resubmits; the
editor previews it on a phone and schedules it; at its second it is live and under Today.
axe-core finds nothing on the writing screen or the preview; screenshots of both, phone and
desktop, go to test-output/screens/."""

from __future__ import annotations

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from PIL import Image

from dateline.news.models import Article, Publication
from dateline.news.tests import factories as news_factories
from dateline.news.tests.axe import assert_accessible
from dateline.news.tests.browser import OUTPUT_DIR, PHONE
from dateline.newsroom.models import Note
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password-1"
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
SCREENS = OUTPUT_DIR / "screens"


def _screen(page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    # Nothing wider than the screen (a phone scrolls only down).
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=SCREENS / name, full_page=True)


def _jpeg_file(tmp_path) -> str:
    path = tmp_path / "harbour-at-dawn.jpg"
    out = io.BytesIO()
    Image.new("RGB", (1600, 900), (30, 90, 140)).save(out, "JPEG", quality=80)
    path.write_bytes(out.getvalue())
    return str(path)


def _sign_in(page, base: str, user, then: str) -> None:
    page.goto(f"{base}{then}")
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}{then}")


def _body(page):
    editor = page.get_by_role("textbox", name="Story text")
    editor.wait_for()
    return editor


def _ask(page, label: str) -> None:
    """Open an action that asks for something first (its disclosure in the action bar)."""
    actions = page.get_by_role("region", name="Actions")
    actions.get_by_role("group").locator("summary", has_text=label).click()


def _settled(page) -> None:
    """The screen's scripts have run: the length guide is written, the editor is named."""
    page.get_by_text(re.compile(r"\d+ of 110 characters")).wait_for()
    _body(page)


@pytest.fixture(autouse=True)
def _patient_expectations():
    """Expectations wait as long as actions do (10 s, the fixtures' default): the machine
    running the suite may be busy, and a wait on a condition costs nothing when it holds."""
    from playwright.sync_api import expect

    expect.set_options(timeout=10_000)
    yield
    expect.set_options(timeout=5_000)


def test_a_story_from_first_draft_to_live_at_its_second(live_server, open_page, tmp_path):
    from playwright.sync_api import expect

    base = live_server.url
    zone = ZoneInfo(Publication.load().time_zone)
    harbour = news_factories.section("Harbour")
    related = news_factories.article(headline="Ferry fares to rise in spring", section_obj=harbour)
    writer = staff(Role.WRITER, "writer")
    editor_user = staff(Role.EDITOR, "editor")
    headline = "Late ferry survives the winter timetable"

    # The writer writes on the desk, never in admin.
    page = open_page(DESKTOP)
    _sign_in(page, base, writer, "/newsroom/")
    page.get_by_role("link", name="New story").click()
    page.wait_for_url("**/newsroom/story/new/")
    _settled(page)
    page.get_by_label("Headline", exact=True).fill(headline)
    expect(page.get_by_text(f"{len(headline)} of 110 characters")).to_be_visible()
    page.get_by_label("Standfirst", exact=True).fill(
        "The harbour board keeps the evening crossing."
    )
    # Preflight as you type: no section yet blocks publishing.
    preflight = page.get_by_role("region", name="Before publishing")
    expect(preflight).to_contain_text("Blocks publishing: Choose a section.")
    page.get_by_label("Section").select_option(label="Harbour")
    expect(preflight).not_to_contain_text("Choose a section.")
    body = _body(page)
    body.click()
    page.keyboard.type("The harbour board met on Tuesday night to settle the winter timetable.")
    page.keyboard.press("Enter")
    page.keyboard.type("## Who pays for the pier")
    page.keyboard.press("Enter")
    page.keyboard.type("> We will not leave the island without an evening crossing.")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.keyboard.type("The board will publish the new fares next week.")
    insert = page.get_by_role("group", name="Insert into the story")
    insert.get_by_role("button", name="ALSO READ…").click()
    page.get_by_label("Search headlines").fill("fares")
    insert.get_by_role("button", name="Search").click()
    insert.get_by_role("button", name=re.compile("Ferry fares to rise in spring")).click()
    expect(preflight).not_to_contain_text("The body is empty")
    lead = page.get_by_role("group", name="Lead picture")
    lead.get_by_label("Upload a lead picture").set_input_files(_jpeg_file(tmp_path))
    lead.get_by_label("Caption", exact=True).fill("Boats in the harbour at dawn")
    lead.get_by_label("Picture credit").fill("Mara Lind")
    lead.get_by_label("Alt text").fill("Fishing boats moored at the quay")
    _screen(page, "writing-desktop.png")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Saved version")).to_be_visible()
    story = Article.objects.get(headline=headline)
    assert "<h2>Who pays for the pier</h2>" in story.body
    assert "<blockquote><p>We will not leave the island" in story.body
    assert f'<p class="also-read" data-article="{related.pk}"></p>' in story.body
    picture = story.lead_picture
    assert (picture.caption, picture.credit, picture.alt_text) == (
        "Boats in the harbour at dawn",
        "Mara Lind",
        "Fishing boats moored at the quay",
    )
    expect(preflight).to_contain_text("Nothing blocks publishing.")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text(f"Submitted for review: {headline}")).to_be_visible()

    # The editor finds it under Needs me and sends it back with a note.
    desk = open_page(DESKTOP)
    _sign_in(desk, base, editor_user, "/newsroom/")
    desk.get_by_role("navigation", name="Newsroom").get_by_role("link", name="Needs me").click()
    desk.get_by_role("link", name=headline).click()
    desk.wait_for_url(f"**/newsroom/story/{story.pk}/")
    _ask(desk, "Send back with a note")
    desk.get_by_label("Note to the writer").fill("Say who chairs the harbour board.")
    desk.get_by_role("button", name="Send back with a note").click()
    expect(desk.get_by_text("Sent back")).to_be_visible()
    assert Note.objects.get(article=story).text == "Say who chairs the harbour board."

    # The writer sees the note, fixes the story, answers and submits it again.
    page.reload()
    notes = page.get_by_role("region", name="Notes")
    expect(notes).to_contain_text("Say who chairs the harbour board.")
    _settled(page)
    page.get_by_label("Standfirst", exact=True).fill(
        "The harbour board, chaired by Ana Reyes, keeps the evening crossing."
    )
    # Kept on its own while it changes (a crash loses a few seconds at most).
    expect(page.get_by_text(re.compile("^Draft kept at"))).to_be_visible(timeout=15_000)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Saved version")).to_be_visible()
    notes = page.get_by_role("region", name="Notes")
    notes.get_by_label("Write a note").fill("Added the chair.")
    notes.get_by_role("button", name="Add note").click()
    expect(page.get_by_role("region", name="Notes")).to_contain_text("Added the chair.")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text(f"Submitted for review: {headline}")).to_be_visible()
    _screen(page, "writing-desktop-with-notes.png")
    # The history: the send-back, the note and the versions, two of them side by side.
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("list").filter(has_text="sent it back")).to_contain_text(
        "Say who chairs the harbour board."
    )
    expect(page.locator("ins", has_text="chaired")).to_be_visible()
    _screen(page, "history-desktop.png")
    assert_accessible(page)

    # The editor previews it on a phone, then schedules it.
    phone = open_page(PHONE)
    _sign_in(phone, base, editor_user, f"/newsroom/story/{story.pk}/")
    _settled(phone)
    _screen(phone, "writing-phone.png")
    assert_accessible(phone)
    phone.get_by_role("link", name="Preview").click()
    phone.get_by_role("link", name="Open the preview").click()
    phone.wait_for_url("**/preview/**")
    expect(phone.get_by_role("heading", level=1)).to_have_text(headline)
    expect(phone.locator("p.standfirst")).to_contain_text("chaired by Ana Reyes")
    figure = phone.locator("figure.lead")
    expect(figure.get_by_role("img", name="Fishing boats moored at the quay")).to_be_visible()
    expect(phone.get_by_role("heading", name="Who pays for the pier")).to_be_visible()
    expect(phone.locator("blockquote")).to_contain_text("without an evening crossing")
    expect(phone.locator("p.also-read a")).to_have_attribute("href", related.get_absolute_url())
    assert phone.locator('meta[name="robots"]').get_attribute("content") == "noindex, nofollow"
    _screen(phone, "preview-phone.png")
    assert_accessible(phone)
    preview_address = phone.url
    wide = open_page(DESKTOP)
    wide.goto(preview_address)  # anyone with the address, signed in or not
    expect(wide.get_by_role("heading", level=1)).to_have_text(headline)
    _screen(wide, "preview-desktop.png")
    assert_accessible(wide)

    at = (dt.datetime.now(zone) + dt.timedelta(days=2)).replace(microsecond=0)
    phone.go_back()
    phone.go_back()
    phone.reload()
    _ask(phone, "Schedule…")
    phone.get_by_label(re.compile("^Publish at")).fill(at.strftime("%Y-%m-%dT%H:%M:%S"))
    phone.get_by_role("button", name="Schedule", exact=True).click()
    expect(phone.get_by_text(f"Scheduled: {headline}")).to_be_visible()
    story.refresh_from_db()
    assert story.published_at == at

    # At its second it is live, and under Today.
    reader = open_page(DESKTOP)
    with time_machine.travel(at - dt.timedelta(seconds=1), tick=False):
        assert reader.goto(f"{base}/story/{story.slug}/").status == 404
        reader.errors.clear()  # the browser logs that 404, which is the point here
    with time_machine.travel(at, tick=False):
        assert reader.goto(f"{base}/story/{story.slug}/").status == 200
        expect(reader.get_by_role("heading", level=1)).to_have_text(headline)
        desk.goto(f"{base}/newsroom/")
        nav = desk.get_by_role("navigation", name="Newsroom")
        nav.get_by_role("link", name="Today").click()
        expect(desk.get_by_role("link", name=headline)).to_be_visible()
    for p in (page, desk, phone, wide, reader):
        assert not p.errors, p.errors


def _tab_to(page, name: str, limit: int = 120) -> None:
    """Press Tab until the focused control is the one named `name` (its label, its text)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const el = document.activeElement;
                if (!el) return "";
                const label = el.labels && el.labels.length ? el.labels[0].textContent : "";
                return (el.getAttribute("aria-label") || label || el.textContent || "").trim();
            }"""
        )
        if focused.startswith(name):
            return
    raise AssertionError(f"Tab never reached {name!r}")


def test_a_writer_writes_and_submits_with_the_keyboard_alone(live_server, open_page):
    from playwright.sync_api import expect

    from dateline.pictures.services import picture_create_or_update

    base = live_server.url
    news_factories.section("Harbour")
    out = io.BytesIO()
    Image.new("RGB", (1200, 800), (30, 90, 140)).save(out, "JPEG")
    picture_create_or_update(data=out.getvalue(), filename="quay.jpg", caption="The quay")
    writer = staff(Role.WRITER, "writer")
    page = open_page(DESKTOP)
    _sign_in(page, base, writer, "/newsroom/story/new/")
    _settled(page)
    _tab_to(page, "Headline")
    page.keyboard.type("Quay lights go out at midnight")
    _tab_to(page, "Standfirst")
    page.keyboard.type("The harbour saves on power.")
    _tab_to(page, "Story text")
    page.keyboard.type("The lights on the quay go out at midnight from Monday.")
    _tab_to(page, "Find a picture in the library")
    page.keyboard.type("quay")
    page.keyboard.press("Enter")
    page.get_by_role("button", name=re.compile("^Use The quay")).wait_for()
    _tab_to(page, "Use The quay")
    page.keyboard.press("Enter")
    # Choosing it puts the cursor in its caption, to be edited in place.
    expect(page.get_by_label("Caption", exact=True)).to_be_focused()
    _tab_to(page, "Picture credit")
    page.keyboard.type("Harbour Board")
    _tab_to(page, "Alt text")
    page.keyboard.type("The quay at dusk with its lamps lit")
    _tab_to(page, "Section")
    page.keyboard.type("Harbour")
    _tab_to(page, "Save")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Saved version")).to_be_visible()
    story = Article.objects.get(headline="Quay lights go out at midnight")
    assert story.section.name == "Harbour"
    assert story.lead_picture.alt_text == "The quay at dusk with its lamps lit"
    _tab_to(page, "Submit for review")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Submitted for review: Quay lights go out at midnight")).to_be_visible()
    assert not page.errors, page.errors


# Every box on the page (the editor's toolbar, 439 px wide before its icon font, was what
# the whole journey's check once caught), and under the action bar the open form's own and,
# closed, the form Chromium still lays out when something asks where it is (a closed
# <details>' content is only skipped, as `content-visibility: hidden`, and a script, axe or
# a test measuring it lays it out again).
_PAST_THE_EDGE = """() => {
  const width = document.documentElement.clientWidth;
  const past = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.right <= width + 0.5) continue;
    past.push(`${el.tagName}#${el.id}.${el.className} ${Math.round(box.right)}`);
  }
  return {past, scrollWidth: document.documentElement.scrollWidth};
}"""


def test_the_action_bar_fits_a_phone_open_or_closed_whatever_its_labels_measure(
    live_server, open_page
):
    """The writing screen's phone layout once depended on when the closed forms were laid out
    and on how wide their labels and date input came out (font, locale, the zone's name): the
    bar's forms are bounded by the bar, never by what they hold."""
    from dateline.news import services
    from dateline.newsroom.actions import workflow

    # The longest zone names there are, in the schedule form's label.
    services.publication_update(
        publication=Publication.load(), time_zone="America/Argentina/ComodRivadavia"
    )
    writer = staff(Role.WRITER, "writer")
    editor_user = staff(Role.EDITOR, "editor")
    story = news_factories.article(
        headline="Harbour board meets on Thursday", publish=False, created_by=writer
    )
    workflow.article_submit(article=story, by=writer)
    for locale in ("en-US", "de-DE"):
        phone = open_page({**PHONE, "locale": locale})
        if locale == "de-DE":
            # And before the editor's icon font has come (never, here): its buttons show
            # their ligatures' names, as wide as words.
            phone.route("**/material-icons*.woff2", lambda route: route.abort())
        _sign_in(phone, live_server.url, editor_user, f"/newsroom/story/{story.pk}/")
        _settled(phone)
        for label in ("Schedule…", "Send back with a note"):
            assert phone.evaluate(_PAST_THE_EDGE) == {"past": [], "scrollWidth": 390}, label
            _ask(phone, label)
            expect_open = phone.locator("details[open] summary", has_text=label)
            expect_open.wait_for()
            assert phone.evaluate(_PAST_THE_EDGE) == {"past": [], "scrollWidth": 390}, label
            _ask(phone, label)
        # Nothing went wrong but the font kept away on purpose.
        errors = [e for e in phone.errors if "material-icons" not in e]
        assert not errors, errors
