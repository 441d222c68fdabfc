"""Wire feeds polled from a real HTTP server: RSS, Atom, ninjs and NewsML-G2 feeds that change
between polls (fixtures/wire/feeds/<format>-<poll>.*), conditional GET, updates in place,
cancels, one malformed item among good ones, pictures that load or do not."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from PIL import Image

from dateline.ingest.models import WireItem, WireSource
from dateline.ingest.tests.http_server import serving
from dateline.ingest.wire import Poller, wire_poll
from dateline.news.models import Article, Status

FEEDS = Path(__file__).parent / "fixtures" / "wire" / "feeds"

# For each format: the two versions of its feed, and what each poll should report.
SCENARIOS = {
    "feed-rss": (
        "feed",
        "rss-first-poll.xml",
        "rss-second-poll-updated-and-new.xml",
        {"northwire-1001": "created", "northwire-1002": "created", "#3": "failed"},
        {"northwire-1001": "updated", "northwire-1002": "unchanged", "northwire-1003": "created"},
    ),
    "feed-atom": (
        "feed",
        "atom-first-poll.xml",
        "atom-second-poll-updated-and-new.xml",
        {"urn:cpa:2026:2001": "created", "urn:cpa:2026:2002": "created"}
        | {"urn:cpa:2026:2003": "failed"},
        {"urn:cpa:2026:2001": "updated", "urn:cpa:2026:2002": "unchanged"}
        | {"urn:cpa:2026:2004": "created"},
    ),
    "ninjs": (
        "ninjs",
        "ninjs-first-poll.json",
        "ninjs-second-poll-updated-canceled-new.json",
        {"urn:eastwire:3001": "created", "urn:eastwire:3002": "created", "#3": "failed"},
        {"urn:eastwire:3001": "updated", "urn:eastwire:3002": "updated"}
        | {"urn:eastwire:3004": "created"},
    ),
    "newsml": (
        "newsml",
        "newsml-first-poll.xml",
        "newsml-second-poll-updated-canceled-new.xml",
        {"urn:southwire:4001": "created", "urn:southwire:4002": "created"}
        | {"urn:southwire:4003": "failed"},
        {"urn:southwire:4001": "updated", "urn:southwire:4002": "updated"}
        | {"urn:southwire:4004": "created"},
    ),
}
CANCELED = {"ninjs": "urn:eastwire:3002", "newsml": "urn:southwire:4002"}


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 90, 160)).save(out, "JPEG")
    return out.getvalue()


class Feed:
    """A feed that answers conditional GETs as a real server would."""

    def __init__(self):
        self.body = b""

    def __call__(self, handler):
        etag = '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'
        if handler.headers.get("If-None-Match") == etag:
            return 304, {"ETag": etag}, b""
        return 200, {"ETag": etag, "Content-Type": "application/xml"}, self.body


@pytest.fixture
def loopback(settings):
    settings.DATELINE_FETCH_ALLOW_LOOPBACK = True


def _outcomes(report) -> dict[str, str]:
    return {r.source_id: r.outcome for r in report.results}


@pytest.mark.django_db
@pytest.mark.parametrize("name", SCENARIOS)
def test_feed_polls_create_update_cancel_and_never_duplicate(loopback, name):
    format, first, second, first_outcomes, second_outcomes = SCENARIOS[name]
    feed = Feed()
    routes = {"/feed": feed, "/pictures/tram.jpg": lambda h: (200, {}, _jpeg())}
    with serving(routes) as server:

        def serve(filename):
            feed.body = (FEEDS / filename).read_bytes().replace(b"{base}", server.base.encode())

        source = WireSource.objects.create(
            name=name, kind="url", location=f"{server.base}/feed", format=format
        )
        serve(first)
        report = wire_poll(source=source)
        assert _outcomes(report) == first_outcomes, [r.line() for r in report.results]
        created = set(Article.objects.filter(source=source.article_source).values_list("pk"))
        assert all(
            a.status == Status.DRAFT for a in Article.objects.filter(source=source.article_source)
        )

        # Nothing changed: the second poll is a conditional GET, answered 304, and changes
        # nothing.
        report = wire_poll(source=source)
        assert report.not_modified and report.results == []
        assert server.requests[-1][1].get("If-None-Match") == source.etag != ""
        assert set(Article.objects.filter(source=source.article_source).values_list("pk")) == (
            created
        )

        serve(second)
        report = wire_poll(source=source)
        assert _outcomes(report) == second_outcomes, [r.line() for r in report.results]
        for _ in range(2):
            again = wire_poll(source=source)
            assert again.not_modified and again.results == []

    guids = [g for g, o in (first_outcomes | second_outcomes).items() if o != "failed"]
    articles = Article.objects.filter(source=source.article_source)
    assert sorted(articles.values_list("source_id", flat=True)) == sorted(guids)  # 0 duplicates
    assert WireItem.objects.filter(source=source).count() == len(guids)
    if name in CANCELED:
        canceled = Article.objects.get(source=source.article_source, source_id=CANCELED[name])
        assert canceled.status == Status.WITHDRAWN
        assert WireItem.objects.get(guid=CANCELED[name]).status == WireItem.Status.WITHDRAWN
    updated = WireItem.objects.get(source=source, guid=next(iter(second_outcomes)))
    assert updated.status == WireItem.Status.UPDATED
    assert updated.article.headline != "" and updated.article.version >= 1


@pytest.mark.django_db
def test_a_picture_that_cannot_be_fetched_does_not_stop_its_story(loopback):
    feed = Feed()
    with serving({"/feed": feed, "/pictures/tram.jpg": lambda h: (200, {}, _jpeg())}) as server:
        feed.body = (
            (FEEDS / "rss-first-poll.xml").read_bytes().replace(b"{base}", server.base.encode())
        )
        source = WireSource.objects.create(
            name="Northwire", kind="url", location=f"{server.base}/feed", format="feed"
        )
        report = wire_poll(source=source)
    lines = {r.source_id: r.line() for r in report.results}
    assert lines["northwire-1002"].startswith("created northwire-1002 (not public: draft)")
    assert "picture skipped: HTTP 404" in lines["northwire-1002"]
    assert "picture" not in lines["northwire-1001"]
    tram = Article.objects.get(source_id="northwire-1001")
    assert tram.lead_picture is not None and tram.lead_picture.width == 64
    assert Article.objects.get(source_id="northwire-1002").lead_picture is None
    assert lines["#3"] == "failed #3 item has neither a guid/id nor a link"


@pytest.mark.django_db
def test_a_trusted_source_publishes_directly_with_its_default_section_and_credit(loopback):
    from dateline.news.services import section_get_or_create

    feed = Feed()
    with serving({"/feed": feed}) as server:
        feed.body = (FEEDS / "atom-first-poll.xml").read_bytes()
        source = WireSource.objects.create(
            name="CPA",
            kind="url",
            location=f"{server.base}/feed",
            format="feed",
            publish_directly=True,
            default_section=section_get_or_create(name="Coast"),
            default_credit="reports Coastal Press Agency",
        )
        report = wire_poll(source=source)
    road = Article.objects.get(source_id="urn:cpa:2026:2002")
    assert road.status == Status.PUBLISHED and road.is_visible
    assert road.section.name == "Coast" and road.source_credit == "reports Coastal Press Agency"
    assert _outcomes(report)["urn:cpa:2026:2002"] == "created"
    assert any(r.line().endswith(road.get_absolute_url()) for r in report.results)


@pytest.mark.django_db
def test_a_malformed_feed_fails_whole_and_writes_nothing(loopback):
    feed = Feed()
    with serving({"/feed": feed}) as server:
        feed.body = b"<rss><channel><title>cut off"
        source = WireSource.objects.create(
            name="Broken", kind="url", location=f"{server.base}/feed", format="newsml"
        )
        report = wire_poll(source=source)
        assert [r.outcome for r in report.results] == ["failed"]
        assert report.results[0].source_id == source.location
        assert source.etag == "" and source.last_error
        # The failed document is fetched whole again next time, not "not modified".
        feed.body = (FEEDS / "newsml-first-poll.xml").read_bytes()
        report = wire_poll(source=source)
        assert "If-None-Match" not in server.requests[-1][1]
    assert Article.objects.filter(source=source.article_source).count() == 2


@pytest.mark.django_db
def test_entities_in_a_feed_are_refused(loopback, shared_dir):
    feed = Feed()
    laughs = sorted((shared_dir / "corpora" / "security" / "xxe").iterdir())
    with serving({"/feed": feed}) as server:
        for fmt in ("feed", "newsml"):
            source = WireSource.objects.create(
                name=fmt, kind="url", location=f"{server.base}/feed", format=fmt
            )
            for path in laughs:
                feed.body = path.read_bytes()
                report = wire_poll(source=source)
                assert all(r.outcome in ("failed", "skipped") for r in report.results), path
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_ingest_command_prints_lines_and_summary_and_exits_1_on_failures(loopback):
    feed = Feed()
    with serving({"/feed": feed}) as server:
        feed.body = (FEEDS / "ninjs-first-poll.json").read_bytes()
        WireSource.objects.create(
            name="Eastwire", kind="url", location=f"{server.base}/feed", format="ninjs"
        )
        out = io.StringIO()
        with pytest.raises(SystemExit) as exit:
            call_command("ingest", stdout=out)
        assert exit.value.code == 1
        lines = out.getvalue().splitlines()
        assert lines[0] == "created urn:eastwire:3001 (not public: draft)"
        assert lines[2] == "failed #3 missing uri"
        assert lines[-1] == "Eastwire: 2 created, 0 updated, 0 unchanged, 0 skipped, 1 failed"
        out = io.StringIO()
        call_command("ingest", "--source", "Eastwire", stdout=out)  # 304: exits 0
        assert out.getvalue().splitlines() == ["Eastwire: not modified since the last poll"]
    with pytest.raises(CommandError) as error:  # `dateline` turns it into exit status 2
        call_command("ingest", "--source", "Nobody")
    assert error.value.returncode == 2


@pytest.mark.django_db
def test_watch_polls_each_source_when_its_interval_has_passed(loopback):
    feed = Feed()
    with serving({"/feed": feed}) as server:
        feed.body = (FEEDS / "atom-first-poll.xml").read_bytes()
        fast = WireSource.objects.create(
            name="fast", kind="url", location=f"{server.base}/feed", format="feed", interval=60
        )
        WireSource.objects.create(
            name="slow", kind="url", location=f"{server.base}/feed", format="feed", interval=600
        )
        WireSource.objects.create(
            name="off", kind="url", location=f"{server.base}/x", format="feed", enabled=False
        )
        start = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)
        poller = Poller()

        def polled(seconds: float, by: Poller = poller) -> list[str]:
            with time_machine.travel(start + dt.timedelta(seconds=seconds), tick=False):
                return [s.name for s, _ in by.poll_due()]

        assert polled(0) == ["fast", "slow"]
        assert polled(59) == []
        with time_machine.travel(start + dt.timedelta(seconds=59), tick=False):
            assert poller.seconds_to_next() == 1.0
        assert polled(60) == ["fast"]
        # The schedule is the site's: a poller that takes over (another server's) keeps it.
        assert polled(119, by=Poller()) == []
        assert polled(600, by=Poller()) == ["fast", "slow"]
        assert len(server.requests) == 5
    fast.refresh_from_db()
    assert fast.last_polled_at is not None and fast.etag


@pytest.mark.django_db
def test_real_feeds_import_or_fail_per_document_without_crashing(loopback, shared_dir):
    folder = shared_dir / "corpora" / "feeds" / "feedjira"
    names = [
        "TechCrunch.xml",  # media pictures at addresses the test cannot reach: skipped
        "FeedBurnerXHTML.xml",
        "SamRuby.xml",  # not well-formed, read leniently
        "InvalidDateFormat.xml",
        "AtomEscapedHTMLInPreTag.xml",  # an entry without id or link
        "youtube_atom.xml",
        "TenderLovemakingFirstEntry.xml",  # a fragment, not a feed
        "DuplicateContentAtomFeed.xml",  # an HTML page with an external DTD
    ]
    feed = Feed()
    with serving({"/feed": feed}) as server:
        for name in names:
            feed.body = (folder / name).read_bytes()
            source = WireSource.objects.create(
                name=name, kind="url", location=f"{server.base}/feed", format="feed"
            )
            report = wire_poll(source=source)
            outcomes = {r.outcome for r in report.results}
            assert report.results and outcomes <= {"created", "failed"}, name
            whole = [r for r in report.results if r.source_id == source.location]
            if name in ("TenderLovemakingFirstEntry.xml", "DuplicateContentAtomFeed.xml"):
                assert [r.outcome for r in report.results] == ["failed"] and whole, name
                assert not wire_poll(source=source).not_modified  # fetched whole again
            else:
                assert not whole, name
                assert wire_poll(source=source).not_modified
    assert Article.objects.filter(source__startswith="wire:").count() > 50
    sam = WireSource.objects.get(name="SamRuby.xml")
    assert Article.objects.filter(source=sam.article_source).count() == 20


def test_a_source_needs_an_http_url_or_an_existing_folder(tmp_path):
    from django.core.exceptions import ValidationError

    for kind, location in [
        ("url", "file:///etc/passwd"),
        ("url", "ftp://example.com/feed"),
        ("url", "not a url"),
        ("folder", str(tmp_path / "absent")),
        ("folder", "relative/path"),
    ]:
        with pytest.raises(ValidationError):
            WireSource(name="x", kind=kind, location=location).clean()
    WireSource(name="x", kind="url", location="https://wire.example/feed.xml").clean()
    WireSource(name="x", kind="folder", location=str(tmp_path)).clean()


@pytest.mark.django_db
def test_import_feed_once_from_a_file_then_again_unchanged(shared_dir):
    """`dateline import feed FILE`: a feed read once, without setting up a source; a second
    import of the same feed changes nothing and duplicates nothing."""
    import io

    from django.core.management import call_command

    from dateline.ingest.models import WireItem, WireSource
    from dateline.news.models import Article, Status

    feed = shared_dir / "corpora" / "feeds" / "feedjira" / "TechCrunch.xml"
    out = io.StringIO()
    call_command("import", "feed", str(feed), stdout=out)
    lines = out.getvalue().splitlines()
    created = [line for line in lines if line.startswith("created ")]
    assert len(created) >= 10 and lines[-1].startswith(f"{len(created)} created")
    [source] = WireSource.objects.all()
    assert source.enabled is False  # never polled by dateline ingest
    assert not Article.objects.exclude(status=Status.DRAFT).exists()  # drafts for the desk
    again = io.StringIO()
    call_command("import", "feed", str(feed), stdout=again)
    assert (
        again.getvalue()
        .splitlines()[-1]
        .startswith(f"0 created, 0 updated, {len(created)} unchanged")
    )
    assert WireItem.objects.count() == len(created)
