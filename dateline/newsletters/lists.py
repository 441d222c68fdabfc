"""The lists a reader may subscribe to: the daily briefing, breaking news, and one per
section in the site's navigation. Named by key: "briefing", "breaking", "section:<id>"."""

from __future__ import annotations

from dataclasses import dataclass

from dateline.news.models import Section

BRIEFING = "briefing"
BREAKING = "breaking"
SECTION_PREFIX = "section:"


@dataclass(frozen=True)
class NewsletterList:
    key: str
    name: str
    about: str
    section_id: int | None = None


def section_key(section_id: int) -> str:
    return f"{SECTION_PREFIX}{section_id}"


def available(sections: list[Section]) -> list[NewsletterList]:
    """Every list, in the order the sign-up page shows them; `sections` as the site's
    navigation has them (site_context().sections), so the page is kept under "sections"."""
    return [
        NewsletterList(BRIEFING, "The daily briefing", "The front page's stories each morning."),
        NewsletterList(BREAKING, "Breaking news", "A mail when the desk sends an alert."),
        *(
            NewsletterList(
                section_key(s.pk), s.name, f"The newest stories in {s.name}, daily.", s.pk
            )
            for s in sections
        ),
    ]


def all_lists() -> list[NewsletterList]:
    return available(list(Section.objects.filter(in_navigation=True)))


def by_key(key: str) -> NewsletterList | None:
    if key in (BRIEFING, BREAKING):
        return next(x for x in available([]) if x.key == key)
    if key.startswith(SECTION_PREFIX) and key[len(SECTION_PREFIX) :].isdigit():
        section = Section.objects.filter(pk=int(key[len(SECTION_PREFIX) :])).first()
        if section is not None:
            return available([section])[2]
    return None
