"""Static pages: written at the desk, published by editors, shown at /<slug>/ with the
site's shell, in the footer of every page, in the sitemap; the one door's role checks and
audit; revisions; the page's own query count and meta description."""

from __future__ import annotations

import lxml.html
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dateline.news.models import Publication
from dateline.news.tests import factories as news_factories
from dateline.newsroom.actions.base import ActionRefused
from dateline.newsroom.actions.pages import (
    footer_set,
    page_delete,
    page_publish,
    page_restore,
    page_save,
    page_unpublish,
)
from dateline.newsroom.models import AuditEntry
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff
from dateline.pagecache import memo
from dateline.pages import services
from dateline.pages.models import Page, PageRevision, PageStatus
from dateline.pages.tests.factories import footer, page

# Cold: settings, navigation, next scheduled time, footer menu (memoised per process), the
# page row. Warm: the page row alone.
PAGE_QUERIES_COLD = 5
PAGE_QUERIES_WARM = 1


def _count(client, url: str, *, cold: bool) -> int:
    # The site's settings row, which a data migration makes, is there as on any site: a
    # transactional test that ran before this one in the same process emptied every table.
    Publication.load()
    if cold:
        memo.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _doc(response):
    return lxml.html.fromstring(response.content.decode())


@pytest.mark.django_db
def test_a_published_page_is_shown_at_its_address_in_the_site_shell(client):
    page(title="Contact us", slug="contact", body="<h2>Newsroom</h2><p>Call 0100 200 300.</p>")
    response = client.get("/contact/")
    assert response.status_code == 200
    doc = _doc(response)
    assert doc.findtext(".//h1") == "Contact us"
    assert doc.findtext(".//title").startswith("Contact us – ")
    assert doc.xpath("string(//div[@class='story-body']/h2)") == "Newsroom"
    assert doc.xpath("//header[@class='masthead']")  # the public site's own shell
    canonical = doc.xpath("//link[@rel='canonical']/@href")
    assert canonical and canonical[0].endswith("/contact/")
    # Its card for links shared elsewhere (syndication.head).
    assert doc.xpath("//meta[@property='og:url']/@content")[0].endswith("/contact/")
    assert doc.xpath("//meta[@property='og:title']/@content")[0].startswith("Contact us – ")


@pytest.mark.django_db
def test_a_draft_or_unpublished_page_is_not_public(client):
    draft = page(title="Advertise", slug="advertise", publish=False)
    assert client.get("/advertise/").status_code == 404
    page_publish(page=draft, by=staff(Role.EDITOR))
    assert client.get("/advertise/").status_code == 200
    page_unpublish(page=draft, by=staff(Role.ADMIN, "boss"))
    assert client.get("/advertise/").status_code == 404


@pytest.mark.django_db
def test_meta_description_is_given_or_the_first_words_of_the_body(client):
    page(title="Privacy", slug="privacy", description="How we treat what you tell us.")
    long_body = "<p>" + " ".join(["We keep no record of who reads what."] * 20) + "</p>"
    page(title="Terms", slug="terms", body=long_body)
    given = _doc(client.get("/privacy/")).xpath("//meta[@name='description']/@content")[0]
    assert given == "How we treat what you tell us."
    derived = _doc(client.get("/terms/")).xpath("//meta[@name='description']/@content")[0]
    assert derived.startswith("We keep no record of who reads what. We keep")
    assert len(derived) <= 161 and derived.endswith("…")


@pytest.mark.django_db
def test_page_view_query_count_is_pinned(client):
    picture_free = page(title="About", slug="about")
    footer(picture_free)
    for n in range(30):  # more pages and stories change nothing
        page(title=f"Page {n}", slug=f"page-{n}")
    news_factories.article()
    assert _count(client, "/about/", cold=True) == PAGE_QUERIES_COLD
    assert _count(client, "/about/", cold=False) == PAGE_QUERIES_WARM


