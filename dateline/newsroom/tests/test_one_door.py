"""One door: nothing reaches readers except through the newsroom's actions.

Three kinds of check. The code: only `newsroom/actions/` opens the door of `news.services`
or calls its private visibility functions, and a save around them is refused. The routes,
admin pages and commands: each is listed here as read-only or as a door, so a new one
fails this file until someone says which it is. The doors: each one that can put a story
in front of readers, used as its user would, leaves an audit entry naming its actor.
"""

from __future__ import annotations

import ast
import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.management import call_command, get_commands
from django.urls import URLPattern, URLResolver, get_resolver

from dateline.core import clock
from dateline.news import services
from dateline.news.models import Article, Collection, Status
from dateline.news.tests import factories
from dateline.newsroom.models import AuditEntry
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff
from dateline.pictures.models import Picture

ROOT = Path(__file__).resolve().parents[3]
PRIVATE = {
    "_through_door",
    "_article_set_visibility",
    "_article_delete",
    "_page_set_status",
    "_page_delete",
    "_footer_set",
    # Live coverage's writes (dateline/live/services.py), behind newsroom/actions/live.py.
    "_live_coverage_set",
    "_live_entry_save",
    "_live_entry_delete",
}
ALLOWED = {
    ROOT / "dateline" / "news" / "services.py",
    ROOT / "dateline" / "pages" / "services.py",
    ROOT / "dateline" / "live" / "services.py",
}
ACTIONS = ROOT / "dateline" / "newsroom" / "actions"


def _python_files():
    for folder in (ROOT / "dateline", ROOT / "config", ROOT / "bench"):
        for path in folder.rglob("*.py"):
            if "migrations" not in path.parts and path != Path(__file__).resolve():
                yield path


def test_only_the_newsroom_actions_open_the_door():
    offenders = []
    for path in _python_files():
        if path in ALLOWED or ACTIONS in path.parents:
            continue
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Attribute):
                names = [node.attr]
            elif isinstance(node, ast.Name):
                names = [node.id]
            elif isinstance(node, ast.ImportFrom):
                names = [a.name for a in node.names]
            for name in set(names) & PRIVATE:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} uses {name}")
    assert not offenders, "\n".join(offenders)


@pytest.mark.django_db
def test_a_write_around_the_actions_that_readers_would_see_is_refused():
    live = factories.article(headline="Live")
    draft = factories.article(headline="Draft", publish=False)
    live.headline = "Changed behind the desk's back"
    with pytest.raises(services.DoorRequired):
        services.article_save(article=live)
    draft.status = Status.PUBLISHED
    with pytest.raises(services.DoorRequired):
        services.article_save(article=draft)
    with pytest.raises(services.DoorRequired):
        services._article_set_visibility(article=draft, status=Status.PUBLISHED)
    with pytest.raises(services.DoorRequired):
        services._article_delete(article=live)
    with pytest.raises(services.DoorRequired):
        services.collection_set(key="dont-miss", articles=[live])
    assert Article.objects.get(pk=live.pk).headline == "Live"
    assert Article.objects.get(pk=draft.pk).status == Status.DRAFT


@pytest.mark.django_db
def test_a_published_page_cannot_change_outside_the_door():
    from dateline.pages import services as page_services
    from dateline.pages.models import Page, PageStatus
    from dateline.pages.tests.factories import page

    live = page(title="About", slug="about")
    live.title = "Changed behind the desk's back"
    with pytest.raises(services.DoorRequired):
        page_services.page_save(page=live)
    with pytest.raises(services.DoorRequired):
        page_services._page_set_status(page=live, status=PageStatus.DRAFT)
    with pytest.raises(services.DoorRequired):
        page_services._page_delete(page=live)
    with pytest.raises(services.DoorRequired):
        page_services._footer_set(pages=[live])
    assert Page.objects.get(pk=live.pk).title == "About"


