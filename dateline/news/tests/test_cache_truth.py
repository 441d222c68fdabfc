"""The cache equals the truth.

For every kind of change an editor, the desk, the CLI or a wire source makes, every kind of
public page is warmed through the real WSGI app (`config.wsgi.application`: the page cache
in front of Django); the change is made through the door a person would use (admin's own
forms, the newsroom screens, the `dateline` commands, a wire poll from a folder); then every
page read through the cache must be exactly what Django renders now, with nothing memoised.
And a page whose content did not change must still be a hit: nothing is made cold for a
change nobody can see.

One small world for the module, built once; each change runs in a savepoint that is rolled
back after it. The matrix of changes × pages (hit or miss) is written to
test-output/cache-truth-<database>.md.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from PIL import Image

from dateline.core import clock
from dateline.live.tests.factories import go_live, post
from dateline.mostread import ranking
from dateline.mostread.store import LocalStore, store, use
from dateline.news import body as body_format
from dateline.news import services
from dateline.news.models import Article, Publication, Redirect
from dateline.news.tests import factories
from dateline.news.tests.admin_forms import delete, post_form
from dateline.news.tests.readers import Reading, cached, truth
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff
from dateline.pictures.services import picture_create_or_update

LONDON = ZoneInfo("Europe/London")
# A fixed noon, so that no run crosses midnight (the header's date) by chance.
NOON = dt.datetime(2031, 3, 12, 12, 0, tzinfo=LONDON)

PAGES = {
    "story": "/story/quay-reopens/",
    "same section": "/story/ferry-strike-ends/",
    "links to it": "/story/regatta-day/",
    "other story": "/story/rowing-club-wins/",
    "wire story": "/story/night-buses-return/",
    "front": "/",
    "section": "/section/harbour/",
    "other section": "/section/sport/",
    "tag": "/tag/ferries/",
    "topic": "/topic/place/kelbridge/",
    "author": "/author/maya-okafor/",
    "rss": "/feeds/rss.xml",
    "atom": "/feeds/atom.xml",
    "section rss": "/section/harbour/rss.xml",
    "tag atom": "/tag/ferries/atom.xml",
    "topic rss": "/topic/place/kelbridge/rss.xml",
    "author rss": "/author/maya-okafor/rss.xml",
    "sitemap index": "/sitemap.xml",
    "sitemap stories": "/sitemaps/articles.xml",
    "sitemap sections": "/sitemaps/sections.xml",
    "sitemap topics": "/sitemaps/topics.xml",
    "sitemap authors": "/sitemaps/authors.xml",
    "news sitemap": "/sitemaps/news.xml",
    "ninjs": "/story/quay-reopens.ninjs.json",
    "corrections": "/corrections/",
    "old address": "/2024/06/quay-reopens/",
    "old ?p=": "/?p=101",
    "robots": "/robots.txt",
    "static page": "/about/",
    "draft page": "/ethics/",
    "pages sitemap": "/sitemaps/pages.xml",
    "old page address": "/company/about-us/",
    "live story": "/story/storm-live/",
    "live fragment": "/story/storm-live/live.json",
    "live rss": "/story/storm-live/live/rss.xml",
}


def jpeg(colour) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1400, 1000), colour).save(out, "JPEG", quality=60)
    return out.getvalue()


def wire_item(**changes) -> str:
    item = {
        "uri": "urn:eastwire:5001",
        "type": "text",
        "headline": "Night buses return",
        "versioncreated": "2031-03-12T09:00:00Z",
        "body_html": "<p>Night buses will run again through the old town from May.</p>",
        "by": "Jon Alder",
    }
    return json.dumps([item | changes])


def _read(slug: str, readers: int, *, first: int = 0) -> None:
    """`readers` reads of a story, each from an address of its own, counted as the beacon
    counts them."""
    pk = Article.objects.get(slug=slug).pk
    for n in range(first, first + readers):
        store().count(f"192.0.2.{n}", pk, time.time())


def _most_read_refresh(d: Doors) -> None:
    # The quay story overtakes the rowing story: the block's order changes.
    _read("quay-reopens", 3)
    assert ranking.refresh()


def _most_read_counts_only(d: Doors) -> None:
    # More reads of the story that leads already: the same stories in the same order.
    _read("rowing-club-wins", 4, first=10)
    assert not ranking.refresh()


@dataclass
class World:
    ids: dict[str, int]
    wire_folder: Path
    drafts_folder: Path

    def __getitem__(self, name: str) -> int:
        return self.ids[name]


def build(wire_folder: Path, drafts_folder: Path) -> World:
    from dateline.ingest.models import WireSource
    from dateline.ingest.wire import wire_poll

    services.publication_update(
        publication=Publication.load(),
        name="The Harbour Courier",
        language="en-GB",
        time_zone="Europe/London",
    )
    harbour = services.section_get_or_create(name="Harbour")
    sport = services.section_get_or_create(name="Sport")
    maya = services.author_get_or_create(name="Maya Okafor")
    jon = services.author_get_or_create(name="Jon Alder")
    ferries = services.tag_get_or_create(name="Ferries")
    weather = services.tag_get_or_create(name="Weather")
    kelbridge = services.topic_get_or_create(kind="place", name="Kelbridge")
    ruiz = services.topic_get_or_create(kind="person", name="Ana Ruiz")
    lead, _ = picture_create_or_update(
        data=jpeg((40, 90, 140)),
        filename="quay.jpg",
        caption="The north quay",
        credit="Harbour Photo",
        alt_text="Boats at the north quay",
    )
    inline, _ = picture_create_or_update(
        data=jpeg((140, 90, 40)),
        filename="crane.jpg",
        caption="The old crane",
        credit="Courier Staff",
        alt_text="A crane over the water",
    )
    now = clock.now()

    def story(headline, slug, section, minutes_ago, *, body="", authors=(), tags=(), topics=(),
              lead_picture=None, publish=True):  # fmt: skip
        article = Article(
            headline=headline,
            slug=slug,
            standfirst=f"{headline}: what happened.",
            body=body or f"<p>{headline}, as our reporter saw it this morning.</p>",
            section=section,
            lead_picture=lead_picture,
        )
        services.article_save(article=article, authors=authors, tags=tags, topics=topics)
        if publish:
            factories.publish(article, now - dt.timedelta(minutes=minutes_ago))
        return article

    quay = story(
        "Quay reopens",
        "quay-reopens",
        harbour,
        10,
        body="<p>Work finished early.</p>"
        + body_format.picture_placeholder(inline.pk)
        + "<p>Boats return on Monday.</p>",
        authors=[maya],
        tags=[ferries],
        topics=[kelbridge],
        lead_picture=lead,
    )
    ferry = story("Ferry strike ends", "ferry-strike-ends", harbour, 20, authors=[jon])
    # Every label keeps a second story when the first leaves it: an empty feed gives the
    # time of the request as its own (Django's feed generator), which no cache can keep.
    story(
        "Pier lights restored",
        "pier-lights-restored",
        harbour,
        30,
        authors=[maya],
        tags=[ferries, weather],
    )
    story(
        "Regatta day",
        "regatta-day",
        sport,
        15,
        body="<p>Crowds lined the river.</p>" + body_format.also_read_placeholder(quay.pk),
        authors=[jon],
    )
    rowing = story("Rowing club wins", "rowing-club-wins", sport, 25, topics=[kelbridge, ruiz])
    lock = story("Lock gates to be replaced", "lock-gates", harbour, 0, publish=False)
    cup = story("Cup final tonight", "cup-final", sport, 0, publish=False)
    factories.publish(cup, now + dt.timedelta(hours=6))
    factories.curate("dont-miss", [rowing])
    factories.correct(ferry, kind="correction", note="It ended on Tuesday.")
    services.redirects_point(
        article=quay, old_paths=["/?p=101", "/2024/06/quay-reopens/"], source="wxr:old"
    )
    (wire_folder / "items.json").write_text(wire_item())
    eastwire = WireSource.objects.create(
        name="Eastwire",
        kind="folder",
        location=str(wire_folder),
        format="ninjs",
        default_section=sport,
        publish_directly=True,
    )
    wire_poll(source=eastwire)
    WireSource.objects.create(
        name="Northwire",
        kind="folder",
        location=str(drafts_folder),
        format="ninjs",
        default_section=harbour,
    )
    # A story covered live (dateline.live), with an entry that shows a library picture.
    storm = story("Storm live", "storm-live", harbour, 40)
    go_live(storm)
    post(storm, "The first gusts reach the quay.", title="First gusts", key_event=True)
    post(storm, "The old crane sways.", picture=inline)
    editor = staff(Role.EDITOR, "truth-editor")
    admin = User.objects.create_superuser("truth-admin", "admin@example.com", "a-long-password")
    # Static pages: About (published, in the footer menu, an old address), Contact
    # (published, in the footer) and Ethics (a draft).
    from dateline.pages.services import page_redirects_point
    from dateline.pages.tests.factories import footer, page

    about = page(title="About us", slug="about", body="<p>Who we are.</p>")
    contact = page(title="Contact", slug="contact", body="<p>Write to us.</p>")
    ethics = page(title="Ethics", slug="ethics", body="<p>Our code.</p>", publish=False)
    footer(about, contact)
    page_redirects_point(page=about, old_paths=["/company/about-us/"])
    ids = {
        "harbour": harbour.pk,
        "sport": sport.pk,
        "maya": maya.pk,
        "jon": jon.pk,
        "ferries": ferries.pk,
        "weather": weather.pk,
        "kelbridge": kelbridge.pk,
        "ruiz": ruiz.pk,
        "lead": lead.pk,
        "inline": inline.pk,
        "quay": quay.pk,
        "ferry": ferry.pk,
        "rowing": rowing.pk,
        "lock": lock.pk,
        "storm": storm.pk,
        "cup": cup.pk,
        "editor": editor.pk,
        "admin": admin.pk,
        "redirect": Redirect.objects.get(old_path="/?p=101").pk,
        "publication": Publication.load().pk,
        "about": about.pk,
        "contact": contact.pk,
        "ethics": ethics.pk,
    }
    # Most read as last refreshed: the rowing story, read twice.
    _read("rowing-club-wins", 2)
    ranking.refresh()
    # The world's own refreshes: nothing is cached yet, and each test starts afresh.
    connection.run_on_commit = []
    return World(ids, wire_folder, drafts_folder)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    # Built once and rolled back at the end; each change below runs in a savepoint.
    # Reads counted in the world's transaction, written when the ranking reads them.
    previous = use(LocalStore(str(tmp_path_factory.mktemp("mostread") / "seen"), flush_every=None))
    with django_db_blocker.unblock(), time_machine.travel(NOON, tick=True):
        with transaction.atomic():
            yield build(tmp_path_factory.mktemp("wire"), tmp_path_factory.mktemp("drafts"))
            transaction.set_rollback(True)
    use(previous)


@dataclass
class Doors:
    world: World
    editor: Client
    admin: Client

    def article(self, name: str, **changes):
        # A live story changes in admin as a typed change; a typo fix shows readers no note.
        changes.setdefault("change_kind", "typo")
        post_form(self.editor, f"/admin/news/article/{self.world[name]}/change/", changes)

    def newsroom(self, action: str, name: str, **extra):
        response = self.editor.post(
            "/newsroom/action/", {"article": self.world[name], "action": action, **extra}
        )
        assert response.status_code == 302
        refused = [m for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
        assert not refused, refused

    def command(self, *args):
        call_command(*args, stdout=io.StringIO())

    def live(self, op: str, name: str = "storm", **data):
        """The live desk (/newsroom/live/<id>/); `entry` picks the story's first entry
        (0) or its newest (-1)."""
        from dateline.live.models import LiveEntry

        if "entry" in data:
            entries = list(LiveEntry.objects.filter(article_id=self.world[name]).order_by("pk"))
            data["entry"] = entries[data["entry"]].pk
        response = self.editor.post(f"/newsroom/live/{self.world[name]}/", {"op": op, **data})
        assert response.status_code == 302
        refused = [m for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
        assert not refused, refused


@pytest.fixture
def bumped(monkeypatch) -> set[str]:
    """The tags the change asked the services to bump. A page none of whose tags were
    bumped may still be rendered again, when one of its tags shares a slot with a bumped
    one in the version table (an extra render, never a stale page): that is not the
    change's doing."""
    from dateline.news import services as news_services
    from dateline.pagecache import invalidate
    from dateline.pages import services as page_services
    from dateline.pictures import services as picture_services

    asked: set[str] = set()

    def recording(tags):
        tags = set(tags)
        asked.update(tags)
        invalidate(tags)

    from dateline.live import services as live_services

    for module in (news_services, picture_services, page_services, live_services, ranking):
        monkeypatch.setattr(module, "invalidate", recording)
    return asked


