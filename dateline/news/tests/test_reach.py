"""Every visible story can be reached, once, by what readers and crawlers follow: a
listing's "Older" links from its first page down, its "Newer" links from its last page
up, and the articles sitemap's files. Property-based: archives with gaps in the ids
(deleted stories), many stories in the same second across sections, and stories that
are not visible (drafts, withdrawn, scheduled), which must appear nowhere."""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock
from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from lxml import etree

from dateline.core import clock
from dateline.news import archive, selectors
from dateline.news.models import Article, Author, Section, Status, Tag
from dateline.news.models import archive as archive_model
from dateline.pagecache import memo

STORY_LINK = re.compile(r'<h2 class="teaser-title"><a href="/story/([^"/]+)/">')
OLDER = re.compile(r'<a rel="next" href="([^"]+)"')
NEWER = re.compile(r'<a rel="prev" href="([^"]+)"')
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}

# One story: its id step from the previous one (a step above 1 is a deleted story), its
# second among a few (so many share one), its section (or none), its state, and whether
# it has the tag and the author.
story = st.tuples(
    st.integers(1, 3),
    st.integers(0, 4),
    st.integers(0, 2),
    st.sampled_from(["live", "live", "live", "draft", "withdrawn", "scheduled"]),
    st.booleans(),
    st.booleans(),
)


class ReachTests(TestCase):
    def _archive(self, stories) -> tuple[list[Section], Tag, Author, set[str], set[str]]:
        # Each example is a new archive: nothing memoised from the one before (navigation).
        memo.clear()
        now = clock.now().replace(microsecond=0)
        sections = [Section.objects.create(name=f"Desk {i}", slug=f"desk-{i}") for i in range(2)]
        tag = Tag.objects.create(name="Harbour", slug="harbour")
        author = Author.objects.create(name="Ana Ruiz", slug="ana-ruiz")
        pk = (Article.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
        rows, tagged, written, visible, hidden = [], [], [], set(), set()
        for n, (step, second, desk, state, has_tag, has_author) in enumerate(stories):
            pk += step
            status = {"draft": Status.DRAFT, "withdrawn": Status.WITHDRAWN}.get(
                state, Status.PUBLISHED
            )
            at = now + dt.timedelta(hours=1, seconds=second)
            if state != "scheduled":
                at = now - dt.timedelta(seconds=second)
            slug = f"story-{n}"
            rows.append(
                Article(
                    pk=pk,
                    headline=f"Story {n}",
                    slug=slug,
                    status=status,
                    published_at=at if state != "draft" else None,
                    section=sections[desk] if desk < 2 else None,
                    body_words=10,
                )
            )
            (visible if state == "live" else hidden).add(slug)
            if has_tag:
                tagged.append(Article.tags.through(article_id=pk, tag_id=tag.pk))
            if has_author:
                written.append(Article.authors.through(article_id=pk, author_id=author.pk))
        Article.objects.bulk_create(rows)
        Article.tags.through.objects.bulk_create(tagged)
        Article.authors.through.objects.bulk_create(written)
        # Rows written directly: the archive blocks news.services keeps are written here
        # (the label links take their stories' times by trigger).
        archive.refresh(None, now=clock.now())
        return sections, tag, author, visible, hidden

    def _walk(self, start: str, link: re.Pattern) -> tuple[list[str], str]:
        """The stories met following `link` from `start`, and the last page's address."""
        met, url = [], start
        for _ in range(200):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            html = response.content.decode()
            met += STORY_LINK.findall(html)
            found = link.search(html)
            if not found:
                return met, url
            url = urlsplit(start).path + found.group(1).replace("&amp;", "&")
        raise AssertionError(f"no end to the links from {start}")

    def _listing_reaches_each_once(self, path: str, expected: set[str]) -> None:
        down, last = self._walk(path, OLDER)
        self.assertEqual(sorted(down), sorted(expected), f"older links from {path}")
        self.assertEqual(len(down), len(set(down)))
        # Up from the last page: its own stories, then every other one once.
        up, _ = self._walk(last, NEWER)
        self.assertEqual(len(up), len(set(up)), f"newer links from {last}")
        self.assertEqual(set(up), expected, f"newer links from {last}")

    @settings(
        max_examples=12,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(st.lists(story, min_size=0, max_size=40))
    def test_every_visible_story_is_reached_once_by_listings_and_sitemaps(self, stories):
        with (
            mock.patch.object(selectors, "PAGE_SIZE", 3),
            mock.patch.object(archive_model, "BLOCK_SIZE", 4),
        ):
            sections, tag, author, visible, hidden = self._archive(stories)
            rows = {a.slug: a for a in Article.objects.all()}
            for section in sections:
                expected = {s for s in visible if rows[s].section_id == section.pk}
                self._listing_reaches_each_once(section.get_absolute_url(), expected)
            tagged = set(tag.articles.values_list("slug", flat=True)) & visible
            self._listing_reaches_each_once(tag.get_absolute_url(), tagged)
            written = set(author.articles.values_list("slug", flat=True)) & visible
            self._listing_reaches_each_once(author.get_absolute_url(), written)

            index = etree.fromstring(self.client.get("/sitemap.xml").content)
            files = [
                urlsplit(x.text)
                for x in index.iterfind("s:sitemap/s:loc", NS)
                if "/sitemaps/articles.xml" in x.text
            ]
            listed = []
            for parts in files:
                response = self.client.get(f"{parts.path}?{parts.query}")
                self.assertEqual(response.status_code, 200)
                for loc in etree.fromstring(response.content).iterfind("s:url/s:loc", NS):
                    listed.append(urlsplit(loc.text).path.split("/")[2])
            self.assertEqual(len(listed), len(set(listed)))
            self.assertEqual(set(listed), visible)
            self.assertFalse(set(listed) & hidden)