# Every route, by name. "read" routes answer GET/HEAD only (405 to anything else); a
# "door" is named with the test below that shows it audits what it publishes.
ROUTES = {
    "newsroom:queue": "read",
    "newsroom:action": "door: test_newsroom_queue_actions_are_audited",
    "newsroom:front": "door: test_newsroom_front_page_screen_is_audited",
    "newsroom:revisions": "door: test_newsroom_revisions_screen_is_audited",
    "newsroom:autosave": "private: a person's own unsaved text, never shown to readers",
    "newsroom:pictures": "read",
    "newsroom:stories": "read",
    "newsroom:embed": "read",
    "newsroom:wire": "read",
    "newsroom:live": "door: test_the_live_desk_posts_through_the_actions_and_is_audited",
    "newsroom:tokens": "private: a person's own API tokens (dateline/api/views.py)",
    # The writing screen (newsroom/writing.py, history.py).
    "newsroom:story_new": "door: test_writing.py, a writer writes a new story",
    "newsroom:story": "door: test_an_editor_saves_a_live_story_only_as_a_typed_correction",
    "newsroom:story_note": "private: the desk's notes on a story, never shown to readers; audited",
    "newsroom:story_assign": "private: who has a story at the desk; audited",
    "newsroom:story_preview": "read: a redirect to a signed preview address",
    "newsroom:story_history": "read",
    "newsroom:story_preflight": "read: checks the text sent, saves nothing",
    "newsroom:labels": "read",
    "newsroom:pages": "door: test_newsroom_pages_screen_is_audited",
    "newsroom:page-edit": "door: test_newsroom_pages_screen_is_audited",
    "newsroom:mostread": "read",
    "newsroom:newsletters": "door: test_the_newsletters_desk_is_audited",
    # The API (dateline/api): the content API and its documents read; the management API
    # acts through the newsroom's actions as the token's owner.
    "api-v1:api-root": "read",
    "api-v1:openapi-json": "read",
    "api-v1:openapi-view": "read",
    "api-v1:stories_list": "read",
    "api-v1:story_by_id": "read",
    "api-v1:story_by_slug": "read",
    "api-v1:sections_list": "read",
    "api-v1:authors_list": "read",
    "api-v1:tags_list": "read",
    "api-v1:topics_list": "read",
    "api-v1:curated_list": "read",
    "api-v1:front": "read",
    "api-v1:me": "read",
    "api-v1:story_get_draft": "read",
    "api-v1:story_create": "door: test_a_writer_writes_and_submits_and_the_audit_names_them",
    "api-v1:story_update": "door: test_a_writer_writes_and_submits_and_the_audit_names_them",
    "api-v1:story_submit": "door: test_a_writer_writes_and_submits_and_the_audit_names_them",
    "api-v1:story_approve": "door: test_an_editor_publishes_corrects_and_unpublishes",
    "api-v1:story_publish": "door: test_an_editor_publishes_corrects_and_unpublishes",
    "api-v1:story_schedule": "door: test_an_editor_publishes_corrects_and_unpublishes",
    "api-v1:story_unpublish": "door: test_an_editor_publishes_corrects_and_unpublishes",
    "api-v1:story_correct": "door: test_an_editor_publishes_corrects_and_unpublishes",
    "api-v1:picture_upload": "private: a new library picture, on no live story until a door",
    "rendition": "read",
    "media": "read",
    "syndication:robots": "read",
    "syndication:sitemap-index": "read",
    "syndication:sitemap": "read",
    "syndication:rss": "read",
    "syndication:atom": "read",
    "syndication:section-rss": "read",
    "syndication:section-atom": "read",
    "syndication:tag-rss": "read",
    "syndication:tag-atom": "read",
    "syndication:topic-rss": "read",
    "syndication:topic-atom": "read",
    "syndication:author-rss": "read",
    "syndication:author-atom": "read",
    "syndication:ninjs": "read",
    "live:fragment": "read",
    "live:rss": "read",
    "live:atom": "read",
    "news:front": "read",
    "news:article": "read",
    "news:preview": "read: a story before it is live, by a signed address (news/preview.py)",
    "news:section": "read",
    "news:tag": "read",
    "news:topic": "read",
    "news:author": "read",
    "news:corrections": "read",
    "news:favicon": "read",
    "search:search": "read",
    "pages:page": "read",
    "beacon": "count: a read of a story (mostread/beacon.py), no content changes",
    "healthz": "read: ok/fail of the database, Redis and storage, never cached",
    # Newsletters (dateline/newsletters/views.py): a reader's own sign-up and lists, through
    # a cookie-free form and signed links; nothing any other reader sees changes.
    "newsletters:page": "read",
    "newsletters:subscribe": "private: mails a confirmation link to the address given",
    "newsletters:confirm": "private: a reader's own lists, by their signed link",
    "newsletters:manage": "private: a reader's own lists, by their signed link",
    "newsletters:unsubscribe": "private: a reader's own lists, by their signed link",
}


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(x for x in (namespace, p.namespace or "") if x)
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield (f"{namespace}:{p.name}" if namespace else p.name), prefix + str(p.pattern)


