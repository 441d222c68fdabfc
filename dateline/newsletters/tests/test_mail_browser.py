"""The newsletter's HTML as a mail client's web view shows it: Chromium, on a phone and on a
desktop, with scripts off as mail clients have them. Nothing runs off the side, the stories
are links, and the unsubscribe link is there; screenshots in test-output/screenshots/."""

from __future__ import annotations

import pytest

from dateline.news.tests import factories as news
from dateline.news.tests.browser import DESKTOP, PHONE, screenshot_path
from dateline.newsletters import actions, lists, mail
from dateline.newsletters.models import Delivery
from dateline.newsletters.tests.factories import subscriber

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_the_briefing_reads_on_a_phone_and_a_desktop(open_page):
    section = news.section("Harbour")
    stories = [
        news.article(
            headline=f"Harbour works reach their {n}th week as the new quay wall rises",
            standfirst="Engineers say the wall will stand for a century; fishermen want it sooner.",
            section_obj=section,
        )
        for n in range(5)
    ]
    news.curate("lead", stories[:1])
    news.curate("dont-miss", stories[3:])
    reader = subscriber("phone@example.org", lists=(lists.BRIEFING,))
    briefing = actions.briefing_assemble(by=news.desk())
    actions.mailing_edit(
        mailing=briefing,
        by=news.desk(),
        subject=briefing.subject,
        intro="Good morning. The quay, the weather and the regatta.",
        story_ids=[i["id"] for i in briefing.items],
    )
    briefing.refresh_from_db()
    message = mail.copy(mail.issue(briefing), subscriber=reader, msgid=mail.message_id())
    html = dict((t, c) for c, t in message.alternatives)["text/html"]
    assert not Delivery.objects.exists()
    for name, options in (("phone", PHONE), ("desktop", DESKTOP)):
        page = open_page({**options, "java_script_enabled": False})
        page.set_content(html)
        page.screenshot(path=screenshot_path(f"newsletter-briefing-{name}.png"), full_page=True)
        links = page.get_by_role("link", name=stories[0].headline)
        assert links.count() == 1 and links.first.is_visible()
        assert page.get_by_role("link", name="Unsubscribe").is_visible()
        box = page.get_by_role("link", name="Unsubscribe").bounding_box()
        assert box["x"] + box["width"] <= options["viewport"]["width"]
        table = page.locator("table table").first.bounding_box()
        assert table["width"] <= min(600, options["viewport"]["width"]) + 2, name
        assert not page.errors
