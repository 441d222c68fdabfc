"""A reader's browser sends the beacon: Chromium opens an article under `dateline serve`, the
page's one line runs under the public policy and the read is counted, once."""

from __future__ import annotations

import json

import pytest

from dateline.core.tests import live
from dateline.core.tests.serving import STORY, make_site, site_env

# Chromium headless says so in its user agent, and is left out as a bot: this reader says
# it is the desktop browser it is.
READER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
COUNTS = "import json; from dateline.mostread import ranking; print(json.dumps(ranking.counts()))"


@pytest.mark.browser
def test_opening_an_article_in_chromium_counts_one_read(tmp_path, open_page):
    env = site_env(tmp_path / "var")
    make_site(env)
    pk = int(
        live.site_python(
            env,
            "from dateline.news.models import Article; "
            f"print(Article.objects.get(slug={STORY.split('/')[2]!r}).pk)",
        )
    )
    with live.serve(env, tmp_path / "serve.log", "--workers", "1") as (base, _):
        for cache in ("miss", "hit"):
            # A fresh context each time: the second visit is not revalidated from the
            # browser's own cache, and is the same reader (address) all the same.
            page = open_page({"user_agent": READER})
            with page.expect_response(lambda r: r.url == base + "/b") as beacon:
                opened = page.goto(base + STORY)
            assert opened.status == 200
            assert opened.headers["x-cache"] == cache
            assert beacon.value.status == 204
            assert beacon.value.request.method == "POST"
            assert beacon.value.request.post_data == str(pk)
            assert "set-cookie" not in beacon.value.headers
            assert page.get_by_role("heading", level=1).is_visible()
            assert page.context.cookies() == []
            assert page.errors == []  # no policy violation, no script error

        def counted():
            return json.loads(live.site_python(env, COUNTS)) == [[pk, 1]]

        # The second visit is the same reader within the window: still one read.
        live.until(counted, seconds=30, what="the read counted")
    log = (tmp_path / "serve.log").read_text()
    assert '"path":"/b","status":204' in log