def test_every_route_is_known_as_read_only_or_as_an_audited_door():
    found = {name for name, _ in _walk(get_resolver().url_patterns)}
    found = {n for n in found if not n.startswith("admin:")}
    assert found - ROUTES.keys() == set(), "new routes: say in ROUTES what each one is"
    assert ROUTES.keys() - found == set(), "routes listed here no longer exist"


@pytest.mark.django_db
def test_public_routes_refuse_every_write_method(client):
    from dateline.news.preview import preview_url
    from dateline.pages.tests.factories import page

    page(title="About", slug="about")
    story = factories.article(section_obj=factories.section("Harbour"))
    author = services.author_get_or_create(name="Ann Example")
    tag = services.tag_get_or_create(name="Ferries")
    topic = services.topic_get_or_create(kind="place", name="Kelbridge")
    factories.save(story, authors=[author], tags=[tag], topics=[topic])
    urls = [
        "/",
        story.get_absolute_url(),
        story.section.get_absolute_url(),
        tag.get_absolute_url(),
        topic.get_absolute_url(),
        author.get_absolute_url(),
        "/corrections/",
        "/favicon.ico",
        "/robots.txt",
        "/sitemap.xml",
        "/sitemaps/articles.xml",
        "/feeds/rss.xml",
        "/feeds/atom.xml",
        f"{story.section.get_absolute_url()}rss.xml",
        f"{tag.get_absolute_url()}atom.xml",
        f"{topic.get_absolute_url()}rss.xml",
        f"{author.get_absolute_url()}atom.xml",
        f"/story/{story.slug}.ninjs.json",
        preview_url(story),
        f"/story/{story.slug}/live.json",
        f"/story/{story.slug}/live/rss.xml",
        f"/story/{story.slug}/live/atom.xml",
        "/media/anything.jpg",
        "/about/",
        "/sitemaps/pages.xml",
        "/newsletters/",
    ]
    client.force_login(staff(Role.EDITOR))
    for url in urls:
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            response = client.generic(method, url)
            assert response.status_code == 405, (method, url, response.status_code)


# Models with an admin page: "door" ones save through the actions (tested below);
# "vocabulary" ones change names and settings, recorded by Django's admin log and
# invalidated by the services; "read" ones cannot be changed in admin.
ADMIN_MODELS = {
    "news.Article": "door",
    # Static pages: saved, published, unpublished and deleted through actions/pages.py
    # (pages/tests/test_pages_admin.py).
    "pages.Page": "door",
    "news.Collection": "door",
    "news.Section": "vocabulary",
    "news.Author": "vocabulary",
    "news.Tag": "vocabulary",
    "news.Topic": "vocabulary",
    "news.Publication": "vocabulary",
    "news.Redirect": "vocabulary",
    "pictures.Picture": "door",
    "ingest.WireSource": "vocabulary",
    "newsroom.AuditEntry": "read",
    "ingest.WireItem": "read",
    "auth.User": "vocabulary",
    "auth.Group": "vocabulary",
    # django-axes: sign-in lockouts; an admin unlocks by deleting the attempt.
    "axes.AccessAttempt": "accounts",
    "axes.AccessLog": "read",
    "axes.AccessFailureLog": "read",
    # The API: tokens are a person's keys; subscribers are where webhooks go (URL checked);
    # the delivery log and the task queue are read-only records.
    "api.ApiToken": "accounts",
    "api.WebhookSubscriber": "vocabulary",
    "api.WebhookDelivery": "read",
    "django_tasks_database.DBTaskResult": "read",
}


def test_every_admin_page_is_known():
    registered = {f"{m._meta.app_label}.{m.__name__}" for m in admin.site._registry}
    assert registered == ADMIN_MODELS.keys()
    from dateline.newsroom import admin as newsroom_admin

    assert isinstance(admin.site._registry[Article], newsroom_admin.ArticleAdmin)
    assert isinstance(admin.site._registry[Collection], newsroom_admin.CollectionAdmin)
    # test_picture_edit.py: refused to writers on colleagues' live stories, audited.
    assert isinstance(admin.site._registry[Picture], newsroom_admin.PictureAdmin)


