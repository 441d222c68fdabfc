"""One way in: the rules `story_apply` holds for every source alike. The same story, "harbour
dues", comes in three versions from each kind of source (fixtures/every-source/<source>-
harbour-dues-<n>-version.*): a ninjs file, a WordPress export, a web page, and a trusted
agency's RSS and NewsML-G2 feeds."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from PIL import Image

from dateline.ingest.models import WireItem, WireSource
from dateline.ingest.sources import ninjs
from dateline.ingest.sources.page import import_page
from dateline.ingest.sources.wxr import import_wxr
from dateline.ingest.tests.http_server import serving
from dateline.ingest.wire import wire_poll
from dateline.news.models import Article, Status
from dateline.news.tests import factories
from dateline.newsroom.actions.publication import article_correct, article_unpublish
from dateline.newsroom.models import AuditEntry
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff
from dateline.pictures.models import Picture
from dateline.pictures.services import picture_create_or_update

FIXTURES = Path(__file__).parent / "fixtures"
EVERY_SOURCE = FIXTURES / "every-source"
VERSIONS = {1: "first", 2: "second", 3: "third"}
HEADLINES = {
    1: "Harbour dues to rise in spring",
    2: "Harbour dues to rise by a fifth in spring",
    3: "Harbour dues rise put back to summer",
}


class Source:
    """Brings version n of the harbour dues story in, the way its kind of source does."""

    actor = ""
    wire: WireSource | None = None

    def bring(self, n: int):
        raise NotImplementedError

    def story(self) -> Article:
        raise NotImplementedError

    def live(self) -> Article:
        """The story, live: an import publishes it; a page lands as a draft, published here
        by the desk (a system actor, so no person has edited or taken it down)."""
        story = self.story()
        if not story.is_visible:
            factories.publish(story)
            story.refresh_from_db()
        return story


class NinjsFile(Source):
    actor = "ninjs import"

    def bring(self, n):
        [result] = ninjs.import_paths(
            [EVERY_SOURCE / f"ninjs-harbour-dues-{VERSIONS[n]}-version.json"]
        ).results
        return result

    def story(self):
        return Article.objects.get(
            source="ninjs", source_id="urn:harbour-courier:every-source:harbour-dues"
        )


class WordPress(Source):
    actor = "WordPress import"

    def bring(self, n):
        [result] = import_wxr(EVERY_SOURCE / f"wxr-harbour-dues-{VERSIONS[n]}-version.xml").results
        return result

    def story(self):
        return Article.objects.get(source="wxr:harbour-courier.example", source_id="301")


class WebPage(Source):
    actor = "web page import"

    def bring(self, n):
        return import_page(str(EVERY_SOURCE / f"page-harbour-dues-{VERSIONS[n]}-version.html"))

    def story(self):
        return Article.objects.get(
            source="page", source_id="https://harbour-courier.example/news/harbour-dues/"
        )


class Agency(Source):
    """A trusted wire source (it publishes directly) polling a folder of its own."""

    def __init__(self, format: str, prefix: str, guid: str, folder: Path):
        self.prefix, self.guid, self.folder = prefix, guid, folder
        folder.mkdir()
        self.wire = WireSource.objects.create(
            name=prefix,
            kind=WireSource.Kind.FOLDER,
            location=str(folder),
            format=format,
            publish_directly=True,
            default_section=factories.section("Harbour"),
        )
        self.actor = f"wire source {prefix}"

    def bring(self, n):
        shutil.copy(
            EVERY_SOURCE / f"{self.prefix}-harbour-dues-{VERSIONS[n]}-version.xml",
            self.folder / "feed.xml",
        )
        [result] = wire_poll(source=self.wire).results
        return result

    def story(self):
        return Article.objects.get(source=self.wire.article_source, source_id=self.guid)

    def item(self) -> WireItem:
        return WireItem.objects.get(source=self.wire, guid=self.guid)


@pytest.fixture(params=["ninjs", "wordpress", "page", "rss", "newsml"])
def source(request, tmp_path) -> Source:
    if request.param == "rss":
        return Agency("feed", "rss", "northwire-harbour-dues", tmp_path / "rss")
    if request.param == "newsml":
        return Agency("newsml", "newsml", "urn:southwire:harbour-dues", tmp_path / "newsml")
    return {"ninjs": NinjsFile, "wordpress": WordPress, "page": WebPage}[request.param]()


@pytest.mark.django_db
def test_a_live_update_nobody_edited_is_saved_and_audited_as_its_source(source):
    source.bring(1)
    story = source.live()
    published_at = story.published_at

    result = source.bring(2)

    assert result.outcome == "updated", result.line()
    story.refresh_from_db()
    assert story.is_visible and story.headline == HEADLINES[2]
    assert "Owners have until March to object." in story.body
    assert story.published_at == published_at  # an update does not move the story's time
    assert AuditEntry.objects.filter(article=story, action="update", actor_name=source.actor)
    assert source.bring(2).outcome == "unchanged"


@pytest.mark.django_db
def test_a_takedown_sticks_whatever_the_source_sends_next(source):
    source.bring(1)
    story = source.live()
    editor = staff(Role.EDITOR)
    article_unpublish(article=story, by=editor, note="legal: the board disputes the figures")

    second, third = source.bring(2), source.bring(3)

    story.refresh_from_db()
    assert story.status == Status.DRAFT and not story.is_visible
    assert story.headline == HEADLINES[1]
    for result in (second, third):
        assert "the desk took this story down" in result.line(), result.line()
    # The versions wait for the desk: the newest as a pending revision an editor may publish.
    [waiting] = story.revisions.filter(pending=True)
    assert waiting.headline == HEADLINES[3]
    held = AuditEntry.objects.filter(article=story, action="held", actor_name=source.actor)
    assert held.count() == 2
    assert source.bring(3).outcome == "unchanged"  # the same version is not filed again
    if source.wire is not None:
        assert source.item().status == WireItem.Status.HELD


@pytest.mark.django_db
def test_a_live_story_the_desk_edited_gets_a_proposal_from_any_source(source):
    source.bring(1)
    story = source.live()
    story.headline = "Mooring dues: what the rise means for boat owners"
    article_correct(article=story, by=staff(Role.EDITOR), kind="typo")

    result = source.bring(2)

    story.refresh_from_db()
    assert story.is_visible
    assert story.headline == "Mooring dues: what the rise means for boat owners"
    assert "the new version is a proposal" in result.line(), result.line()
    [proposal] = story.revisions.filter(pending=True)
    assert proposal.headline == HEADLINES[2]
    assert AuditEntry.objects.filter(article=story, action="propose", actor_name=source.actor)
    if source.wire is not None:
        assert source.item().status == WireItem.Status.PROPOSED


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), (40, 80, 120)).save(out, "JPEG")
    return out.getvalue()


@pytest.mark.django_db
def test_the_same_picture_in_two_items_is_fetched_and_stored_once(tmp_path, settings):
    settings.DATELINE_FETCH_ALLOW_LOOPBACK = True
    folder = tmp_path / "items"
    folder.mkdir()
    routes = {
        "/pictures/quay-at-dusk.jpg": lambda h: (200, {"Content-Type": "image/jpeg"}, _jpeg())
    }
    with serving(routes) as server:
        for path in (FIXTURES / "ninjs" / "same-picture-in-two-items").glob("*.json"):
            text = path.read_text(encoding="utf-8").replace("{base}", server.base)
            (folder / path.name).write_text(text, encoding="utf-8")
        report = ninjs.import_paths([folder])
    assert [r.outcome for r in report.results] == ["created", "created"]
    assert [path for path, _ in server.requests] == ["/pictures/quay-at-dusk.jpg"]
    [picture] = Picture.objects.all()
    assert (picture.caption, picture.credit) == ("The quay at dusk", "Ola Berg")
    leads = set(Article.objects.values_list("lead_picture", flat=True))
    assert leads == {picture.pk}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["wxr", "rss"])
def test_no_source_can_point_a_body_into_our_library(kind, tmp_path):
    picture, _ = picture_create_or_update(data=_jpeg(), filename="library.jpg")
    other = factories.article(headline="A story of ours")
    name = {"wxr": "wxr-post-forging-references-into-the-library.xml"}.get(
        kind, "rss-item-forging-references-into-the-library.xml"
    )
    text = (EVERY_SOURCE / name).read_text(encoding="utf-8")
    path = tmp_path / kind / name
    path.parent.mkdir()
    path.write_text(text.replace("{picture}", str(picture.pk)).replace("{story}", str(other.pk)))
    if kind == "wxr":
        report = import_wxr(path)
    else:
        source = WireSource.objects.create(
            name="Forger", kind=WireSource.Kind.FOLDER, location=str(path.parent), format="feed"
        )
        report = wire_poll(source=source)
    assert [r.outcome for r in report.results] == ["created"], [r.line() for r in report.results]
    stored = Article.objects.exclude(pk=other.pk).get().body
    assert "First paragraph." in stored and "a link" in stored
    assert "data-picture" not in stored and "data-article" not in stored, stored
    assert "also-read" not in stored and "data-incoming" not in stored, stored


@pytest.mark.django_db
def test_a_withdrawal_of_a_story_we_never_had_is_skipped():
    report = ninjs.import_paths(
        [FIXTURES / "ninjs" / "canceled" / "canceled-before-we-had-it.json"]
    )
    [result] = report.results
    assert result.outcome == "skipped" and "before we had it" in result.detail
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_links_between_a_wire_sources_items_resolve_in_any_order(tmp_path):
    """A ninjs wire source links its items as an import folder does: a placeholder stands in
    for the linked item until it arrives."""
    folder = tmp_path / "wire"
    folder.mkdir()
    linking = FIXTURES / "ninjs" / "related-any-order" / "a-story-linking-ahead.json"
    shutil.copy(linking, folder / "1.json")
    source = WireSource.objects.create(
        name="Eastwire", kind=WireSource.Kind.FOLDER, location=str(folder), format="ninjs"
    )
    wire_poll(source=source)
    placeholder = Article.objects.get(source_id="urn:test:harbour-dredging")
    assert placeholder.status == Status.PLACEHOLDER
    shutil.copy(linking.with_name("b-the-linked-story-arrives-later.json"), folder / "2.json")
    wire_poll(source=source)
    linked = Article.objects.get(source_id="urn:test:harbour-dredging")
    assert linked.pk == placeholder.pk and linked.status == Status.DRAFT
    story = Article.objects.get(source_id="urn:test:ferry-timetable")
    assert f'<p class="also-read" data-article="{linked.pk}"></p>' in story.body
    assert WireItem.objects.get(guid="urn:test:harbour-dredging").article_id == linked.pk


@pytest.mark.django_db
def test_an_item_linked_from_earlier_in_the_same_document_fills_its_placeholder(tmp_path):
    import json

    folder = tmp_path / "wire"
    folder.mkdir()
    related = FIXTURES / "ninjs" / "related-any-order"
    items = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(related.glob("*.json"))]
    (folder / "both.json").write_text(json.dumps(items), encoding="utf-8")
    source = WireSource.objects.create(
        name="Eastwire", kind=WireSource.Kind.FOLDER, location=str(folder), format="ninjs"
    )
    report = wire_poll(source=source)
    assert [r.outcome for r in report.results] == ["created", "created"]
    linked = Article.objects.get(source_id="urn:test:harbour-dredging")
    assert linked.status == Status.DRAFT
    story = Article.objects.get(source_id="urn:test:ferry-timetable")
    assert f'data-article="{linked.pk}"' in story.body


class _Statements:
    """Every statement sent to the database, savepoints included."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _statements(do) -> int:
    from django.db import connection

    counted = _Statements()
    with connection.execute_wrapper(counted):
        do()
    return counted.count


