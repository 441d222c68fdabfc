"""Every public page kind, for the checks that hold them all to one standard: the Nu HTML
Checker and axe-core in the suite (test_page_quality.py), Lighthouse in bench/lighthouse.sh.

The site is the demo (`dateline demo`) made as plain as a new publication's: no tagline, no
section descriptions, no author bios, so every page shows its fallbacks; plus one published
correction, so that the corrections page lists something.

To hold a new page kind to the same checks, add one line to PAGE_KINDS: its name and a
function that returns the path of one such page on this site (making what it needs first, if
the demo has none).
"""

from __future__ import annotations

import io
from collections.abc import Callable

from django.core.management import call_command

from dateline.news.models import Article, Author, Publication, Section, Tag, Topic

DEMO_LEAD = "demo:kell-swing-bridge-reopens"
# A story written by more than one person, tagged and with organisations and places.
DEMO_STORY = "demo:ropewalk-warehouse-fire"


def _story() -> Article:
    return Article.objects.get(source_id=DEMO_STORY)


def _label_path(model) -> str:
    return model.objects.filter(articles__source_id=DEMO_STORY).first().get_absolute_url()


def _corrections() -> str:
    from dateline.newsroom.actions import publication
    from dateline.newsroom.roles import Role
    from dateline.newsroom.tests.factories import staff

    story = Article.objects.get(source_id=DEMO_LEAD)
    publication.article_correct(
        article=story,
        by=staff(Role.EDITOR, username="page-kinds-editor"),
        kind="correction",
        note="An earlier version of this story gave the wrong year for the bridge's opening.",
        expected_version=story.version,
    )
    return "/corrections/"


def _preview() -> str:
    """A signed preview of a story not yet published, as the desk hands it out."""
    from dateline.news.preview import preview_url
    from dateline.news.tests import factories

    draft = factories.article(headline="A story not out yet", publish=False)
    return preview_url(draft)


def _newsletter_link(purpose: str) -> str:
    """A reader's signed newsletter link (confirm, manage, unsubscribe) on this site."""
    from dateline.newsletters import tokens
    from dateline.newsletters.tests.factories import subscriber

    reader = subscriber(lists=("briefing",))
    return f"/newsletters/{purpose}/{tokens.make(purpose, reader, ('briefing',))}/"


# name -> the path of one page of that kind. Order is the order of the reports.
PAGE_KINDS: dict[str, Callable[[], str]] = {
    "front": lambda: "/",
    "article": lambda: _story().get_absolute_url(),
    "section": lambda: _story().section.get_absolute_url(),
    "tag": lambda: _label_path(Tag),
    "topic": lambda: _label_path(Topic),
    "author": lambda: _label_path(Author),
    "corrections": _corrections,
    "search": lambda: "/search/?q=harbour",
    "search, no query": lambda: "/search/",
    "404": lambda: "/no-such-page/",
    # The demo's own About page (dateline.pages), and its story covered live (dateline.live).
    "static page": lambda: "/about/",
    "live story": lambda: Article.objects.get(source_id=DEMO_LEAD).get_absolute_url(),
    "newsletters": lambda: "/newsletters/",
    "preview": lambda: _preview(),
    "newsletter confirm": lambda: _newsletter_link("confirm"),
    "newsletter manage": lambda: _newsletter_link("manage"),
    "newsletter unsubscribe": lambda: _newsletter_link("unsubscribe"),
}


def plain_demo_site() -> None:
    """The demo, without the words a new site has not written yet."""
    call_command("demo", stdout=io.StringIO())
    Publication.objects.update(tagline="")
    Section.objects.update(description="")
    Author.objects.update(bio="")


def page_paths() -> dict[str, str]:
    """Each page kind's path on the plain demo site (plain_demo_site() first)."""
    return {name: find() for name, find in PAGE_KINDS.items()}