@pytest.fixture
def doors(world):
    # pytest-django runs each test in a savepoint of its own, rolled back after it.
    editor, admin = Client(), Client()
    editor.force_login(User.objects.get(pk=world["editor"]))
    admin.force_login(User.objects.get(pk=world["admin"]))
    return Doors(world, editor, admin)


def run_on_commit():
    """Run what waits for the commit (the page cache's bumps), as the commit would: the
    change's savepoint is rolled back afterwards."""
    pending, connection.run_on_commit = connection.run_on_commit, []
    for _, callback, _ in pending:
        callback()


@dataclass
class Change:
    name: str
    door: str
    make: Callable[[Doors], None]
    # Seen by no reader: every page must stay a hit.
    invisible: bool = False
    # Pages this change may leave as they were yet refresh, and why: what they show
    # depends on other stories (is this one the newest of its kind?), which the change
    # does not look up.
    may_refresh: dict[str, str] = field(default_factory=dict)
    # A change that shows later, when its time comes (a scheduled story): it is made, then
    # the clock moves to that time, and the pages must be right then too.
    comes_into_view: dt.timedelta | None = None


def _schedule(d: Doors) -> None:
    at = (clock.now() + SCHEDULED_IN).replace(microsecond=0)
    d.newsroom("schedule", "lock", at=at.isoformat())