COMMANDS = {
    "curate": "door: test_cli_curate_is_audited",
    "import": "door: test_every_importer_audits_what_it_publishes",
    "ingest": "door: test_wire_poll_audits_what_it_publishes",
    "demo": "door: test_demo_audits_what_it_publishes",
    "staff": "accounts only",
    "serve": "serves pages",
    "worker": (
        "runs background tasks: webhook deliveries, which change nothing readers see, and "
        "the Most read refresh, which counts readers and changes no story (its tag through "
        "news.touches.ranking_touches)"
    ),
    "backup": "reads only: the database through its own tools, and the media",
    "restore": (
        "an operator's act on the whole site: the backup's state, audit log included, "
        "into an empty install (or --replace); no story is changed one by one"
    ),
    "renditions": "makes missing rendition files of stored pictures; changes no content",
    "subscribers": "door: test_the_subscribers_command_is_audited_without_the_address",
}


def test_every_command_of_ours_is_known():
    ours = {name for name, app in get_commands().items() if app.startswith("dateline")}
    assert ours == COMMANDS.keys()


def _audit(action: str, **filters) -> AuditEntry:
    return AuditEntry.objects.filter(action=action, **filters).get()


@pytest.mark.django_db
def test_newsroom_queue_actions_are_audited(client):
    editor = staff(Role.EDITOR)
    story = factories.article(publish=False, section_obj=factories.section("News"))
    client.force_login(editor)
    client.post("/newsroom/action/", {"article": story.pk, "action": "publish"})
    assert Article.objects.get(pk=story.pk).is_visible
    assert _audit("publish", article=story).actor == editor
    client.post("/newsroom/action/", {"article": story.pk, "action": "unpublish", "note": "Legal"})
    assert not Article.objects.get(pk=story.pk).is_visible
    assert _audit("unpublish", article=story).actor == editor


@pytest.mark.django_db
def test_newsroom_front_page_screen_is_audited(client):
    editor = staff(Role.EDITOR)
    story = factories.article()
    client.force_login(editor)
    client.post("/newsroom/front/", {"list": "dont-miss", "op": "add", "article": story.pk})
    entry = _audit("curate")
    assert entry.actor == editor and entry.detail["articles"] == [story.pk]


@pytest.mark.django_db
def test_newsroom_revisions_screen_is_audited(client):
    editor = staff(Role.EDITOR)
    story = factories.article(headline="Quay shut")
    client.force_login(editor)
    client.post(
        "/newsroom/revisions/",
        {
            "article": story.pk,
            "propose": "1",
            "headline": "Quay shut for a week",
            "standfirst": "",
            "body": "<p>New text.</p>",
            "version": story.version,
        },
    )
    assert _audit("propose", article=story).actor == editor
    client.post("/newsroom/action/", {"article": story.pk, "action": "approve"})
    assert Article.objects.get(pk=story.pk).headline == "Quay shut for a week"
    assert _audit("approve", article=story).actor == editor


@pytest.mark.django_db
def test_admin_edit_of_a_live_story_is_an_audited_correction(client):
    editor = staff(Role.EDITOR)
    story = factories.article(headline="Pier reopens", section_obj=factories.section("News"))
    client.force_login(editor)
    form = {
        "headline": "Pier reopens on Monday",
        "slug": story.slug,
        "standfirst": story.standfirst,
        "source_credit": "",
        "body": story.body,
        "section": story.section_id,
        "lead_picture": "",
        "language": "",
        "located": "",
        "opened_version": story.version,
    }
    page = client.post(f"/admin/news/article/{story.pk}/change/", form)
    assert page.status_code == 200 and "choose the kind of change" in page.content.decode()
    assert Article.objects.get(pk=story.pk).headline == "Pier reopens"
    response = client.post(
        f"/admin/news/article/{story.pk}/change/",
        {**form, "change_kind": "update", "change_note": ""},
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=story.pk).headline == "Pier reopens on Monday"
    entry = _audit("correct", article=story)
    assert entry.actor == editor and entry.detail["kind"] == "update"


