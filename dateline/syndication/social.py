"""Social cards: OpenGraph (Facebook, LinkedIn, messaging apps) and Twitter/X cards."""

from __future__ import annotations

from markupsafe import Markup, escape

from dateline.news.models import Publication
from dateline.syndication import dates
from dateline.syndication.identity import absolute
from dateline.syndication.renditions import rendition
from dateline.syndication.selectors import Story
from dateline.syndication.structured_data import description

# Facebook crops to about 1.91:1 and Twitter's large card to 2:1; 16:9 suits both.
CARD_RATIO = "16x9"


def meta_tags(pairs: list[tuple[str, str, str]]) -> Markup:
    """<meta> elements from (attribute, name, content); every value escaped."""
    # `attr` is ours ("property" or "name"); an f-string with escape() makes the same
    # markup as Markup.format at a fifth of its cost (a story page has ~25 of these).
    return Markup(
        "".join(
            f'<meta {attr}="{escape(name)}" content="{escape(content)}">\n'
            for attr, name, content in pairs
            if content
        )
    )


def _og_locale(language: str) -> str:
    """language_TERRITORY, as OpenGraph wants it; nothing when the setting names no
    territory (OpenGraph would read a bare "en" as malformed)."""
    parts = language.replace("_", "-").split("-")
    if len(parts) > 1 and len(parts[-1]) == 2:
        return f"{parts[0].lower()}_{parts[-1].upper()}"
    return ""


def article_card(story: Story, publication: Publication) -> Markup:
    article = story.article
    zone = publication.zone
    # The desk's own words for search and social cards, when it gave them.
    title = article.social_headline.strip() or article.headline
    text = article.social_description.strip() or description(story)
    og = [
        ("og:type", "article"),
        ("og:site_name", publication.name),
        ("og:locale", _og_locale(article.language or publication.language)),
        ("og:title", title),
        ("og:description", text),
        ("og:url", absolute(article.get_absolute_url())),
    ]
    twitter = [
        ("twitter:card", "summary_large_image" if story.lead else "summary"),
        ("twitter:title", title),
        ("twitter:description", text),
    ]
    picture = story.lead
    if picture is not None:
        r = rendition(picture, CARD_RATIO)
        alt = picture.alt_text or picture.caption
        og += [
            ("og:image", r.url),
            ("og:image:type", r.content_type),
            ("og:image:width", str(r.width)),
            ("og:image:height", str(r.height)),
            ("og:image:alt", alt),
        ]
        twitter += [("twitter:image", r.url), ("twitter:image:alt", alt)]
    og += [
        ("article:published_time", dates.rfc3339(dates.published(article, zone))),
        ("article:modified_time", dates.rfc3339(dates.modified(article, zone))),
    ]
    if article.section:
        og.append(("article:section", article.section.name))
    og += [("article:author", absolute(a.get_absolute_url())) for a in story.authors]
    og += [("article:tag", t.name) for t in [*story.topics, *story.tags]]
    return meta_tags([("property", k, v) for k, v in og] + [("name", k, v) for k, v in twitter])


def page_card(*, title: str, url: str, text: str, publication: Publication) -> Markup:
    return meta_tags(
        [
            ("property", "og:type", "website"),
            ("property", "og:site_name", publication.name),
            ("property", "og:title", title),
            ("property", "og:description", text),
            ("property", "og:url", url),
            ("name", "twitter:card", "summary"),
            ("name", "twitter:title", title),
        ]
    )