def _ninjs_folder(folder: Path, count: int, *, prefix: str = "cost") -> Path:
    """Stories as a newsroom's export would have them: section, byline, tags, a place, and
    an ALSO READ link to the story before."""
    import json

    folder.mkdir()
    for n in range(count):
        item = {
            "uri": f"urn:harbour-courier:{prefix}:{n}",
            "type": "text",
            "firstcreated": f"2026-01-{1 + n % 28:02d}T08:00:00Z",
            "headlines": [{"role": "main", "value": f"Harbour story number {n}"}],
            "descriptions": [{"role": "summary", "value": f"What happened at the harbour, {n}"}],
            "by": f"Writer {n % 5}",
            "bodies": [
                {
                    "role": "main",
                    "contenttype": "text/html",
                    "value": "<p>The harbour board met.</p>" * 5
                    + ('<p class="also-read" data-assoc-ref="before"></p>' if n else ""),
                }
            ],
            "subjects": [
                {"name": ["News", "Sport", "World"][n % 3], "rel": "section"},
                {"name": f"Tag {n % 7}"},
                {"name": f"Topic tag {n % 11}"},
            ],
            "places": [{"name": f"Place {n % 4}"}],
            "associations": (
                [{"name": "before", "type": "text", "uri": f"urn:harbour-courier:{prefix}:{n - 1}"}]
                if n
                else []
            ),
        }
        (folder / f"{n:04d}.json").write_text(json.dumps(item), encoding="utf-8")
    return folder


# What a new story costs in statements, whatever the size of its import: test_bulk.py.
