"""Absolute addresses and stable identifiers for what leaves the site."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from dateline.core.text import quote
from dateline.news.models import Article

# SITE_URL without its trailing slash, read once: an article page builds some twenty
# absolute addresses (its card, its structured data, its feed links).
_site_url: str | None = None


@receiver(setting_changed)
def _forget_site_url(*, setting: str, **kwargs) -> None:
    global _site_url
    if setting == "SITE_URL":
        _site_url = None


def site_url() -> str:
    global _site_url
    if _site_url is None:
        _site_url = settings.SITE_URL.rstrip("/")
    return _site_url


def absolute(path: str) -> str:
    """Feeds, sitemaps and cards are read away from the site: every link is absolute, and
    built on the configured public address, never on the Host header a request sent."""
    if path.startswith(("http://", "https://")):
        return path
    return (_site_url or site_url()) + path


def story_uri(article: Article) -> str:
    """The story's identity outside the site (RSS guid, Atom id, ninjs uri): a tag URI
    (RFC 4151) made of things that never change, so an edit or a new slug never makes
    a feed reader show the story twice."""
    host = urlsplit(site_url()).hostname or "localhost"
    return f"tag:{host},{article.created_at:%Y-%m-%d}:story:{article.pk}"


def ninjs_url(article: Article) -> str:
    """The story as a ninjs document, beside its page."""
    return absolute(f"/story/{quote(article.slug)}.ninjs.json")