def _withdraw_on_the_wire(d: Doors) -> None:
    (d.world.wire_folder / "items.json").write_text(wire_item(pubstatus="canceled"))
    try:
        d.command("ingest", "--source", "Eastwire")
    finally:
        (d.world.wire_folder / "items.json").write_text(wire_item())


def _update_on_the_wire(d: Doors) -> None:
    (d.world.wire_folder / "items.json").write_text(
        wire_item(headline="Night buses return in May", versioncreated="2031-03-12T11:00:00Z")
    )
    try:
        d.command("ingest", "--source", "Eastwire")
    finally:
        (d.world.wire_folder / "items.json").write_text(wire_item())


def _drafts_from_the_wire(d: Doors) -> None:
    items = d.world.drafts_folder / "items.json"
    items.write_text(
        wire_item(uri="urn:northwire:1", headline="Harbour dues to rise")[:-1]
        + ","
        + wire_item(uri="urn:northwire:2", headline="Ferry timetable changes")[1:]
    )
    try:
        d.command("ingest", "--source", "Northwire")
    finally:
        items.unlink()
    assert Article.objects.filter(source_id="urn:northwire:2", status="draft").exists()


def _draft_written_in_admin(d: Doors) -> None:
    post_form(
        d.editor,
        "/admin/news/article/add/",
        {
            "headline": "Harbour master retires",
            "slug": "harbour-master-retires",
            "standfirst": "After forty years.",
            "body": "<p>Not ready yet.</p>",
            "section": d.world["harbour"],
            "tags": [d.world["ferries"]],
            "authors": [d.world["maya"]],
        },
    )
    d.article("lock", headline="Lock gates to be replaced next year", tags=[d.world["ferries"]])


