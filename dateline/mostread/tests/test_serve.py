"""Most read under `dateline serve`, as a site runs it: 1,000 beacons from a script across 20
stories, behind a trusted proxy that names each reader's address, while the article page
is read through the page cache. Once with the counts in the database (one machine), once
in Redis."""

from __future__ import annotations

import http.client
import json
import random

import pytest

from dateline.core.tests import live
from dateline.core.tests.serving import make_site, site_env

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"

MAKE_STORIES = """
import json
from dateline.news.tests import factories
section = factories.section("Harbour")
made = [factories.article(headline=f"Read story {i}", section_obj=section) for i in range(20)]
print(json.dumps([[a.pk, a.get_absolute_url()] for a in made]))
"""

COUNTS = """
import json
from dateline.mostread import ranking
print(json.dumps(ranking.counts()))
"""


def _beacon(conn: http.client.HTTPConnection, pk: int, address: str, agent: str = FIREFOX):
    conn.request(
        "POST",
        "/b",
        body=str(pk).encode(),
        headers={
            "Content-Type": "text/plain;charset=UTF-8",
            "User-Agent": agent,
            "X-Forwarded-For": address,
            "Sec-Fetch-Site": "same-origin",
        },
    )
    response = conn.getresponse()
    response.read()
    return response


def _page(conn: http.client.HTTPConnection, path: str):
    conn.request("GET", path, headers={"User-Agent": FIREFOX})
    response = conn.getresponse()
    response.read()
    return response


@pytest.mark.parametrize("backend", ["database", "redis"])
def test_a_thousand_beacons_through_dateline_serve_rank_the_stories(tmp_path, backend):
    env = site_env(tmp_path / "var", DATELINE_TRUSTED_PROXY="1")
    with live.redis(tmp_path) as cache:
        if backend == "redis":
            env["CACHE_URL"] = cache
        make_site(env)
        stories = json.loads(live.site_python(env, MAKE_STORIES))
        expected = {pk: 5 * i + 2 + (10 if i == 19 else 0) for i, (pk, _) in enumerate(stories)}
        beacons = [
            (pk, f"10.{i}.{n // 250}.{n % 250}")
            for i, (pk, reads) in enumerate(expected.items())
            for n in range(reads)
        ]
        assert len(beacons) == 1000
        random.Random(14).shuffle(beacons)
        article = stories[7][1]
        with live.serve(env, tmp_path / "serve.log", "--workers", "2") as (base, _):
            conn = http.client.HTTPConnection(base.removeprefix("http://"), timeout=30)
            assert _page(conn, article).status == 200
            assert _page(conn, article).getheader("X-Cache") == "hit"
            statuses = set()
            for n, (pk, address) in enumerate(beacons):
                response = _beacon(conn, pk, address)
                statuses.add(response.status)
                assert response.getheader("Set-Cookie") is None
                if n % 100 == 0:
                    # Readers' pages are answered from the cache while beacons arrive.
                    assert _page(conn, article).getheader("X-Cache") == "hit", n
            assert statuses == {204}
            for pk, address in beacons[:100]:  # reloads: the same readers again
                assert _beacon(conn, pk, address).status == 204
            for pk, _ in stories:  # a crawler
                assert _beacon(conn, pk, "66.249.66.1", GOOGLEBOT).status == 204
            assert _beacon(conn, 10**9, "192.0.2.1").status == 404
            assert _page(conn, article).getheader("X-Cache") == "hit"
            conn.close()

            def counted():
                found = dict(json.loads(live.site_python(env, COUNTS)))
                return {int(k): v for k, v in found.items()} == expected

            # Each worker writes its counts to the database within a second of a read.
            live.until(counted, seconds=30, what="the counts of 1,000 beacons")
        order = sorted(expected, key=lambda pk: (-expected[pk], -pk))
        assert [pk for pk, _ in json.loads(live.site_python(env, COUNTS))] == order