@pytest.mark.django_db
def test_admin_publish_now_publishes_now_and_unpublish_and_delete_are_audited(client):
    editor = staff(Role.EDITOR)
    client.force_login(editor)
    section = factories.section("News")
    month_old = clock.now() - dt.timedelta(days=30)
    old = factories.article(headline="Old story", section_obj=section, published_at=month_old)
    factories.unpublish(old)
    later = clock.now() + dt.timedelta(days=2)
    scheduled = factories.article(headline="Scheduled", section_obj=section, published_at=later)
    client.post(
        "/admin/news/article/",
        {"action": "publish_now", "_selected_action": [old.pk, scheduled.pk]},
    )
    for story in (old, scheduled):
        story.refresh_from_db()
        # "Publish now" means now: not the month-old date, not the future one.
        assert story.is_visible
        assert abs((story.published_at - clock.now()).total_seconds()) < 60
        assert AuditEntry.objects.filter(action="publish", article=story, actor=editor).exists()
    client.post("/admin/news/article/", {"action": "unpublish", "_selected_action": [old.pk]})
    assert AuditEntry.objects.filter(action="unpublish", article=old, actor=editor).exists()
    client.post(f"/admin/news/article/{old.pk}/delete/", {"post": "yes"})
    assert not Article.objects.filter(pk=old.pk).exists()
    deleted = _audit("delete")
    assert deleted.actor == editor and deleted.detail["headline"] == "Old story"


@pytest.mark.django_db
def test_admin_publish_of_an_unready_story_is_refused_by_preflight(client):
    client.force_login(staff(Role.EDITOR))
    bare = factories.article(headline="No section, no body", body="", publish=False)
    response = client.post(
        "/admin/news/article/",
        {"action": "publish_now", "_selected_action": [bare.pk]},
        follow=True,
    )
    assert "Choose a section" in response.content.decode()
    assert Article.objects.get(pk=bare.pk).status == Status.DRAFT
    assert not AuditEntry.objects.filter(article=bare).exists()