@pytest.mark.django_db
def test_footer_menu_shows_published_pages_in_order_on_every_page(
    client, django_capture_on_commit_callbacks
):
    story = news_factories.article(section_obj=news_factories.section("Harbour"))
    about = page(title="About us", slug="about")
    contact = page(title="Contact", slug="contact")
    draft = page(title="Careers", slug="careers", publish=False)
    footer(contact, draft, about)
    for url in ("/", story.get_absolute_url(), "/section/harbour/", "/about/", "/corrections/"):
        links = _doc(client.get(url)).xpath("//nav[@class='footer-menu']//a")
        assert [(a.text, a.get("href")) for a in links] == [
            ("Contact", "/contact/"),
            ("About us", "/about/"),
        ], url
    with django_capture_on_commit_callbacks(execute=True):  # the footer's tag is bumped then
        page_publish(page=draft, by=staff(Role.EDITOR))
    links = _doc(client.get("/")).xpath("//nav[@class='footer-menu']//a/text()")
    assert links == ["Contact", "Careers", "About us"]


@pytest.mark.django_db
def test_writers_draft_pages_and_only_editors_publish_change_live_pages_and_set_the_footer():
    writer, editor = staff(Role.WRITER), staff(Role.EDITOR, "ed")
    draft = page_save(
        page=Page(), by=writer, title="Ethics", slug="ethics", description="", body="<p>x</p>"
    )
    assert draft.status == PageStatus.DRAFT and draft.created_by == writer
    with pytest.raises(ActionRefused):
        page_publish(page=draft, by=writer)
    page_publish(page=draft, by=editor)
    live = Page.objects.get(pk=draft.pk)
    with pytest.raises(ActionRefused):
        page_save(page=live, by=writer, title="Ethics!", slug="ethics", description="", body="")
    with pytest.raises(ActionRefused):
        footer_set(pages=[live], by=writer)
    with pytest.raises(ActionRefused):
        page_delete(page=live, by=writer)
    with pytest.raises(ActionRefused):
        page_save(page=Page(), by=staff(Role.WIRE, "w"), title="T", slug="t", description="",
                  body="")  # fmt: skip
    assert Page.objects.get(pk=live.pk).title == "Ethics"
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", "actor_name"))
    assert actions == [("page_create", "writer-user"), ("page_publish", "ed")]


@pytest.mark.django_db
def test_reserved_and_malformed_addresses_are_refused():
    editor = staff(Role.EDITOR)
    for slug in ("story", "search", "admin", "a/b", "-x", "about us"):
        with pytest.raises(ActionRefused):
            page_save(page=Page(), by=editor, title="T", slug=slug, description="", body="")
    page(title="About", slug="about")
    with pytest.raises(ActionRefused, match="slug"):
        page_save(page=Page(), by=editor, title="About 2", slug="about", description="", body="")
    # No address given: one is made from the title, never a reserved one.
    made = page_save(page=Page(), by=editor, title="Search", slug="", description="", body="")
    assert made.slug == "search-page"
    with pytest.raises(ValidationError):
        Page(title="x", slug="section").full_clean()


@pytest.mark.django_db
def test_every_save_keeps_a_revision_and_one_can_be_restored(client):
    memo.clear()
    editor = staff(Role.EDITOR)
    about = page(title="About", slug="about", body="<p>First text.</p>", by=editor)
    page_save(page=about, by=editor, title="About us", slug="about", description="",
              body="<p>Second text.</p>")  # fmt: skip
    versions = list(PageRevision.objects.filter(page=about).values_list("version", "title"))
    assert versions == [(2, "About us"), (1, "About")]
    first = PageRevision.objects.get(page=about, version=1)
    page_restore(page=about, revision=first, by=editor)
    assert "First text." in client.get("/about/").content.decode()
    assert Page.objects.get(pk=about.pk).version == 3
    assert AuditEntry.objects.filter(action="page_restore", detail__version=1).exists()


@pytest.mark.django_db
def test_two_saves_from_one_version_one_wins():
    editor = staff(Role.EDITOR)
    about = page(title="About", slug="about", by=editor)
    opened = about.version
    page_save(page=Page.objects.get(pk=about.pk), by=editor, title="A", slug="about",
              description="", body="", expected_version=opened)  # fmt: skip
    with pytest.raises(ActionRefused, match="after you opened"):
        page_save(page=Page.objects.get(pk=about.pk), by=editor, title="B", slug="about",
                  description="", body="", expected_version=opened)  # fmt: skip
    assert Page.objects.get(pk=about.pk).title == "A"


@pytest.mark.django_db
def test_page_bodies_are_sanitised_like_stories():
    evil = page(
        title="<script>alert(1)</script>About",
        slug="about",
        body='<p onclick="alert(1)">Hi<script>alert(2)</script></p><iframe src="//x"></iframe>'
        '<a href="javascript:alert(3)">x</a>',
    )
    stored = Page.objects.get(pk=evil.pk).body
    assert "script" not in stored and "onclick" not in stored and "iframe" not in stored
    assert "javascript" not in stored


