"""Print what a site serves, as JSON {path: [status, sha256 of the body]}: the front page,
feeds, robots.txt, every sitemap and every page they list, and a sample of the pictures the
pages show.
Run in a site's own environment (`python -m dateline.ops.tests.site_snapshot`) by the
backup tests, once for the site backed up and once for the install it is restored into."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from urllib.parse import urlsplit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

# As `dateline serve` does before it serves: a live story's page names its script by the
# static files' manifest.
call_command("collectstatic", interactive=False, verbosity=0)

client = Client()
seen: dict[str, list] = {}


def get(path: str) -> bytes:
    response = client.get(path)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    seen[path] = [response.status_code, hashlib.sha256(body).hexdigest()]
    return body


def locs(xml: bytes) -> list[str]:
    return [urlsplit(u).path for u in re.findall(r"<loc>([^<]+)</loc>", xml.decode())]


for path in ("/", "/feeds/rss.xml", "/feeds/atom.xml", "/robots.txt", "/sitemaps/news.xml"):
    get(path)
pages = []
for sitemap in locs(get("/sitemap.xml")):
    pages += locs(get(sitemap))
pictures = set()
for page in pages:
    html = get(page).decode()
    pictures.update(re.findall(r'(?:src|srcset)="(/media/[^" ,]+)', html))
# A sample: each is made on its first request, which costs more than every page together.
for picture in sorted(pictures)[:24]:
    get(picture)
json.dump(seen, sys.stdout, indent=0, sort_keys=True)
