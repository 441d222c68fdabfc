"""The checklist run before a story is published: what blocks it, what only warns, and
what to do about each."""

from __future__ import annotations

from dataclasses import dataclass

from dateline.core.text import html_to_text
from dateline.news import body as body_format
from dateline.news.models import Article
from dateline.pictures.models import Picture

HEADLINE_MAX = 110  # longer headlines are cut in search results and on phones


@dataclass(frozen=True)
class Finding:
    blocking: bool
    message: str


def preflight(article: Article, *, pictures: dict[int, Picture] | None = None) -> list[Finding]:
    """What stands before publishing `article`. `pictures`, when given, holds the pictures it
    uses (read for a whole batch at once); otherwise they are read here."""
    found: list[Finding] = []
    headline = article.headline.strip()
    if not headline:
        found.append(Finding(True, "Add a headline."))
    elif len(headline) > HEADLINE_MAX:
        found.append(
            Finding(
                False,
                f"The headline has {len(headline)} characters; "
                f"over {HEADLINE_MAX} it is cut in search results.",
            )
        )
    if not html_to_text(article.body):
        found.append(Finding(True, "The body is empty: write the story."))
    if not article.standfirst.strip():
        found.append(Finding(False, "Add a standfirst: it is the summary readers see first."))
    if not article.section_id:
        found.append(Finding(True, "Choose a section."))
    picture_ids, _ = body_format.references(article.body)
    if article.lead_picture_id:
        picture_ids.add(article.lead_picture_id)
    if pictures is None:
        used = list(Picture.objects.filter(pk__in=picture_ids)) if picture_ids else []
    else:
        used = [pictures[pk] for pk in sorted(picture_ids) if pk in pictures]
    for picture in used:
        name = picture.caption or picture.file.name
        if not picture.credit.strip():
            found.append(Finding(True, f"Give the picture “{name}” a credit."))
        if not picture.alt_text.strip():
            found.append(Finding(True, f"Describe the picture “{name}” in its alt text."))
    return found


def blocking(findings: list[Finding]) -> list[str]:
    return [f.message for f in findings if f.blocking]