def _pages_screen(d: Doors, name: str, op: str) -> None:
    response = d.editor.post("/newsroom/pages/", {"page": d.world[name], "op": op})
    assert response.status_code == 302
    refused = [m for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
    assert not refused, refused


def _page_written_at_the_desk(d: Doors) -> None:
    response = d.editor.post(
        "/newsroom/pages/edit/",
        {"title": "Advertise", "slug": "advertise", "description": "", "body": "<p>Rates.</p>"},
    )
    assert response.status_code == 302
    post_form(d.editor, f"/admin/pages/page/{d.world['ethics']}/change/", {"title": "Our ethics"})


def _front_screen(d: Doors) -> None:
    response = d.editor.post(
        "/newsroom/front/", {"list": "dont-miss", "article": d.world["quay"], "op": "add"}
    )
    assert response.status_code == 302


# Within a page's lifetime (DATELINE_PAGE_CACHE_SECONDS), so that no page reaches its time
# by simply expiring.
SCHEDULED_IN = dt.timedelta(minutes=2)


def _admin_inline(d: Doors) -> None:
    """Don't Miss in admin: the inline's empty row takes a second story."""
    from dateline.news.models import Collection

    dont_miss = Collection.objects.get(key="dont-miss")
    post_form(
        d.editor,
        f"/admin/news/collection/{dont_miss.pk}/change/",
        {"items-1-article": d.world["ferry"], "items-1-position": 1},
    )
    assert dont_miss.items.count() == 2


CHANGES = [
    Change("edit headline", "admin", lambda d: d.article("quay", headline="Quay reopens early")),
    Change(
        "edit standfirst",
        "admin",
        lambda d: d.article("quay", standfirst="Boats are back a week early."),
    ),
    Change(
        "edit body",
        "admin",
        lambda d: d.article(
            "quay",
            body="<p>Work finished early.</p>"
            + body_format.picture_placeholder(d.world["inline"])
            + "<p>Boats return on Monday, the harbour master said.</p>",
        ),
    ),
    Change(
        "re-caption lead picture",
        "admin",
        lambda d: post_form(
            d.editor,
            f"/admin/pictures/picture/{d.world['lead']}/change/",
            {"caption": "The north quay at dawn"},
        ),
    ),
    Change(
        "re-credit body picture",
        "admin",
        lambda d: post_form(
            d.editor,
            f"/admin/pictures/picture/{d.world['inline']}/change/",
            {"credit": "Kelbridge Archive"},
        ),
    ),
    Change(
        "re-focus lead picture",
        "admin",
        lambda d: post_form(
            d.editor,
            f"/admin/pictures/picture/{d.world['lead']}/change/",
            {"focal_x": "0.2", "focal_y": "0.3"},
        ),
    ),
    Change(
        "rename author",
        "admin",
        lambda d: post_form(
            d.editor, f"/admin/news/author/{d.world['maya']}/change/", {"name": "Maya Okafor-Hale"}
        ),
    ),
    Change(
        "rename tag",
        "admin",
        lambda d: post_form(
            d.editor, f"/admin/news/tag/{d.world['ferries']}/change/", {"name": "Ferry services"}
        ),
    ),
    Change(
        "rename topic",
        "admin",
        lambda d: post_form(
            d.editor, f"/admin/news/topic/{d.world['kelbridge']}/change/", {"name": "Kelbridge Bay"}
        ),
    ),
    Change(
        "rename section",
        "admin",
        lambda d: post_form(
            d.editor, f"/admin/news/section/{d.world['harbour']}/change/", {"name": "Waterfront"}
        ),
    ),
    Change(
        "describe section",
        "admin",
        lambda d: post_form(
            d.editor,
            f"/admin/news/section/{d.world['harbour']}/change/",
            {"description": "Ships, quays and the people who work them."},
        ),
    ),
    Change(
        "write author bio",
        "admin",
        lambda d: post_form(
            d.editor,
            f"/admin/news/author/{d.world['maya']}/change/",
            {"bio": "Maya Okafor covers the harbour and the council."},
        ),
    ),
    Change(
        "reorder sections",
        "admin",
        lambda d: post_form(
            d.editor, f"/admin/news/section/{d.world['harbour']}/change/", {"position": 9}
        ),
    ),
    Change(
        "section out of navigation",
        "admin",
        lambda d: post_form(
            d.editor, f"/admin/news/section/{d.world['sport']}/change/", {"in_navigation": None}
        ),
    ),
    Change(
        "add tag",
        "admin",
        lambda d: d.article("quay", tags=[d.world["ferries"], d.world["weather"]]),
    ),
    Change("remove tag", "admin", lambda d: d.article("quay", tags=[])),
    Change(
        "add topic",
        "admin",
        lambda d: d.article("quay", topics=[d.world["kelbridge"], d.world["ruiz"]]),
    ),
    Change("remove topic", "admin", lambda d: d.article("quay", topics=[])),
    Change(
        "add author",
        "admin",
        lambda d: d.article("quay", authors=[d.world["maya"], d.world["jon"]]),
        may_refresh={"sitemap authors": "it may be the author's newest story"},
    ),
    Change(
        "remove author",
        "admin",
        lambda d: d.article("quay", authors=[]),
        may_refresh={"sitemap index": "it may have been the newest story with an author"},
    ),
    Change(
        "move to another section",
        "admin",
        lambda d: d.article("quay", section=d.world["sport"]),
        may_refresh={"front": "it may move from one section's block to the other's"},
    ),
    Change("unpublish", "newsroom", lambda d: d.newsroom("unpublish", "quay", note="Legal")),
    Change("withdraw", "wire poll", _withdraw_on_the_wire),
    Change("wire update of a live story", "wire poll", _update_on_the_wire),
    Change(
        "delete story",
        "admin",
        lambda d: delete(d.editor, f"/admin/news/article/{d.world['quay']}/delete/"),
    ),
    Change(
        "delete picture",
        "admin",
        lambda d: delete(d.admin, f"/admin/pictures/picture/{d.world['inline']}/delete/"),
    ),
    Change(
        "delete tag",
        "admin",
        lambda d: delete(d.admin, f"/admin/news/tag/{d.world['ferries']}/delete/"),
    ),
    Change(
        "delete section",
        "admin",
        lambda d: delete(d.admin, f"/admin/news/section/{d.world['harbour']}/delete/"),
        may_refresh={"sitemap index": "its stories may have been the newest with a section"},
    ),
    Change("curate Don't Miss", "newsroom", _front_screen),
    Change("curate in admin", "admin", _admin_inline),
    Change(
        "curate top stories",
        "CLI",
        lambda d: d.command("curate", "top", "/story/pier-lights-restored/"),
    ),
    Change(
        "publication settings",
        "admin",
        lambda d: post_form(
            d.admin,
            f"/admin/news/publication/{d.world['publication']}/change/",
            {"name": "The Kelbridge Courier"},
        ),
    ),
    Change(
        "repoint old address",
        "admin",
        lambda d: post_form(
            d.admin,
            f"/admin/news/redirect/{d.world['redirect']}/change/",
            {"article": d.world["ferry"]},
        ),
    ),
    Change("schedule, time passes", "newsroom", _schedule, comes_into_view=SCHEDULED_IN),
    Change(
        "edit a scheduled story",
        "admin",
        lambda d: d.article("cup", headline="Cup final tonight at eight"),
        invisible=True,
    ),
    Change("most read: order changes", "worker", _most_read_refresh),
    Change("most read: counts only", "worker", _most_read_counts_only, invisible=True),
    Change("draft saved", "admin", _draft_written_in_admin, invisible=True),
    Change(
        "edit a page",
        "admin",
        lambda d: post_form(
            d.editor,
            f"/admin/pages/page/{d.world['about']}/change/",
            {"body": "<p>Who we are, since 1921.</p>"},
        ),
    ),
    Change(
        "rename a page in the footer",
        "admin",
        lambda d: post_form(
            d.editor, f"/admin/pages/page/{d.world['contact']}/change/", {"title": "Contact us"}
        ),
    ),
    Change("publish a page", "newsroom", lambda d: _pages_screen(d, "ethics", "publish")),
    Change(
        "unpublish a page",
        "newsroom",
        lambda d: _pages_screen(d, "about", "unpublish"),
        may_refresh={"sitemap index": "it may have been the page changed last"},
    ),
    Change("reorder the footer", "newsroom", lambda d: _pages_screen(d, "contact", "up")),
    Change(
        "remove a page from the footer",
        "newsroom",
        lambda d: _pages_screen(d, "contact", "footer-remove"),
    ),
    Change(
        "delete a page",
        "admin",
        lambda d: delete(d.editor, f"/admin/pages/page/{d.world['about']}/delete/"),
        may_refresh={"sitemap index": "it may have been the page changed last"},
    ),
    Change("page drafts written", "newsroom and admin", _page_written_at_the_desk, invisible=True),
    Change(
        "live entry posted",
        "live desk",
        lambda d: d.live("add", text="Waves top the harbour wall.", title="Wall topped"),
    ),
    Change(
        "live entry edited",
        "live desk",
        lambda d: d.live("edit", entry=0, text="The first gusts reach the north quay."),
    ),
    Change(
        "live entry pinned",
        "live desk",
        lambda d: d.live("pin", entry=-1),
        may_refresh={
            name: "one tag for a story's live pages and feed items; a feed shows no pin"
            for name in ("live rss", "rss", "atom", "section rss")
        },
    ),
    Change("live entry deleted", "live desk", lambda d: d.live("delete", entry=0)),
    Change("live coverage ended", "live desk", lambda d: d.live("end")),
    # Its teasers say "Live" (front page, section, Latest from, tag, topic, author).
    Change("live coverage started", "live desk", lambda d: d.live("start", "quay")),
    Change(
        "live entries on a draft",
        "live desk",
        lambda d: (d.live("start", "lock"), d.live("add", "lock", text="Not out yet.")),
        invisible=True,
    ),
    Change("wire drafts", "wire poll", _drafts_from_the_wire, invisible=True),
]


@dataclass
class Row:
    change: Change
    cells: dict[str, str] = field(default_factory=dict)  # page → "hit" | "miss" | "-"
    changed: set[str] = field(default_factory=set)  # pages whose content changed
    shared_slot: set[str] = field(default_factory=set)  # rendered again by a slot collision


MATRIX: list[Row] = []


@pytest.fixture(scope="module", autouse=True)
def matrix():
    """Write the matrix of changes × pages once every change has run."""
    yield
    if not MATRIX:
        return
    out = Path(__file__).resolve().parents[3] / "test-output"
    out.mkdir(exist_ok=True)
    path = out / f"cache-truth-{connection.vendor}.md"
    path.write_text(render_matrix(MATRIX, connection.vendor))


def _cell(row: Row, name: str) -> str:
    cache = row.cells.get(name, "-")
    if cache == "hit":
        return "H"
    if cache == "miss":
        if name in row.changed:
            return "M"
        return "c" if name in row.shared_slot else "m"
    return "◦" if name in row.changed else "·"


def render_matrix(rows: list[Row], vendor: str) -> str:
    names = list(PAGES)
    lines = [
        f"# The cache equals the truth ({vendor})",
        "",
        "Every page was read once through the page cache, the change was made through its",
        "door, then every page was read through the cache again and compared with Django's",
        "own render: all equal. H: a hit; M: rendered again, and it shows the change;",
        "m: rendered again though it shows the same (a scheduled story's pages taking its",
        "time as their expiry, or a case the test names); c: rendered again because one of",
        "its tags shares a slot with a bumped tag in the version table; · / ◦: not kept by",
        "the cache (a 404, a 301), unchanged / changed.",
        "",
        "| change | door | hits | misses | pages changed | not kept |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        cells = [_cell(row, n) for n in names]
        misses = sum(cells.count(c) for c in "Mmc")
        lines.append(
            f"| {row.change.name} | {row.change.door} | {cells.count('H')} | {misses} | "
            f"{len(row.changed)} | {cells.count('·') + cells.count('◦')} |"
        )
    lines += ["", "Pages: " + "; ".join(f"{i + 1} {n} ({PAGES[n]})" for i, n in enumerate(names))]
    lines += ["", "| change | " + " | ".join(str(i + 1) for i in range(len(names))) + " |"]
    lines.append("|---|" + "---|" * len(names))
    for row in rows:
        lines.append(f"| {row.change.name} | " + " | ".join(_cell(row, n) for n in names) + " |")
    return "\n".join(lines) + "\n"


def read_all(read: Callable[[str], Reading]) -> dict[str, Reading]:
    return {name: read(path) for name, path in PAGES.items()}


def through_the_cache(row: Row) -> tuple[dict[str, Reading], dict[str, Reading]]:
    """Every page as readers get it now, and as Django renders it now: they must agree."""
    seen = read_all(cached)
    now = read_all(truth)
    stale = [name for name in PAGES if seen[name].shown() != now[name].shown()]
    assert not stale, f"{row.change.name}: stale through the cache: {stale}"
    assert now["front"].deps, "the tags a page declares are read from mark_cacheable's mark"
    row.cells = {name: seen[name].cache or "-" for name in PAGES}
    return seen, now


def made_cold(row, before, now, seen, bumped, *, may_miss=frozenset()) -> list[str]:
    """Pages the cache kept, whose content did not change, that the change made cold."""
    cold = [
        name
        for name in PAGES
        if before[name].cache in ("hit", "miss")
        and before[name].shown() == now[name].shown()
        and name not in may_miss
        and seen[name].cache != "hit"
    ]
    row.shared_slot = {name for name in cold if not now[name].deps & bumped}
    return [name for name in cold if name not in row.shared_slot]


@pytest.mark.django_db
@pytest.mark.parametrize("change", CHANGES, ids=[c.name for c in CHANGES])
def test_every_cached_page_equals_the_truth_after(doors, bumped, change):
    before = read_all(cached)
    assert {r.cache for r in before.values()} <= {"miss", ""}
    change.make(doors)
    run_on_commit()
    row = Row(change)
    MATRIX.append(row)
    seen, now = through_the_cache(row)
    row.changed = {n for n in PAGES if before[n].shown() != now[n].shown()}
    may_miss: set[str] = set()
    if change.comes_into_view is not None:
        # Nothing is written when its time comes: the pages that will show it must have
        # been rendered again at the change, to take that time as their expiry.
        later = Row(Change(f"{change.name}: at its time", "clock", change.make))
        MATRIX.append(later)
        with time_machine.travel(clock.now() + change.comes_into_view):
            seen_later, then = through_the_cache(later)
        later.changed = {n for n in PAGES if now[n].shown() != then[n].shown()}
        assert later.changed, "the scheduled story shows nowhere at its time"
        may_miss = later.changed
        # Those rendered again at the change expire at its time, changed or not.
        rendered_again = {n for n in PAGES if seen[n].cache == "miss"}
        cold = made_cold(later, seen, then, seen_later, bumped, may_miss=rendered_again)
        assert not cold, f"{later.change.name}: made cold though unchanged: {cold}"
    cold = made_cold(row, before, now, seen, bumped, may_miss=may_miss | set(change.may_refresh))
    assert not cold, f"{change.name}: made cold though unchanged: {cold}"
    if change.invisible:
        assert not row.changed, f"{change.name} changed what readers see: {row.changed}"
    elif change.comes_into_view is None:
        assert row.changed, f"{change.name} changed nothing readers see"
