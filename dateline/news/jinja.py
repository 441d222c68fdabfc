"""The Jinja2 environment for public pages. It lives in news, not core: its globals render
news pictures, and core imports nothing of ours."""

from __future__ import annotations

import functools
from pathlib import Path

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import Environment, pass_environment
from markupsafe import Markup

from dateline.core import dates
from dateline.mostread.script import SCRIPT as BEACON_SCRIPT
from dateline.news.rendering import picture_element, picture_figure

SITE_CSS = Path(__file__).resolve().parent / "static" / "news" / "site.css"


@functools.cache
def inline_css() -> Markup:
    """The site's stylesheet, inlined: one small file, no render-blocking request. Read
    from this package (it ships in the wheel with the templates), not from STATIC_ROOT,
    which may not be collected yet."""
    return Markup(SITE_CSS.read_text(encoding="utf-8"))


def _longdate(value, publication=None) -> str:
    if value is None:
        return ""
    if publication is not None and hasattr(value, "astimezone"):
        value = value.astimezone(publication.zone)
    return dates.long_date(value, publication.language if publication else "en")


def _isodate(value, publication=None) -> str:
    if value is None:
        return ""
    if publication is not None:
        value = value.astimezone(publication.zone)
    return dates.iso_datetime(value)


def teaser_badge(a, site) -> Markup:
    """The word an app puts on a story's teaser ("Live"), as text before its headline: the
    link reads "Live: …" to a screen reader, the colour only adds to it."""
    from dateline.news.selectors import teaser_labels

    label = teaser_labels(site).get(a.pk)
    if not label:
        return Markup("")
    return Markup(
        '<span class="teaser-label">{}<span class="visually-hidden">:</span></span> '
    ).format(label)


@pass_environment
def teaser(env: Environment, a, site, chars=200, picture=False, level=3) -> Markup:
    """news/_teaser.html's macro, its markup kept on the story for the next page that shows
    it. The teasers of an article page (the section's newest, Don't Miss) are memoised
    stories (selectors.section_newest, the lists), shared by every page that shows them
    until a change to one of them replaces the memo: the markup lives exactly as long as
    what it was made from. It depends on nothing else but the publication (its time zone
    and language date the teaser) and the word an app puts on it ("Live"), both part of
    the key."""
    badge = teaser_badge(a, site)
    key = (site.publication, chars, picture, level, badge)
    kept = a.__dict__.get("_teasers")
    if kept is None:
        kept = a.__dict__["_teasers"] = {}
    markup = kept.get(key)
    if markup is None:
        macro = env.get_template("news/_teaser.html").module.teaser
        markup = kept[key] = macro(a, site, chars, picture, level, badge)
    return markup


@pass_environment
def most_read(env: Environment, stories) -> Markup:
    """news/_most_read.html's macro, as a global: a page that imported it (`{% from … import
    most_read %}`) had Jinja make that template's module again on every render, after
    comparing the page's context with the module's globals (1 % of an uncached article).
    The macro reads nothing but its argument, so the module made once serves every page."""
    return env.get_template("news/_most_read.html").module.most_read(stories)


def environment(**options) -> Environment:
    env = Environment(**options)
    env.globals.update(
        {
            "picture_element": lambda *a, **k: Markup(picture_element(*a, **k)),
            "picture_figure": lambda *a, **k: Markup(picture_figure(*a, **k)),
            "teaser": teaser,
            "teaser_badge": teaser_badge,
            "most_read": most_read,
            "static": static,
            "url": reverse,
            "inline_css": inline_css,
            "beacon_script": Markup(BEACON_SCRIPT),
            # Canonical links must be absolute (search engines ignore relative ones).
            "site_url": settings.SITE_URL,
        }
    )
    env.filters.update({"longdate": _longdate, "isodate": _isodate})
    return env
