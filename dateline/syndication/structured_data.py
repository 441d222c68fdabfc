"""schema.org JSON-LD: NewsArticle (LiveBlogPosting for a story covered live) and
BreadcrumbList on the article page, WebSite and Organization on the front page. Built as
dictionaries and serialised once, so a headline can contain anything (quotes,
"</script>") without breaking the data or the page."""

from __future__ import annotations

import json

from markupsafe import Markup

from dateline.news.models import Publication
from dateline.syndication import dates
from dateline.syndication.identity import absolute
from dateline.syndication.renditions import STRUCTURED_DATA_RATIOS, rendition
from dateline.syndication.selectors import Story

CONTEXT = "https://schema.org"


def script(data: dict) -> Markup:
    """<script type="application/ld+json"> holding `data`. In a script element the HTML
    parser looks only for "</script"; escaping every <, > and & as JSON \\u escapes means
    no text inside can end the element or be read as markup, and the JSON is unchanged."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/ld+json">{text}</script>')


def organization(publication: Publication) -> dict:
    data = {
        "@type": "Organization",
        "@id": absolute("/#organization"),
        "name": publication.name,
        "url": absolute("/"),
    }
    if publication.logo:
        data["logo"] = {"@type": "ImageObject", "url": absolute(publication.logo.url)}
    return data


def website(publication: Publication) -> dict:
    return {
        "@context": CONTEXT,
        "@type": "WebSite",
        "@id": absolute("/#website"),
        "name": publication.name,
        "url": absolute("/"),
        "inLanguage": publication.language,
        "publisher": {"@id": absolute("/#organization")},
    }


def description(story: Story) -> str:
    """The standfirst, as readers see it under the headline (also the meta description)."""
    article = story.article
    return article.standfirst.strip() or article.teaser(160)


def news_article(story: Story, publication: Publication) -> dict:
    article = story.article
    zone = publication.zone
    url = absolute(article.get_absolute_url())
    data: dict = {
        "@context": CONTEXT,
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.headline,
        "description": description(story),
        "datePublished": dates.rfc3339(dates.published(article, zone)),
        "dateModified": dates.rfc3339(dates.modified(article, zone)),
        "author": [
            {"@type": "Person", "name": a.name, "url": absolute(a.get_absolute_url())}
            for a in story.authors
        ],
        "publisher": organization(publication),
        "inLanguage": article.language or publication.language,
        "wordCount": article.body_words,
    }
    picture = story.lead
    if picture is not None:
        data["image"] = []
        for ratio in STRUCTURED_DATA_RATIOS:
            r = rendition(picture, ratio)
            image = {"@type": "ImageObject", "url": r.url, "width": r.width, "height": r.height}
            if picture.caption:
                image["caption"] = picture.caption
            if picture.credit:
                image["creditText"] = picture.credit
            data["image"].append(image)
    if article.section:
        data["articleSection"] = article.section.name
    if story.topics:
        data["keywords"] = ", ".join(t.name for t in story.topics)
    return data


def live_blog_posting(story: Story, publication: Publication, live) -> dict:
    """A live story: its article data as a LiveBlogPosting (a kind of article), with when
    the coverage began and ended and every entry as a BlogPosting (`live`: the coverage
    as dateline.live reads it for the page, taken as it comes)."""
    from dateline.news.body import text_for_counting

    zone = publication.zone
    data = news_article(story, publication)
    data["@type"] = "LiveBlogPosting"
    url = data["url"]
    coverage = live.coverage
    data["coverageStartTime"] = dates.rfc3339(dates.local(coverage.started_at, zone))
    if coverage.ended_at:
        data["coverageEndTime"] = dates.rfc3339(dates.local(coverage.ended_at, zone))
    # Each entry is a change readers see: the story is as new as its newest entry.
    modified = max(dates.modified(story.article, zone), dates.local(live.updated_at, zone))
    data["dateModified"] = dates.rfc3339(modified)
    updates = []
    for entry in live.entries:
        text = text_for_counting(entry.body).strip()
        update = {
            "@type": "BlogPosting",
            "@id": f"{url}#{entry.anchor}",
            "url": f"{url}#{entry.anchor}",
            "headline": (entry.title or text[:110] or story.article.headline)[:110],
            "datePublished": dates.rfc3339(dates.local(entry.posted_at, zone)),
            "dateModified": dates.rfc3339(dates.local(entry.edited_at or entry.posted_at, zone)),
            "articleBody": text,
        }
        if entry.byline:
            update["author"] = {"@type": "Person", "name": entry.byline}
        else:
            update["author"] = {"@id": absolute("/#organization")}
        updates.append(update)
    data["liveBlogUpdate"] = updates
    return data


def breadcrumbs(story: Story, publication: Publication) -> dict:
    article = story.article
    trail = [(publication.name, absolute("/"))]
    if article.section:
        trail.append((article.section.name, absolute(article.section.get_absolute_url())))
    trail.append((article.headline, absolute(article.get_absolute_url())))
    return {
        "@context": CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": url}
            for n, (name, url) in enumerate(trail, start=1)
        ],
    }
