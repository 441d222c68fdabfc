"""Drafts autosave while edited (progressive enhancement) and are offered back."""

from __future__ import annotations

import pytest

from dateline.news.tests import factories as news_factories
from dateline.news.tests.browser import CHROMIUM_ARGS
from dateline.newsroom.models import Autosave
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff


@pytest.mark.django_db
def test_autosave_keeps_sanitised_text_per_person_and_offers_it_back(client):
    article = news_factories.article(headline="Ferry timetable")
    editor = staff(Role.EDITOR)
    client.force_login(editor)
    response = client.post(
        "/newsroom/autosave/",
        {
            "article": article.pk,
            "headline": "Ferry timetable changes",
            "standfirst": "",
            "body": "<p>New times.</p><script>x()</script>",
        },
    )
    assert response.status_code == 200 and "saved_at" in response.json()
    kept = Autosave.objects.get(article=article, user=editor)
    assert kept.body == "<p>New times.</p>"
    offered = client.get(f"/newsroom/autosave/?article={article.pk}").json()["autosave"]
    assert offered["headline"] == "Ferry timetable changes"
    client.force_login(staff(Role.WRITER))
    assert client.get(f"/newsroom/autosave/?article={article.pk}").json() == {"autosave": None}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_edit_screen_autosaves_and_restores_in_chromium(browser, live_server):  # noqa: F811
    article = news_factories.article(headline="Lifeboat launched")
    editor = staff(Role.EDITOR, "eve")
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/news/article/{article.pk}/change/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", "a-long-password-1")
    page.click("input[type=submit]")
    page.wait_for_selector("#article_form")
    with page.expect_response(
        lambda r: "/newsroom/autosave/" in r.url and r.request.method == "POST"
    ) as kept:
        page.fill("#id_headline", "Lifeboat launched twice")
    assert kept.value.status == 200
    assert Autosave.objects.get(article=article).headline == "Lifeboat launched twice"
    page.reload()
    restore = page.locator("button.autosave-restore")
    restore.click()
    assert page.input_value("#id_headline") == "Lifeboat launched twice"
    context.close()
    assert CHROMIUM_ARGS  # the module's launch flags are the ones the fixture used
