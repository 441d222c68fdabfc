#!/usr/bin/env python
"""Every public page of a site, rendered through `dateline serve`'s front by one source
tree, as SHA-256 of each body: run it for two trees on the same site and compare, to show
that a change to how pages are rendered changed no byte readers get.

    DATELINE_VAR_DIR=/tmp/site .venv/bin/python bench/same_pages.py --root TREE > A.txt
    DATELINE_VAR_DIR=/tmp/site .venv/bin/python bench/same_pages.py --root OTHER > B.txt
    diff A.txt B.txt          # no output: the same bytes

Pages: the front page, every published story (its page, ninjs, live fragment when covered
live), every section, tag, topic and author page with their feeds, static pages,
corrections, search, the sitemaps, robots.txt and a 404. Each is asked twice, the second
time as a hit, so that a kept page is shown to equal a fresh render. The lines carry the
status and the body's hash; headers that move with the clock are left out (Date, Expires,
Last-Modified, Cache-Control's ages), and the policy's directives are sorted (their order
is a set's, which changes from one process to the next).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import inprocess  # noqa: E402

_CLOCK_HEADERS = {"date", "expires", "last-modified", "cache-control", "age", "x-cache"}


def _same_order(name: str, value: str) -> str:
    # A policy's directives come in the order of a set, which differs between processes.
    if name.lower().startswith("content-security-policy"):
        return "; ".join(sorted(value.split("; ")))
    return value


def addresses() -> list[str]:
    from dateline.news.models import Article, Author, Section, Status, Tag, Topic
    from dateline.pages.models import Page

    found = ["/", "/corrections/", "/search/?q=the", "/search/?q=harbour+-ferry"]
    found += ["/robots.txt", "/sitemap.xml", "/sitemaps/news.xml", "/feeds/rss.xml"]
    found += ["/feeds/atom.xml", "/no-such-page-here/"]
    for a in Article.objects.filter(status=Status.PUBLISHED).order_by("pk"):
        url = a.get_absolute_url()
        found += [url, f"/story/{a.slug}.ninjs.json", f"{url}live.json"]
    for model in (Section, Tag, Author):
        for x in model.objects.order_by("pk"):
            url = x.get_absolute_url()
            found += [url, f"{url}rss.xml"]
    for t in Topic.objects.order_by("pk"):
        found.append(t.get_absolute_url())
    for p in Page.objects.order_by("pk"):
        found.append(p.get_absolute_url())
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
    args = parser.parse_args()
    front, _ = inprocess.front(args.root)
    for address in addresses():
        path, _, query = address.partition("?")
        for round in ("miss", "hit"):
            status, headers, body = front._call(front._environ(inprocess.Scope(path, query), None))
            if not isinstance(body, bytes):
                body = b"".join(body)
            kept = sorted(
                f"{k.lower()}={_same_order(k, v)}"
                for k, v in headers
                if k.lower() not in _CLOCK_HEADERS
            )
            digest = hashlib.sha256(body).hexdigest()[:16]
            print(f"{round} {status} {address} {digest} {len(body)} {' '.join(kept)}")


if __name__ == "__main__":
    main()
