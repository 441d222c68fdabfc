"""Static pages in Chromium: the demo site's pages and footer menu as a reader sees them on a
phone and a desktop (screenshots in test-output/screenshots/), and an editor writing a page
with the body editor at the desk, publishing it and adding it to the footer."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from dateline.news.tests.browser import DESKTOP, PHONE, screenshot_path
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff
from dateline.pages.models import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_reader_follows_the_footer_menu_to_a_page(device, live_server, open_page):
    from playwright.sync_api import expect

    call_command("demo", stdout=io.StringIO())
    page = open_page(PHONE if device == "phone" else DESKTOP)
    page.goto(f"{live_server.url}/")
    footer = page.get_by_role("navigation", name="About this site")
    expect(footer.get_by_role("link")).to_have_text(
        ["About the Courier", "Contact us", "Corrections policy", "Privacy"]
    )
    footer.get_by_role("link", name="Corrections policy").click()
    expect(page).to_have_url(f"{live_server.url}/corrections-policy/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Corrections policy")
    expect(page.get_by_role("link", name="corrections page")).to_be_visible()
    width = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert width <= 0, "the page scrolls sideways"
    page.screenshot(path=str(screenshot_path(f"static-page-{device}.png")), full_page=True)
    assert page.errors == []


def test_editor_writes_publishes_and_adds_a_page_to_the_footer(live_server, open_page):
    from playwright.sync_api import expect

    editor = staff(Role.EDITOR, "page-editor")
    editor.set_password("a-long-password-1")
    editor.save()
    page = open_page(DESKTOP)
    page.goto(f"{live_server.url}/admin/login/?next=/newsroom/pages/edit/")
    page.get_by_label("Username").fill("page-editor")
    page.get_by_label("Password").fill("a-long-password-1")
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Title").fill("Advertise with us")
    page.get_by_label("Address").fill("advertise")
    body = page.get_by_role("textbox").and_(page.locator(".prose-editor [contenteditable=true]"))
    body.click()
    page.keyboard.type("## Rates\nA quarter page costs less than you think.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved: Advertise with us")).to_be_visible()
    made = Page.objects.get(slug="advertise")
    assert "<h2>Rates</h2>" in made.body and "quarter page" in made.body
    page.get_by_role("link", name="All pages").click()
    page.get_by_role("button", name="Publish Advertise with us").click()
    page.get_by_role("button", name="Add Advertise with us to the footer").click()
    expect(page.get_by_role("region", name="Footer menu").get_by_role("listitem")).to_have_count(1)
    page.screenshot(path=str(screenshot_path("newsroom-pages.png")), full_page=True)
    page.goto(f"{live_server.url}/advertise/")
    expect(page.get_by_role("heading", level=2)).to_have_text("Rates")
    footer = page.get_by_role("navigation", name="About this site")
    expect(footer.get_by_role("link", name="Advertise with us")).to_be_visible()
    assert page.errors == []
