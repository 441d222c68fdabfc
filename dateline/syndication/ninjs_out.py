"""Each published story as an IPTC ninjs 2.2 document, the format the importer reads
(`dateline import ninjs`), so a story exported here and imported into another Dateline
comes back whole: headline, standfirst and credit, body, section, authors, topics, tags,
pictures with caption and credit, and the stories it links to.

Pictures and linked stories are associations, referenced from the body by
`data-assoc-ref`, as in the ninjs the importer takes from agencies."""

from __future__ import annotations

import datetime as dt
import mimetypes
import re
from urllib.parse import urlsplit

from markupsafe import escape

from dateline.news import body as body_format
from dateline.news.models import Article, Publication, Topic
from dateline.pictures import renditions as picture_renditions
from dateline.pictures.models import Picture
from dateline.syndication import dates
from dateline.syndication.content import figure, make_links_absolute
from dateline.syndication.identity import absolute, site_url, story_uri
from dateline.syndication.renditions import STRUCTURED_DATA_RATIOS, rendition
from dateline.syndication.selectors import Story

STANDARD = {
    "name": "ninjs",
    "version": "2.2",
    "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json",
}
_TOPIC_FIELDS = {
    Topic.Kind.PERSON: "people",
    Topic.Kind.ORGANISATION: "organisations",
    Topic.Kind.PLACE: "places",
}


def picture_uri(picture: Picture) -> str:
    host = urlsplit(site_url()).hostname or "localhost"
    return f"tag:{host},{picture.created_at:%Y-%m-%d}:picture:{picture.pk}"


def _picture_name(pk: int) -> str:
    return f"picture-{pk}"


def _story_name(pk: int) -> str:
    return f"story-{pk}"


def _body(story: Story) -> str:
    """The stored body with each reference written as an association reference."""

    def picture(match: re.Match) -> str:
        pk = int(match.group(1))
        if pk not in story.pictures:
            return ""
        return figure(story.pictures[pk], assoc_ref=_picture_name(pk))

    def also_read(match: re.Match) -> str:
        linked = story.related.get(int(match.group(1)))
        if linked is None:
            return ""
        return (
            f'<p class="also-read" data-assoc-ref="{_story_name(linked.pk)}">'
            f"<strong>ALSO READ:</strong> "
            f'<a href="{escape(absolute(linked.get_absolute_url()))}">'
            f"{escape(linked.headline)}</a></p>"
        )

    def link(match: re.Match) -> str:
        linked = story.related.get(int(match.group(1)))
        if linked is None:
            return match.group(2)
        return (
            f'<a data-assoc-ref="{_story_name(linked.pk)}" '
            f'href="{escape(absolute(linked.get_absolute_url()))}">{match.group(2)}</a>'
        )

    html = body_format.PICTURE_REF.sub(picture, story.article.body or "")
    html = body_format.ALSO_READ_REF.sub(also_read, html)
    html = body_format.ARTICLE_LINK_REF.sub(link, html)
    return make_links_absolute(html)


def _full_picture(picture: Picture) -> dict:
    """The whole picture: its stored file when that was cleaned of where it was taken and
    the camera's details (pictures/metadata.py); for a picture stored before the library
    did that, its largest uncropped rendition, which is re-encoded and carries none."""
    if picture.metadata_cleaned:
        return {
            "name": "original",
            "href": absolute(picture.file.url),
            "contenttype": mimetypes.guess_type(picture.file.name)[0] or "image/jpeg",
            "width": picture.width,
            "height": picture.height,
        }
    full = rendition(picture, None, limit=picture_renditions.WIDTHS[-1])
    return {
        "name": "full",
        "href": full.url,
        "contenttype": full.content_type,
        "width": full.width,
        "height": full.height,
    }


def _picture_association(picture: Picture) -> dict:
    renditions = [_full_picture(picture)]
    for ratio in STRUCTURED_DATA_RATIOS:
        r = rendition(picture, ratio)
        renditions.append(
            {
                "name": ratio,
                "href": r.url,
                "contenttype": r.content_type,
                "width": r.width,
                "height": r.height,
            }
        )
    descriptions = []
    if picture.caption:
        descriptions.append({"role": "caption", "value": picture.caption})
    if picture.alt_text:
        descriptions.append({"role": "alternative", "value": picture.alt_text})
    association = {
        "name": _picture_name(picture.pk),
        "uri": picture_uri(picture),
        "type": "picture",
        "representationtype": "full",
        "renditions": renditions,
    }
    if picture.caption:
        association["headlines"] = [{"role": "main", "value": picture.caption}]
    if descriptions:
        association["descriptions"] = descriptions
    if picture.credit:
        association["by"] = picture.credit
        association["copyrightholder"] = picture.credit
    return association


def _story_association(article: Article) -> dict:
    return {
        "name": _story_name(article.pk),
        "uri": story_uri(article),
        "type": "text",
        "representationtype": "partial",
        "headlines": [{"role": "main", "value": article.headline}],
        "altids": [{"role": "url", "value": absolute(article.get_absolute_url())}],
    }


def story_document(story: Story, publication: Publication) -> dict:
    article = story.article
    zone = publication.zone
    document: dict = {
        "standard": STANDARD,
        "uri": story_uri(article),
        "type": "text",
        "representationtype": "full",
        "version": str(article.version),
        "firstcreated": dates.rfc3339(dates.published(article, zone)),
        "versioncreated": dates.rfc3339(dates.modified(article, zone)),
        "pubstatus": "usable",
        "language": article.language or publication.language,
        "copyrightholder": publication.name,
        "slugline": article.slug,
        "headlines": [{"role": "main", "value": article.headline}],
        "altids": [{"role": "url", "value": absolute(article.get_absolute_url())}],
        "bodies": [
            {
                "role": "main",
                "contenttype": "text/html",
                "wordcount": article.body_words,
                "value": _body(story),
            }
        ],
    }
    if article.standfirst_with_credit:
        document["descriptions"] = [
            {
                "role": "summary",
                "contenttype": "text/plain",
                "value": article.standfirst_with_credit,
            }
        ]
    if story.authors:
        document["by"] = ", ".join(a.name for a in story.authors)
    if article.located:
        document["located"] = article.located
    subjects = []
    if article.section:
        section = article.section
        subjects.append(
            {
                "name": section.name,
                "rel": "section",
                "uri": section.source_id or absolute(section.get_absolute_url()),
            }
        )
    subjects += [{"name": t.name, "uri": absolute(t.get_absolute_url())} for t in story.tags]
    if subjects:
        document["subjects"] = subjects
    for topic in story.topics:
        document.setdefault(_TOPIC_FIELDS[topic.kind], []).append(
            {"name": topic.name, "uri": absolute(topic.get_absolute_url())}
        )
    associations = []
    lead = story.pictures.get(article.lead_picture_id or 0)
    if lead is not None and lead.pk not in story.body_picture_ids:
        associations.append(_picture_association(lead))  # the one the body does not place
    associations += [_picture_association(story.pictures[pk]) for pk in story.body_picture_ids]
    associations += [_story_association(a) for a in story.related.values()]
    if associations:
        document["associations"] = associations
    return document


def last_modified(story: Story) -> dt.datetime:
    article = story.article
    return max(article.modified_at, article.published_at)
