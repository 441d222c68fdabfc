"""The body editor in Chromium, and the newsroom journey from a writer's draft to the front
page: writer writes (crosshead, quotation, picture with caption and credit, ALSO READ link)
and submits; editor approves and schedules; at its second the story is on the front page and
its page shows what the seed page shows."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from PIL import Image

from dateline.news.body import sanitize
from dateline.news.models import Article, Publication
from dateline.news.tests import factories as news_factories
from dateline.news.tests.browser import DESKTOP, screenshot_path
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff
from dateline.pictures.services import picture_create_or_update

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASTE = Path(__file__).parent / "fixtures" / "paste"
PASSWORD = "a-long-password-1"


def _jpeg(colour=(30, 90, 140), size=(1600, 900)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", quality=80)
    return out.getvalue()


def _picture(caption="Boats in the harbour at dawn", credit="Mara Lind", alt="Fishing boats"):
    picture, _ = picture_create_or_update(
        data=_jpeg(), filename="harbour.jpg", caption=caption, credit=credit, alt_text=alt
    )
    return picture


def _log_in(page, base: str, user) -> None:
    page.goto(f"{base}/admin/login/?next=/admin/")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/admin/")


def _editor(page):
    editor = page.locator(".prose-editor [contenteditable=true]")
    editor.wait_for()
    return editor


def _choose(page, tool: str, query: str) -> None:
    """Insert the first result of a body chooser (picture, alsoRead) for `query`."""
    page.click(f".dl-tools button[data-tool={tool}]")
    page.fill(".dl-chooser input", query)
    page.click(".dl-chooser .dl-go")
    page.click(".dl-results .dl-choose >> nth=0")


def _paste_html(page, html: str) -> None:
    page.locator(".prose-editor [contenteditable=true]").focus()
    page.evaluate(
        """html => {
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", html.replace(/<[^>]+>/g, ""));
            const target = document.querySelector(".prose-editor [contenteditable=true]");
            target.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true,
                                                               cancelable: true}));
        }""",
        html,
    )


@pytest.mark.parametrize("sample", ["word-desktop", "google-docs"])
def test_text_pasted_from_word_or_google_docs_comes_in_clean(sample, live_server, open_page):
    writer = staff(Role.WRITER)
    page = open_page(DESKTOP)
    _log_in(page, live_server.url, writer)
    page.goto(f"{live_server.url}/admin/news/article/add/")
    _editor(page)
    _paste_html(page, (PASTE / f"{sample}.html").read_text(encoding="utf-8"))
    textarea = page.locator("textarea#id_body")
    page.wait_for_function("() => document.querySelector('#id_body').value.includes('survives')")
    html = textarea.input_value()

    assert "<strong>late ferry</strong>" in html, html
    assert "<h2>Who pays for the pier</h2>" in html, html
    assert re.search(r"<em>We will not leave the island without an evening crossing,</em>", html)
    assert 'href="https://harbour.example/minutes"' in html
    assert "Fares rise by ten pence" in html
    for residue in ("style=", "class=", "<span", "o:p", "Mso", "docs-internal", "<b ", "<meta"):
        assert residue not in html, (residue, html)
    # What the server keeps is the same text: sanitising takes nothing more away.
    kept = sanitize(html)
    for text in ("late ferry", "Who pays for the pier", "evening crossing", "ten pence"):
        assert text in kept
    assert not page.errors, page.errors


def test_references_survive_editing_and_the_choosers_insert_them(live_server, open_page):
    picture = _picture()
    related = news_factories.article(headline="Ferry fares to rise in spring")
    body = (
        "<p>First paragraph with a "
        f'<a data-article="{related.pk}">link to the fares story</a>.</p>'
        f'<figure data-picture="{picture.pk}"></figure>'
        f'<p class="also-read" data-article="{related.pk}"></p>'
        '<figure data-embed="youtube" data-url="https://www.youtube.com/watch?v=dQw4w9WgXcQ">'
        "</figure>"
        "<p>Last paragraph.</p>"
    )
    story = news_factories.article(headline="Winter timetable agreed", body=body, publish=False)
    editor_user = staff(Role.EDITOR)
    page = open_page(DESKTOP)
    _log_in(page, live_server.url, editor_user)
    page.goto(f"{live_server.url}/admin/news/article/{story.pk}/change/")
    editor = _editor(page)
    cards = editor.locator(".dl-ref")
    page.wait_for_function("() => document.querySelectorAll('.ProseMirror .dl-ref').length === 3")
    page.locator(".dl-picture", has_text="Credit: Mara Lind").wait_for()
    page.locator(".dl-also-read", has_text="Ferry fares to rise in spring").wait_for()
    assert "youtube" in cards.nth(2).inner_text()

    # Type at the end of the last paragraph, then insert a second picture and ALSO READ.
    editor.locator("p", has_text="Last paragraph.").click()
    page.keyboard.press("End")
    page.keyboard.type(" Added on deadline.")
    _choose(page, "picture", "harbour")
    _choose(page, "alsoRead", "fares")
    # An address from outside the allowlist is refused with the reason, and nothing goes in.
    page.click(".dl-tools button[data-tool=embed]")
    page.fill(".dl-chooser input", "https://evil.example/video")
    page.click(".dl-chooser .dl-go")
    page.locator(".dl-message", has_text="not a provider we embed").wait_for()
    page.screenshot(path=screenshot_path("editor-references.png"), full_page=True)
    page.click("input[name=_continue]")
    page.locator(".messagelist .success").wait_for()

    story.refresh_from_db()
    stored = story.body
    assert f'<a data-article="{related.pk}"' in stored and "link to the fares story</a>" in stored
    assert stored.count(f'<figure data-picture="{picture.pk}"></figure>') == 2
    assert stored.count(f'<p class="also-read" data-article="{related.pk}"></p>') == 2
    assert (
        '<figure data-embed="youtube" data-url="https://www.youtube.com/watch?v=dQw4w9WgXcQ">'
        in stored
    )
    assert "Last paragraph. Added on deadline." in stored
    assert "evil.example" not in stored
    assert not page.errors, page.errors


def test_writer_to_editor_to_front_page_at_the_scheduled_second(live_server, open_page):
    from playwright.sync_api import expect

    base = live_server.url
    zone = ZoneInfo(Publication.load().time_zone)
    harbour = news_factories.section("Harbour")
    related = news_factories.article(headline="Ferry fares to rise in spring", section_obj=harbour)
    news_factories.article(headline="Lifeboat crew called out twice", section_obj=harbour)
    _picture()
    writer = staff(Role.WRITER, "writer")
    editor_user = staff(Role.EDITOR, "editor")
    headline = "Late ferry survives the winter timetable"
    standfirst = "The harbour board keeps the evening crossing, but fares rise by ten pence."

    # The writer writes, with no HTML typed: Markdown-style shortcuts make the crosshead
    # ("## ") and the quotation ("> "); the choosers add the picture and the ALSO READ link.
    page = open_page(DESKTOP)
    _log_in(page, base, writer)
    page.goto(f"{base}/admin/news/article/add/")
    page.fill("#id_headline", headline)
    page.fill("#id_standfirst", standfirst)
    page.select_option("#id_section", label="Harbour")
    editor = _editor(page)
    editor.click()
    paragraph = (
        "The harbour board met on Tuesday night to settle the winter timetable, and after "
        "two hours of argument the late ferry survives for another year."
    )
    page.keyboard.type(paragraph)
    page.keyboard.press("Enter")
    page.keyboard.type("## Who pays for the pier")
    page.keyboard.press("Enter")
    page.keyboard.type("> We will not leave the island without an evening crossing.")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # an empty line leaves the quotation
    page.keyboard.type("The board will publish the new fares next week.")
    _choose(page, "picture", "harbour")
    _choose(page, "alsoRead", "fares")
    page.click("input[name=_save]")
    page.locator(".messagelist .success").wait_for()
    story = Article.objects.get(headline=headline)
    assert "<h2>Who pays for the pier</h2>" in story.body
    assert "<blockquote><p>We will not leave the island" in story.body
    page.screenshot(path=screenshot_path("journey-1-writer-saved.png"), full_page=True)

    page.goto(f"{base}/newsroom/")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=headline))
    row.get_by_role("button", name="Submit for review").click()
    page.locator(".messages li", has_text="Submitted for review").wait_for()

    # The editor approves and schedules it for a second two days away.
    at = (dt.datetime.now(zone) + dt.timedelta(days=2)).replace(microsecond=0)
    desk = open_page(DESKTOP)
    _log_in(desk, base, editor_user)
    desk.goto(f"{base}/newsroom/")
    row = desk.get_by_role("row").filter(has=desk.get_by_role("link", name=headline))
    row.get_by_role("button", name="Approve").click()
    desk.locator(".messages li", has_text="Approved").wait_for()
    row = desk.get_by_role("row").filter(has=desk.get_by_role("link", name=headline))
    row.locator("summary", has_text="Schedule…").click()
    row.get_by_label(re.compile("^Publish at")).fill(at.strftime("%Y-%m-%dT%H:%M:%S"))
    row.get_by_role("button", name="Schedule", exact=True).click()
    desk.locator(".messages li", has_text="Scheduled").wait_for()
    story.refresh_from_db()
    assert story.published_at == at

    reader = open_page(DESKTOP)
    with time_machine.travel(at - dt.timedelta(seconds=1), tick=False):
        reader.goto(f"{base}/")
        expect(reader.locator("main")).not_to_contain_text(headline)
        assert reader.goto(f"{base}/story/{story.slug}/").status == 404
        reader.errors.clear()  # the browser logs that 404, which is the point here
    with time_machine.travel(at, tick=False):
        reader.goto(f"{base}/")
        teaser = reader.locator("main a", has_text=headline).first
        expect(teaser).to_be_visible()
        reader.screenshot(path=screenshot_path("journey-2-front-page.png"), full_page=True)
        teaser.click()
        reader.wait_for_url(f"**/story/{story.slug}/")

        # The story's page shows what the seed page shows (S2–S11), from what was typed.
        expect(reader.locator("h1")).to_have_text(headline)
        expect(reader.locator("p.standfirst")).to_contain_text(standfirst)
        expect(reader.locator("time.published")).to_have_text(f"{at.day} {at:%B %Y}")
        expect(reader.locator("span.reading-time")).to_have_text(re.compile(r"^\d+ mins? read$"))
        body = reader.locator("div.story-body")
        expect(body.locator("h2")).to_have_text("Who pays for the pier")
        expect(body.locator("blockquote")).to_contain_text("without an evening crossing")
        figure = body.locator("figure.picture")
        expect(figure.locator("figcaption")).to_contain_text("Boats in the harbour at dawn")
        expect(figure.locator("figcaption span.credit")).to_have_text("Pic credits Mara Lind")
        expect(figure.locator("img")).to_have_attribute("alt", "Fishing boats")
        also = body.locator("p.also-read")
        expect(also).to_contain_text("ALSO READ:")
        expect(also.locator("a")).to_have_attribute("href", related.get_absolute_url())
        expect(reader.locator("a[href='#top']").first).to_be_attached()
        expect(reader.get_by_text("Latest from Harbour")).to_be_visible()
        reader.screenshot(path=screenshot_path("journey-3-story.png"), full_page=True)
    for p in (page, desk, reader):
        assert not p.errors, p.errors
