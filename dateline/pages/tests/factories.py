"""Pages for tests, made through the newsroom's actions as a person would."""

from __future__ import annotations

from dateline.newsroom.actions.pages import footer_set, page_publish, page_save
from dateline.newsroom.actors import command_line_actor
from dateline.pages.models import Page


def page(
    *,
    title: str = "About us",
    slug: str = "",
    body: str = "<p>Who we are and how to reach us.</p>",
    description: str = "",
    publish: bool = True,
    by=None,
) -> Page:
    by = by or command_line_actor()
    made = page_save(page=Page(), by=by, title=title, slug=slug, description=description, body=body)
    if publish:
        page_publish(page=made, by=by)
    return made


def footer(*pages: Page, by=None) -> None:
    footer_set(pages=list(pages), by=by or command_line_actor())
