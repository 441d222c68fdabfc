"""What a page's <head> carries for the outside world: feed links on every page, and
structured data and social cards by page type. Built from what the page already read,
so it adds no query (news/tests/test_query_counts.py)."""

from __future__ import annotations

from markupsafe import Markup, escape

from dateline.news.selectors import ArticlePage, FrontPage, ListingPage, Site
from dateline.pages.selectors import StaticPage
from dateline.syndication import social, structured_data
from dateline.syndication.identity import absolute, ninjs_url
from dateline.syndication.selectors import Story


def _feed_links(name: str, base: str) -> list[Markup]:
    # f-strings with escape(): the markup Markup.format makes, without its formatter.
    return [
        Markup(
            f'<link rel="alternate" type="{kind}" title="{escape(f"{name} ({label})")}" '
            f'href="{escape(absolute(f"{base}{file}"))}">\n'
        )
        for kind, label, file in (
            ("application/rss+xml", "RSS", "rss.xml"),
            ("application/atom+xml", "Atom", "atom.xml"),
        )
    ]


def _story(page: ArticlePage) -> Story:
    labels = page.labels
    return Story(
        article=page.article,
        authors=labels.authors,
        tags=labels.tags,
        topics=labels.topics,
        pictures=page.pictures,
        related={},
    )


def head(page=None, site: Site | None = None) -> Markup:
    if site is None:
        return Markup("")
    publication = site.publication
    parts = _feed_links(publication.name, "/feeds/")
    if isinstance(page, ArticlePage):
        story = _story(page)
        article = page.article
        if article.section:
            parts += _feed_links(
                f"{article.section.name} – {publication.name}", article.section.get_absolute_url()
            )
        parts.append(
            Markup(
                '<link rel="alternate" type="application/json" title="ninjs" '
                f'href="{escape(ninjs_url(article))}">\n'
            )
        )
        parts.append(social.article_card(story, publication))
        live = page.extras.get("live")
        if live is not None:
            # The story's live feeds (dateline.live), and its data as a live blog.
            parts += _feed_links(
                f"{article.headline}: live updates", f"{article.get_absolute_url()}live/"
            )
            data = structured_data.live_blog_posting(story, publication, live)
        else:
            data = structured_data.news_article(story, publication)
        parts.append(structured_data.script(data))
        parts.append(structured_data.script(structured_data.breadcrumbs(story, publication)))
    elif isinstance(page, ListingPage):
        subject = page.subject
        base = subject.get_absolute_url()
        parts += _feed_links(f"{subject.name} – {publication.name}", base)
        parts.append(
            social.page_card(
                title=f"{subject.name} – {publication.name}",
                url=absolute(base),
                text=f"The latest stories: {subject.name}",
                publication=publication,
            )
        )
    elif isinstance(page, FrontPage):
        parts.append(
            social.page_card(
                title=publication.name,
                url=absolute("/"),
                text=publication.tagline,
                publication=publication,
            )
        )
        parts.append(structured_data.script(structured_data.website(publication)))
        organization = {
            "@context": structured_data.CONTEXT,
            **structured_data.organization(publication),
        }
        parts.append(structured_data.script(organization))
    elif isinstance(page, StaticPage):
        parts.append(
            social.page_card(
                title=f"{page.page.title} – {publication.name}",
                url=absolute(page.page.get_absolute_url()),
                text=page.description,
                publication=publication,
            )
        )
    # Every part is Markup already: joined as text, not escaped again one by one.
    return Markup("".join(parts))