@pytest.mark.django_db
def test_admin_curated_list_is_set_through_the_action(client):
    editor = staff(Role.EDITOR)
    a, b = factories.article(), factories.article()
    factories.curate("dont-miss", [a])
    collection = Collection.objects.get(key="dont-miss")
    client.force_login(editor)
    item = collection.items.get()
    response = client.post(
        f"/admin/news/collection/{collection.pk}/change/",
        {
            "title": "Don't Miss",
            "items-TOTAL_FORMS": "2",
            "items-INITIAL_FORMS": "1",
            "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "1000",
            "items-0-id": item.pk,
            "items-0-collection": collection.pk,
            "items-0-article": a.pk,
            "items-0-position": "1",
            "items-1-collection": collection.pk,
            "items-1-article": b.pk,
            "items-1-position": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(collection.items.order_by("position").values_list("article", flat=True)) == [
        b.pk,
        a.pk,
    ]
    entry = AuditEntry.objects.filter(action="curate", actor=editor).get()
    assert entry.detail == {"list": "dont-miss", "articles": [b.pk, a.pk]}


@pytest.mark.django_db
def test_cli_curate_is_audited():
    story = factories.article()
    call_command("curate", "dont-miss", str(story.pk), stdout=io.StringIO())
    entry = _audit("curate")
    assert entry.actor is None and entry.actor_name.startswith("command line (")


@pytest.mark.django_db
def test_every_importer_audits_what_it_publishes(shared_dir, tmp_path):
    seed = shared_dir / "seed" / "ninjs"
    call_command("import", "ninjs", str(seed), stdout=io.StringIO())
    ninjs_published = AuditEntry.objects.filter(
        action__in=["publish", "schedule"], actor_name="ninjs import"
    )
    live = Article.objects.filter(source="ninjs", status=Status.PUBLISHED)
    assert live.exists()
    assert set(ninjs_published.values_list("article", flat=True)) == set(
        live.values_list("pk", flat=True)
    )
    wxr = Path(__file__).parents[2] / "ingest" / "tests" / "fixtures" / "wxr"
    try:
        call_command(
            "import",
            "wxr",
            str(wxr / "newsroom-migration.xml"),
            "--no-progress",
            stdout=io.StringIO(),
        )
    except SystemExit:
        pass
    wp_live = Article.objects.filter(source__startswith="wxr:", status=Status.PUBLISHED)
    assert wp_live.exists()
    wp_published = AuditEntry.objects.filter(
        action__in=["publish", "schedule"], actor_name="WordPress import"
    )
    assert set(wp_published.values_list("article", flat=True)) == set(
        wp_live.values_list("pk", flat=True)
    )
    # Feeds read once and web pages land as drafts: nothing of theirs is public.
    feeds = Path(__file__).parents[2] / "ingest" / "tests" / "fixtures" / "wire" / "feeds"
    feed = next(feeds.glob("*.xml"))
    call_command("import", "feed", str(feed), stdout=io.StringIO())
    pages = Path(__file__).parents[2] / "ingest" / "tests" / "fixtures" / "pages"
    page = tmp_path / "page.html"
    shutil.copy(pages / "story-with-newsroom-boilerplate.html", page)
    call_command("import", "page", str(page), stdout=io.StringIO())
    assert not Article.objects.filter(source__in=["page"], status=Status.PUBLISHED).exists()
    assert not Article.objects.filter(source__startswith="wire:", status=Status.PUBLISHED).exists()


@pytest.mark.django_db
def test_wire_poll_audits_what_it_publishes(tmp_path):
    from dateline.ingest.models import WireSource

    folder = tmp_path / "agency"
    folder.mkdir()
    takedown = Path(__file__).parents[2] / "ingest" / "tests" / "fixtures" / "wire" / "takedown"
    shutil.copy(takedown / "v1.json", folder / "item.json")
    WireSource.objects.create(
        name="Northwire",
        kind="folder",
        location=str(folder),
        format="ninjs",
        publish_directly=True,
        default_section=factories.section("Courts"),
    )
    call_command("ingest", stdout=io.StringIO())
    story = Article.objects.get(source__startswith="wire:")
    assert story.is_visible
    assert _audit("publish", article=story).actor_name == "wire source Northwire"


@pytest.mark.django_db
def test_demo_audits_what_it_publishes():
    call_command("demo", stdout=io.StringIO())
    live = Article.objects.filter(status=Status.PUBLISHED)
    assert live.count() > 10
    published = AuditEntry.objects.filter(action="publish", actor_name="demo import")
    assert published.count() == live.count()
    assert _audit("curate", detail__list="lead").actor_name == "demo import"


@pytest.mark.django_db
def test_newsroom_pages_screen_is_audited(client):
    from dateline.pages.models import Page

    editor = staff(Role.EDITOR)
    client.force_login(editor)
    response = client.post(
        "/newsroom/pages/edit/",
        {"title": "About us", "slug": "about", "description": "", "body": "<p>Who we are.</p>"},
    )
    about = Page.objects.get(slug="about")
    assert response.status_code == 302
    assert _audit("page_create").actor == editor
    form = {"title": "About", "slug": "about", "description": "", "body": "<p>Who we are.</p>"}
    client.post(f"/newsroom/pages/edit/?page={about.pk}", {**form, "version": about.version})
    assert _audit("page_save").detail["page"] == about.pk
    client.post("/newsroom/pages/", {"page": about.pk, "op": "publish"})
    assert Page.objects.get(pk=about.pk).is_published
    assert _audit("page_publish").actor == editor
    client.post("/newsroom/pages/", {"page": about.pk, "op": "footer-add"})
    assert _audit("footer_set").detail["pages"] == [about.pk]
    client.post("/newsroom/pages/", {"page": about.pk, "op": "unpublish"})
    assert _audit("page_unpublish").actor == editor
    client.post("/newsroom/pages/", {"page": about.pk, "op": "delete"})
    assert not Page.objects.filter(pk=about.pk).exists()
    assert _audit("page_delete").detail["slug"] == "about"


@pytest.mark.django_db
def test_the_newsletters_desk_is_audited(client):
    editor = staff(Role.EDITOR)
    story = factories.article(headline="Gale warning")
    client.force_login(editor)
    client.post("/newsroom/newsletters/", {"op": "breaking", "article": story.pk})
    entry = _audit("newsletter_send", article=story)
    assert entry.actor == editor and entry.detail["list"] == "breaking"


@pytest.mark.django_db
def test_the_subscribers_command_is_audited_without_the_address():
    from dateline.newsletters.tests.factories import subscriber

    reader = subscriber("private.person@example.org")
    call_command("subscribers", "delete", "private.person@example.org", stdout=io.StringIO())
    entry = _audit("subscriber_erase")
    assert entry.actor_name.startswith("command line (") and entry.detail == {
        "subscriber": reader.pk
    }
    assert "private.person" not in str(list(AuditEntry.objects.values()))
