"""Purging the cache in front (pagecache/purge.py) against a real HTTP server on loopback
that answers PURGE as the shipped VCL does: after commit, by tag, retried, logged, never
failing the write; and the shared lifetime a page is given (pagecache/wsgi.py)."""

from __future__ import annotations

import logging
import re
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from dateline.core.tests import live
from dateline.core.tests.live import until
from dateline.core.tests.serving import DATELINE, ROOT, free_port, make_site, site_env
from dateline.news.models import Article
from dateline.pagecache import invalidate, purge
from dateline.pagecache.tests.client import Counting, commit, get
from dateline.pagecache.tests.test_page_cache import (  # noqa: F401 - an autouse fixture
    _keep_the_test_connection,
)
from dateline.pagecache.versions import versions
from dateline.pagecache.wsgi import PageCacheApp, store


class FakeVarnish:
    """Records each PURGE's xkey header and answers as the VCL does."""

    def __init__(self, port: int = 0) -> None:
        self.purged: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_PURGE(self):  # noqa: N802 - the method's name
                outer.purged.append(self.headers.get("xkey", ""))
                body = b"Purged 3"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def cache_in_front(settings, monkeypatch):
    fake = FakeVarnish()
    settings.DATELINE_PURGE_URLS = [fake.url]
    monkeypatch.setattr(purge, "_purger", purge.Purger([fake.url], repeat=0.05))
    monkeypatch.setattr(purge, "_purger_urls", (fake.url,))
    yield fake
    fake.close()


def test_tags_go_in_batches_that_fit_a_header():
    tags = [f"article:{n}:teaser" for n in range(2000)]
    batches = purge.batches(tags, limit=1000)
    assert all(len(b) <= 1000 for b in batches) and len(batches) > 20
    assert sorted(t for b in batches for t in b.split(" ")) == sorted(tags)


@pytest.mark.django_db
def test_a_change_is_purged_by_its_tags_after_commit_and_again_later(world, cache_in_front):
    story = world["a"]
    Article.objects.filter(pk=story.pk).update(headline="Quay reopens at dawn")
    invalidate([f"article:{story.pk}", "stories"])
    assert cache_in_front.purged == []  # not before the commit
    commit()
    assert cache_in_front.purged == [f"article:{story.pk} stories"]  # at once, in order
    until(lambda: len(cache_in_front.purged) == 2, seconds=10, what="the second purge")
    assert cache_in_front.purged[1] == cache_in_front.purged[0]


@pytest.mark.django_db
def test_a_purge_that_fails_is_retried_then_logged_and_the_write_stands(world, caplog):
    unreachable = FakeVarnish()
    url = unreachable.url
    unreachable.close()  # nothing listens there any more
    purger = purge.Purger([url], timeout=0.5, retries=(0.01, 0.01), repeat=None)
    with caplog.at_level(logging.WARNING, logger="dateline.pagecache.purge"):
        purger.purge(["article:7", "stories"])  # returns: the write is not held up
        until(
            lambda: any(r.levelno == logging.ERROR for r in caplog.records),
            seconds=10,
            what="the purge given up",
        )
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    error = next(r for r in caplog.records if r.levelno == logging.ERROR)
    assert len(warnings) == 2 and "article:7 stories" in error.getMessage()
    assert url in error.getMessage() and "3 times" in error.getMessage()
    assert purger.pending() == 0


def _shared_age(headers) -> int:
    return int(re.search(r"s-maxage=(\d+)", headers["Cache-Control"]).group(1))


@pytest.mark.django_db
def test_purged_pages_are_kept_in_front_for_their_lifetime_unless_changed_while_rendered(
    world, cache_in_front, settings
):
    url = world["a"].get_absolute_url()
    cached = PageCacheApp(Counting())
    _, headers, _ = get(cached, url)
    assert _shared_age(headers) > 60 and headers["X-Cache"] == "miss"
    _, headers, _ = get(cached, url)
    assert _shared_age(headers) > 60 and headers["X-Cache"] == "hit"

    class BumpWhileRendering(Counting):
        def __call__(self, environ, start_response):
            response = super().__call__(environ, start_response)
            versions().bump([f"article:{world['a'].pk}"])  # a write commits meanwhile
            return response

    racing = PageCacheApp(BumpWhileRendering())
    store.clear()
    _, headers, _ = get(racing, world["c"].get_absolute_url())
    assert _shared_age(headers) > 60 and headers["X-Cache"] == "miss"  # its tags: not bumped
    _, headers, _ = get(racing, url)
    assert headers["X-Cache"] == "miss"
    assert _shared_age(headers) == 0  # rendered from rows a commit changed meanwhile

    settings.DATELINE_PURGE_URLS = []
    store.clear()
    _, headers, _ = get(PageCacheApp(Counting()), url)
    assert _shared_age(headers) == 1  # not purged: a just-rendered page a second

    # Purged by xkey, but the page does not carry it: the purge cannot reach it.
    settings.DATELINE_PURGE_URLS = [cache_in_front.url]
    settings.DATELINE_CACHE_TAG_HEADERS = ("Cache-Tag",)
    store.clear()
    _, headers, _ = get(PageCacheApp(Counting()), url)
    assert _shared_age(headers) == 1


def test_a_command_on_its_way_out_waits_for_its_purges(cache_in_front):
    purger = purge.Purger([cache_in_front.url], repeat=0.2)
    purger.purge(["article:9"])
    assert cache_in_front.purged == ["article:9"] and purger.pending() == 1
    assert purger.drain(seconds=10)
    assert cache_in_front.purged == ["article:9", "article:9"] and purger.pending() == 0


def test_a_purge_outlives_the_process_that_made_the_change(tmp_path):
    """The cache in front is down while a story is unpublished; the process that did it
    exits; once the cache is back, `dateline worker` delivers the purge."""
    port = free_port()
    env = site_env(tmp_path / "var", DATELINE_PURGE_URL=f"http://127.0.0.1:{port}/")
    make_site(env)
    live.add_editor(env, "editor", "a long editor password")
    story = live.site_python(
        env,
        "from django.contrib.auth import get_user_model\n"
        "from dateline.news.models import Article\n"
        "from dateline.newsroom.actions.publication import article_unpublish\n"
        "story = Article.objects.published().order_by('pk').first()\n"
        "article_unpublish(article=story, by=get_user_model().objects.get(username='editor'))\n"
        "print(story.pk)",
    )
    receiver = FakeVarnish(port=port)
    try:
        done = subprocess.run(
            [DATELINE, "worker", "--batch"], env=env, cwd=ROOT, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        assert any(f"article:{story}" in keys.split(" ") for keys in receiver.purged), (
            receiver.purged
        )
    finally:
        receiver.close()
    left = "from dateline.pagecache.models import PendingPurge; print(PendingPurge.objects.count())"
    assert live.site_python(env, left) == "0"