@pytest.mark.django_db
def test_pages_are_in_the_sitemap_and_its_index(client):
    about = page(title="About", slug="about")
    page(title="Draft", slug="draft", publish=False)
    body = client.get("/sitemaps/pages.xml").content.decode()
    assert "/about/</loc>" in body and "/draft/" not in body
    assert "/sitemaps/pages.xml" in client.get("/sitemap.xml").content.decode()
    page_delete(page=about, by=staff(Role.EDITOR))
    assert "/about/" not in client.get("/sitemaps/pages.xml").content.decode()


@pytest.mark.django_db
def test_desk_screen_lists_pages_and_sets_the_footer_order(client):
    editor = staff(Role.EDITOR)
    about, contact = page(title="About", slug="about"), page(title="Contact", slug="contact")
    client.force_login(editor)
    for p in (about, contact):
        client.post("/newsroom/pages/", {"page": p.pk, "op": "footer-add"})
    client.post("/newsroom/pages/", {"page": contact.pk, "op": "up"})
    assert services.footer_state() == (contact.pk, about.pk)
    screen = client.get("/newsroom/pages/").content.decode()
    assert "About" in screen and "Contact" in screen and "Footer menu" in screen
    client.post("/newsroom/pages/", {"page": contact.pk, "op": "footer-remove"})
    assert services.footer_state() == (about.pk,)
    # A writer sees the screen but its buttons' actions are refused.
    client.force_login(staff(Role.WRITER))
    response = client.post("/newsroom/pages/", {"page": about.pk, "op": "unpublish"}, follow=True)
    assert "Only an" in response.content.decode()
    assert Page.objects.get(pk=about.pk).is_published


@pytest.mark.django_db
def test_desk_form_saves_through_the_action_with_the_body_editor(client):
    client.force_login(staff(Role.WRITER))
    form = client.get("/newsroom/pages/edit/").content.decode()
    assert "data-dateline-body" in form  # the stories' body editor
    response = client.post(
        "/newsroom/pages/edit/",
        {"title": "Corrections policy", "slug": "", "description": "",
         "body": "<p>We correct errors <strong>promptly</strong>.</p>"},
    )  # fmt: skip
    made = Page.objects.get(title="Corrections policy")
    assert response.status_code == 302 and made.slug == "corrections-policy"
    assert made.status == PageStatus.DRAFT
    assert AuditEntry.objects.get(action="page_create").actor_name == "writer-user"


@pytest.mark.django_db
def test_admin_saves_publishes_and_deletes_through_the_actions(client):
    from dateline.news.tests.admin_forms import delete, post_form

    editor = staff(Role.EDITOR)
    client.force_login(editor)
    response = client.post(
        "/admin/pages/page/add/",
        {"title": "Advertise", "slug": "advertise", "description": "", "body": "<p>Rates.</p>"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    made = Page.objects.get(slug="advertise")
    assert AuditEntry.objects.get(action="page_create").actor == editor
    client.post(
        "/admin/pages/page/",
        {"action": "publish", "_selected_action": [made.pk], "index": 0},
    )
    assert Page.objects.get(pk=made.pk).is_published
    post_form(client, f"/admin/pages/page/{made.pk}/change/", {"title": "Advertise with us"})
    assert client.get("/advertise/").content.decode().count("Advertise with us") >= 1
    assert AuditEntry.objects.filter(action="page_save", detail__page=made.pk).exists()
    delete(client, f"/admin/pages/page/{made.pk}/delete/")
    assert not Page.objects.filter(pk=made.pk).exists()
    assert AuditEntry.objects.get(action="page_delete").actor == editor


@pytest.mark.django_db
def test_an_old_address_answers_301_to_the_page(client):
    about = page(title="About", slug="about")
    services.page_redirects_point(page=about, old_paths=["/company/about-us/", "/?page_id=7"])
    response = client.get("/company/about-us/")
    assert response.status_code == 301 and response["Location"] == "/about/"
    response = client.get("/?page_id=7")
    assert response.status_code == 301 and response["Location"] == "/about/"
    page_unpublish(page=about, by=staff(Role.EDITOR))
    assert client.get("/company/about-us/").status_code == 404
