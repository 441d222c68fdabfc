"""Bulk-safe imports (issue 11): a WordPress export, a ninjs folder or a wire feed costs a
bounded number of statements per new story, whatever its size; a story's first text keeps
no revision copy (a later real change still does); every imported story is named in an
audit entry with its system actor; a second run changes nothing."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from dateline.ingest.apply import BATCH
from dateline.ingest.models import WireItem, WireSource
from dateline.ingest.sources import ninjs
from dateline.ingest.sources.wxr import import_wxr
from dateline.ingest.tests.test_apply import _ninjs_folder, _statements
from dateline.ingest.tests.wxr_factory import write_export
from dateline.ingest.wire import wire_poll
from dateline.news import services
from dateline.news.models import Article, Redirect, Revision, Status
from dateline.news.tests import factories
from dateline.newsroom.actions.publication import article_edit
from dateline.newsroom.models import AuditEntry
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff

# Statements per new story, savepoints included, the same on SQLite and PostgreSQL, once
# the database has the export's sections, authors and tags (a run still looks each up once:
# 50 tags weigh 1 a story over 50 stories). Before batching: about 53 per WordPress post
# and 55 per ninjs story (a new story was saved as a draft, then published, each through
# article_save), 44 per wire item. With batches: 2.7, 2.0 and 1.5 over 50, 50 and 30
# stories; 0.5, 0.7 and 0.5 over 450, 300 and 300. With the search index's batches (its
# start and end: two statements a batch on PostgreSQL, four on SQLite) and the bodies in one
# statement: 2.8, 2.1 and 0.9; 0.6, 0.7 and 0.2 (SQLite).
PER_STORY = 3


def _site(n: int) -> str:
    return f"https://site-{n}.example"


def _wxr(tmp_path: Path, count: int, n: int) -> Path:
    return write_export(tmp_path / f"export-{n}.xml", count, site=_site(n), slug=f"s{n}")


@pytest.mark.django_db
def test_a_wordpress_post_costs_a_bounded_number_of_statements_whatever_the_export_size(
    tmp_path,
):
    import_wxr(_wxr(tmp_path, 50, 0))  # the sections, author and tags exist
    small = _statements(lambda: import_wxr(_wxr(tmp_path, 50, 1))) / 50
    large = _statements(lambda: import_wxr(_wxr(tmp_path, 2 * BATCH + 50, 2))) / (2 * BATCH + 50)
    assert small <= PER_STORY and large <= PER_STORY, (small, large)
    assert Article.objects.filter(source="wxr:site-2.example").count() == 2 * BATCH + 50


@pytest.mark.django_db
def test_a_ninjs_story_costs_a_bounded_number_of_statements_whatever_the_folder_size(tmp_path):
    ninjs.import_paths([_ninjs_folder(tmp_path / "warm", 80, prefix="warm")])
    small = _statements(lambda: ninjs.import_paths([_ninjs_folder(tmp_path / "a", 50, prefix="a")]))
    count = BATCH + 100
    folder = _ninjs_folder(tmp_path / "b", count, prefix="b")
    large = _statements(lambda: ninjs.import_paths([folder]))
    assert small / 50 <= PER_STORY and large / count <= PER_STORY, (small / 50, large / count)


def _wire_folder(folder: Path, count: int, prefix: str) -> Path:
    folder.mkdir()
    items = "".join(
        f"<item><guid>{prefix}-{n}</guid><title>Wire story {prefix} number {n}</title>"
        f"<pubDate>Tue, 03 Feb 2026 08:00:00 GMT</pubDate><author>Desk</author>"
        f"<description>&lt;p&gt;The harbour board met on day {n}.&lt;/p&gt;</description></item>"
        for n in range(count)
    )
    (folder / "feed.xml").write_text(
        f"<rss version='2.0'><channel><title>Cost</title><link>https://wire.example/</link>"
        f"{items}</channel></rss>",
        encoding="utf-8",
    )
    return folder


@pytest.mark.django_db
def test_a_wire_poll_of_n_new_items_costs_a_bounded_number_of_statements(tmp_path):
    section = factories.section("News")

    def source(name: str, count: int) -> WireSource:
        return WireSource.objects.create(
            name=name,
            kind=WireSource.Kind.FOLDER,
            location=str(_wire_folder(tmp_path / name, count, name)),
            format="feed",
            publish_directly=True,
            default_section=section,
        )

    wire_poll(source=source("warm", 5))
    small = _statements(lambda: wire_poll(source=source("small", 30))) / 30
    count = BATCH + 100
    large_source = source("large", count)
    large = _statements(lambda: wire_poll(source=large_source)) / count
    assert small <= PER_STORY and large <= PER_STORY, (small, large)
    items = WireItem.objects.filter(source=large_source)
    assert items.count() == count
    assert not items.filter(article__isnull=True).exists()
    assert items.filter(article__status=Status.PUBLISHED).count() == count
    # Polled again: every item unchanged, in a few statements for the whole feed.
    again = _statements(lambda: wire_poll(source=large_source))
    assert again <= 10


@pytest.mark.django_db
def test_a_second_run_is_all_unchanged_and_changes_no_row(tmp_path):
    count = BATCH + 30
    path = _wxr(tmp_path, count, 3)
    import_wxr(path)
    stories = Article.objects.filter(source="wxr:site-3.example").order_by("pk")
    before = list(stories.values_list("pk", "version", "modified_at", "body", "slug"))
    audits = AuditEntry.objects.count()
    statements = {}

    def again():
        statements["report"] = import_wxr(path)

    count_statements = _statements(again)
    report = statements["report"]
    assert report.summary() == f"0 created, 0 updated, {count} unchanged, 0 skipped, 0 failed"
    assert list(stories.values_list("pk", "version", "modified_at", "body", "slug")) == before
    assert AuditEntry.objects.count() == audits
    # One query per batch finds its stored versions; one a run reads the site's time zone
    # (before the parse, which runs in a process of its own: core.ahead).
    assert count_statements <= math.ceil(count / BATCH) + 1


@pytest.mark.django_db
def test_a_first_import_keeps_no_revision_copy_and_a_later_real_change_does(tmp_path):
    path = _wxr(tmp_path, 40, 4)
    import_wxr(path)
    stories = Article.objects.filter(source="wxr:site-4.example")
    assert stories.count() == 40
    assert not Revision.objects.filter(article__in=stories).exists()

    # The same export again: nothing changed, still no copy.
    import_wxr(path)
    assert not Revision.objects.filter(article__in=stories).exists()

    # A real change by an editor keeps both texts: the imported one and the new one.
    story = stories.get(source_id="10")  # a draft: the desk edits it as it is
    imported_body = story.body
    editor = staff(Role.EDITOR)
    story.body = "<p>The desk rewrote this story.</p>"
    article_edit(article=story, by=editor, expected_version=story.version)
    kept = list(story.revisions.filter(pending=False).order_by("version"))
    assert [r.body for r in kept] == [imported_body, "<p>The desk rewrote this story.</p>"]

    # A change from the source itself (a post edited on the old site) keeps both too.
    other = stories.get(source_id="8")
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("Generated story number 8<", "Generated story number 8, corrected<"),
        encoding="utf-8",
    )
    report = import_wxr(path)
    assert report.summary() == "0 created, 1 updated, 39 unchanged, 0 skipped, 0 failed"
    headlines = list(other.revisions.order_by("version").values_list("headline", flat=True))
    assert headlines == ["Generated story number 8", "Generated story number 8, corrected"]


@pytest.mark.django_db
def test_every_imported_story_is_audited_with_its_system_actor(tmp_path):
    count = BATCH + 20
    import_wxr(_wxr(tmp_path, count, 5))
    stories = Article.objects.filter(source="wxr:site-5.example")
    entries = AuditEntry.objects.filter(article__in=stories)
    assert {e.actor_name for e in entries} == {"WordPress import"}
    assert all(e.actor_id is None for e in entries)
    named = {e.article_id for e in entries}
    assert named == set(stories.values_list("pk", flat=True))
    published = stories.filter(status=Status.PUBLISHED)
    assert set(entries.filter(action="publish").values_list("article_id", flat=True)) == set(
        published.values_list("pk", flat=True)
    )
    drafts = stories.filter(status=Status.DRAFT)
    assert drafts.count() == count // 10
    assert set(entries.filter(action="receive").values_list("article_id", flat=True)) == set(
        drafts.values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_a_batch_that_fails_is_applied_item_by_item(tmp_path, monkeypatch):
    """A failure inside a batch takes the batch's rows with it; its items then go in one by
    one, so only the item at fault fails."""
    from django.db import DatabaseError

    real_create = services.articles_create

    def failing_create(*, stories):
        if any(story.article.source_id == "17" for story in stories):
            raise DatabaseError("disk full (simulated)")
        return real_create(stories=stories)

    real_save = services.article_save

    def failing_save(*, article, **kwargs):
        if article.source_id == "17" and article.status != Status.PLACEHOLDER:
            raise DatabaseError("disk full (simulated)")
        return real_save(article=article, **kwargs)

    monkeypatch.setattr(services, "articles_create", failing_create)
    monkeypatch.setattr(services, "article_save", failing_save)
    report = import_wxr(_wxr(tmp_path, 40, 6))
    assert report.summary() == "39 created, 0 updated, 0 unchanged, 0 skipped, 1 failed"
    [failed] = [r for r in report.results if r.outcome == "failed"]
    assert failed.source_id == "17"
    story = Article.objects.get(source="wxr:site-6.example", source_id="18")
    linked = Article.objects.get(source="wxr:site-6.example", source_id="17")
    # Post 18 links to 17, which failed: 17 is a placeholder its own item fills later.
    assert linked.status == Status.PLACEHOLDER
    assert f'data-article="{linked.pk}"' in story.body


@pytest.mark.django_db
def test_a_ninjs_import_shows_its_progress_with_rate_and_eta(tmp_path, capsys):
    import io

    from django.core.management import call_command

    folder = _ninjs_folder(tmp_path / "items", 30, prefix="progress")
    call_command("import", "ninjs", str(folder), stdout=io.StringIO())
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 11  # not a terminal: the first item, then a line every tenth
    assert lines[0].startswith("[--------------------] 1/30 items · ")
    assert lines[1].startswith("[##------------------] 3/30 items · ")
    assert lines[-1].startswith("[####################] 30/30 items · ")
    assert all("/s · ETA " in line for line in lines)


def test_the_simhash_is_the_majority_of_each_bit_over_the_shingles():
    """The fingerprint is counted a column at a time (fast); it must equal the definition,
    bit by bit, or stored fingerprints would stop matching new ones."""
    import hashlib
    import random

    from dateline.ingest.duplicates import MIN_WORDS, shingles, simhash

    def by_definition(words):
        hashes = [
            int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest())
            for s in shingles(words)
        ]
        return sum(
            1 << bit for bit in range(64) if sum(h >> bit & 1 for h in hashes) > len(hashes) / 2
        )

    rng = random.Random(11)
    vocabulary = [f"word{n}" for n in range(60)] + ["harbour", "ferry", "quay"]
    for length in (MIN_WORDS, MIN_WORDS + 1, 250, 3000):
        for _ in range(10):
            words = [rng.choice(vocabulary) for _ in range(length)]
            assert simhash(words) == by_definition(words)
    assert simhash(["short"] * (MIN_WORDS - 1)) is None


@pytest.mark.django_db
def test_stories_made_in_a_batch_are_on_their_labels_listings_and_in_the_sitemaps(tmp_path):
    """A batch makes its stories without article_save: what that keeps beside a story (the
    label links' publication time, the archive blocks the sitemaps read) is kept too."""
    import re

    from dateline.news.tests import readers

    import_wxr(_wxr(tmp_path, 30, 9))
    story = (
        Article.objects.filter(source="wxr:site-9.example", status=Status.PUBLISHED)
        .order_by("-published_at", "-pk")
        .first()
    )
    url = story.get_absolute_url()
    for label in (story.tags.get(), story.authors.get()):
        listing = readers.truth(label.get_absolute_url())
        assert listing.status == 200 and url in listing.body.decode(), label
    index = readers.truth("/sitemap.xml").body.decode()
    files = re.findall(r"<loc>https?://[^/<]+(/sitemaps/[^<]*)</loc>", index)
    assert files
    assert any(url in readers.truth(f.replace("&amp;", "&")).body.decode() for f in files)


@pytest.mark.django_db
def test_an_import_builds_each_storys_search_document_once_and_search_finds_it(tmp_path):
    from dateline.search.selectors import Visibility, search_stories
    from dateline.search.tests.test_index import documents_written

    import_wxr(_wxr(tmp_path, 20, 5))  # the sections, author and tags exist
    count = BATCH + 30
    with documents_written() as written:
        import_wxr(_wxr(tmp_path, count, 6))
    # Before batches: the rows, each kind of label link and the bodies, five or more each.
    assert written["n"] == count
    stories = Article.objects.filter(source="wxr:site-6.example")
    last = stories.order_by("-pk").first()
    hits = search_stories(last.headline, visibility=Visibility.NEWSROOM).hits
    assert last.pk in {h.article.pk for h in hits}


@pytest.mark.engine("postgresql")  # SQLite has no sequence: its ids come with the insert
@pytest.mark.django_db
def test_posts_linking_to_posts_of_their_batch_are_each_written_once_on_postgresql(tmp_path):
    """Each post of the generated export links to the one before, which is in the same
    batch: where ids can be had before the rows (PostgreSQL's sequence), the bodies with
    those links go in with the rows, not in an UPDATE of every story afterwards."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        import_wxr(_wxr(tmp_path, 30, 3))
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("UPDATE", "WITH"))]
    assert not [sql for sql in writes if "news_article" in sql.split(" SET ")[0]], writes
    stories = {a.source_id: a for a in Article.objects.filter(source="wxr:site-3.example")}
    assert len(stories) == 30
    # Post n links to post n - 1, by its id.
    assert f'data-article="{stories["1"].pk}"' in stories["2"].body


@pytest.mark.engine("postgresql")  # SQLite has no sequence: its ids come with the insert
@pytest.mark.django_db
def test_stories_with_an_also_read_line_are_each_written_once_on_postgresql(tmp_path):
    """Each ninjs story of the folder has an ALSO READ line to the one before, whose
    headline counts among its words as read: counted before the insert, the rows go in
    with it. (They were followed by an UPDATE of every such story, 57 µs of the database's
    time a story in the 100,000-story benchmark.)"""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        ninjs.import_paths([_ninjs_folder(tmp_path / "once", 30, prefix="once")])
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("UPDATE", "WITH"))]
    assert not [sql for sql in writes if "news_article" in sql.split(" SET ")[0]], writes
    stories = Article.objects.filter(source_id__contains=":once:").order_by("pk")
    assert stories.count() == 30
    for story in stories[1:]:
        assert story.body_words == services._words_as_read(
            story,
            pictures={},
            articles={a.pk: a for a in story.related_articles.all()},
        )
    assert stories[1].related_articles.get() == stories[0]


def _stored(source: str):
    """What an import left: each story (ids given as source ids, since a second run takes
    new ids), its labels, redirects and audit entries, and the result lines."""
    import re

    from dateline.news.models import Redirect

    stories = Article.objects.filter(source=source).select_related("section")
    names = dict(stories.values_list("pk", "source_id"))

    def named(body: str) -> str:
        return re.sub(r'data-article="(\d+)"', lambda m: f"data-article={names[int(m[1])]}", body)

    rows = sorted(
        (
            a.source_id, a.headline, a.slug, a.status, a.published_at, a.section.name,
            a.standfirst, named(a.body), a.version, a.source_version,
            sorted(a.tags.values_list("name", flat=True)),
            sorted(a.authors.values_list("name", flat=True)),
            sorted(a.topics.values_list("name", flat=True)),
        )
        for a in stories
    )  # fmt: skip
    redirects = sorted(
        (r.old_path, names[r.article_id]) for r in Redirect.objects.filter(article__in=stories)
    )
    audit = sorted(
        (e.actor_name, e.action, names[e.article_id])
        for e in AuditEntry.objects.filter(article__in=stories)
    )
    return rows, redirects, audit


class _Undo(Exception):
    pass


@pytest.mark.parametrize("kind", ["wxr", "ninjs"])
@pytest.mark.django_db
def test_an_import_read_ahead_leaves_the_same_rows_audit_and_lines_as_one_read_in_turns(
    tmp_path, kind
):
    from django.db import transaction

    if kind == "wxr":
        path, source = _wxr(tmp_path, BATCH + 40, 9), "wxr:site-9.example"

        def run(read_ahead):
            return import_wxr(path, read_ahead=read_ahead)
    else:
        path, source = _ninjs_folder(tmp_path / "items", BATCH + 40, prefix="ahead"), "ninjs"

        def run(read_ahead):
            return ninjs.import_paths([path], read_ahead=read_ahead)

    outcomes = {}
    for read_ahead in (False, True):
        try:
            with transaction.atomic():
                report = run(read_ahead)
                outcomes[read_ahead] = ([r.line() for r in report.results], _stored(source))
                raise _Undo  # the next run starts from the same empty site
        except _Undo:
            pass
    lines, stored = outcomes[True]
    assert len(lines) == BATCH + 40 and all(line.startswith("created ") for line in lines)
    assert len(stored[0]) == BATCH + 40 and stored[2]
    assert outcomes[True] == outcomes[False]


@pytest.mark.django_db
def test_an_import_stopped_while_reading_ahead_is_finished_by_the_next_run(tmp_path, monkeypatch):
    """The reading process dies part-way (as a kill would end it): the batches written
    before are kept whole, the run stops, and the next run makes the rest, no duplicates."""
    from dateline.ingest.sources import wxr

    count = 2 * BATCH + 30
    path = _wxr(tmp_path, count, 10)
    real_item = wxr.Parser.item

    def dies_at_post_250(self, item):
        parsed = real_item(self, item)
        if getattr(parsed, "source_id", "") == "250":
            raise SystemExit("killed (simulated)")  # not an item's error: ends the reading
        return parsed

    monkeypatch.setattr(wxr.Parser, "item", dies_at_post_250)
    with pytest.raises(SystemExit):
        import_wxr(path, read_ahead=True)
    stories = Article.objects.filter(source="wxr:site-10.example")
    kept = stories.exclude(status=Status.PLACEHOLDER).count()
    assert kept == BATCH  # the first batch; the second was never written
    monkeypatch.setattr(wxr.Parser, "item", real_item)
    report = import_wxr(path, read_ahead=True)
    assert report.summary() == (
        f"{count - BATCH} created, 0 updated, {BATCH} unchanged, 0 skipped, 0 failed"
    )
    assert stories.count() == count
    assert stories.filter(status=Status.PLACEHOLDER).count() == 0
    named = set(AuditEntry.objects.filter(article__in=stories).values_list("article_id", flat=True))
    assert named == set(stories.values_list("pk", flat=True))


def _plan(sql: str, params) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = on")
    return plan


@pytest.mark.engine("postgresql")  # the planner's reading of a partial index
@pytest.mark.django_db
def test_a_batch_finds_its_stored_stories_and_links_through_the_unique_index():
    """A batch looks up its 200 stories (and the stories they link to) by source id. The
    unique index on (source, source id) holds only rows with a source id, which PostgreSQL
    cannot read into a list of more than 100: the lookup read the whole table, at 25,000
    posts of the benchmark's export a third of the database's time a story, and growing.
    (Seq scans are made dear here, so a plan that may use the index does.)"""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dateline.ingest.apply import Run

    source_ids = [f"post-{n}" for n in range(BATCH)]
    with CaptureQueriesContext(connection) as queries:
        run = Run()
        run.prefetch("wxr:plan.example", source_ids)
        run.prefetch_links("wxr:plan.example", set(source_ids))
    lookups = [q["sql"] for q in queries if "news_article" in q["sql"]]
    assert len(lookups) == 2
    for sql in lookups:
        plan = _plan(sql, None)
        assert "article_unique_source_id" in plan and "Seq Scan" not in plan, plan


@pytest.mark.engine("postgresql")  # SQLite plans these lookups by its indexes alone
@pytest.mark.django_db
def test_an_import_brings_the_statistics_up_each_time_it_has_doubled_its_stories(
    tmp_path, monkeypatch
):
    """With the statistics of an empty table (or of a tenth of it) PostgreSQL plans a
    lookup of a batch's 200 keys as a read of the whole table (label links, redirects,
    archive blocks), a cost that grows with the archive: a run ANALYZEs the tables its
    lookups read once it has written STATISTICS_FIRST stories, then at twice that, and so
    on (a handful of times in a 100,000-post export)."""
    from dateline.ingest import apply
    from dateline.ingest.sources import wxr

    monkeypatch.setattr(apply, "STATISTICS_FIRST", 10)
    monkeypatch.setattr(wxr, "BATCH", 10)
    analysed = []

    def watch(execute, sql, params, many, context):
        if sql.startswith("ANALYZE"):
            analysed.append(sql)
        return execute(sql, params, many, context)

    from django.db import connection

    with connection.execute_wrapper(watch):
        import_wxr(_wxr(tmp_path, 50, 7))  # batches of 10: at 10, 20 and 40 stories
    assert len(analysed) == 3, analysed
    for table in ("news_article", "news_article_tags", "news_redirect"):
        assert f'"{table}"' in analysed[0]


@pytest.mark.engine("postgresql")
@pytest.mark.django_db
def test_a_run_that_grows_the_archive_by_under_a_tenth_leaves_its_statistics_alone(
    tmp_path, monkeypatch
):
    """A wire poll of 1,000 stories into an archive of 100,000 ANALYZEd it (0.5 s of the
    database's CPU at that size, 30 % of the poll's): statistics taken with ten times the
    stories the run writes are still those of the archive (autovacuum follows many small
    runs). Twice as many stories as the run writes: still ANALYZEd as it doubles."""
    from django.db import connection

    from dateline.ingest import apply
    from dateline.ingest.sources import wxr

    monkeypatch.setattr(apply, "STATISTICS_FIRST", 10)
    monkeypatch.setattr(wxr, "BATCH", 10)
    story = factories.article()
    with connection.cursor() as cursor:
        copied = ", ".join(
            f.column
            for f in Article._meta.concrete_fields
            if f.column not in ("id", "slug", "source", "source_id")
        )
        cursor.execute(
            f"INSERT INTO news_article ({copied}, slug, source, source_id) "
            f"SELECT {copied}, slug || '-' || n, 'archive', 'archive-' || n "
            "FROM news_article, generate_series(1, 399) n WHERE id = %s",
            [story.pk],
        )
        cursor.execute("ANALYZE news_article")
    analysed = []

    def watch(execute, sql, params, many, context):
        if sql.startswith("ANALYZE"):
            analysed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        import_wxr(_wxr(tmp_path, 30, 8))  # 10 and 20 stories: under a tenth of 400
    assert analysed == []
    with connection.execute_wrapper(watch):
        import_wxr(_wxr(tmp_path, 50, 9))  # at 40: a tenth of the 430 there are
    assert len(analysed) == 1, analysed


@pytest.mark.engine("postgresql")  # the planner's choice between a scan and probes
@pytest.mark.django_db
def test_a_batch_finds_the_redirects_it_moves_by_probes_of_the_unique_index():
    """A batch's 400 old addresses are looked up among the redirects there are. Asked as a
    list, PostgreSQL read the whole table while it held fewer rows than 400 probes look to
    cost: at 50,000 redirects in the benchmark's import it still did, and the batch's time
    grew with the archive. A probe a path, whatever the table's size."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    story = factories.article()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO news_redirect (old_path, article_id, source) "
            "SELECT '/old/' || n || '/', %s, '' FROM generate_series(1, 5000) n",
            [story.pk],
        )
        cursor.execute("ANALYZE news_redirect")
    paths = [f"/old/{n}/" for n in range(4800, 5200)]
    with CaptureQueriesContext(connection) as queries:
        services.redirects_point_many(pointed=[(story, paths)])
    lookup = next(q["sql"] for q in queries if q["sql"].startswith("SELECT"))
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {lookup}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index" in plan and "Seq Scan on news_redirect" not in plan, plan
    assert Redirect.objects.filter(article=story).count() == 5199
