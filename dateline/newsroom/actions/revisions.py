"""Compare and restore revisions of a story."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.db import transaction

from dateline.news import services as news
from dateline.news.models import Article, Revision, Status
from dateline.newsroom.actions.base import (
    EDITORS,
    ActionRefused,
    _audit,
    _locked,
    _reopen_if_reviewed,
    _require,
    _require_own,
    _reviewed_state,
)
from dateline.newsroom.actions.workflow import _proposal_file
from dateline.newsroom.actors import is_person
from dateline.newsroom.roles import Role

_BLOCK_END = re.compile(r"(</(?:p|h2|h3|h4|blockquote|li|figure)>)")


@dataclass
class FieldDiff:
    field: str
    lines: list[tuple[str, str]]  # ("-" removed, "+" added, " " kept), text

    @property
    def changed(self) -> bool:
        return any(kind != " " for kind, _ in self.lines)


def _lines(field: str, value: str) -> list[str]:
    if field != "body":
        return [value]
    # One line per block, so a diff reads paragraph by paragraph.
    return [part.strip() for part in _BLOCK_END.sub(r"\1\n", value).splitlines() if part.strip()]


def revision_diff(old: Revision, new: Revision) -> list[FieldDiff]:
    """A readable diff of headline, standfirst and body between two revisions."""
    result = []
    for field in ("headline", "standfirst", "body"):
        a, b = _lines(field, getattr(old, field)), _lines(field, getattr(new, field))
        lines = []
        for line in difflib.ndiff(a, b):
            kind = line[:1]
            if kind in ("-", "+", " "):
                lines.append((kind, line[2:]))
        result.append(FieldDiff(field, lines))
    return result


@transaction.atomic
def article_restore(*, article: Article, revision: Revision, by, expected_version=None) -> Article:
    """Bring back the headline, standfirst and body of `revision`. A draft takes it as a new
    save; a live or scheduled story gets it as a proposal, reviewed like any other change
    while the published text stays up. Only the story's writer or an editor may, and only
    from the version they were looking at."""
    _require(by, {Role.WRITER, *EDITORS}, "restore a revision")
    if revision.article_id != article.pk:
        raise ActionRefused("That revision belongs to another story.")
    article, workflow = _locked(article)
    _require_own(by, article, "restore a revision of it")
    if expected_version is not None and article.version != expected_version:
        raise ActionRefused(str(news.EditConflict(article, expected_version)))
    if article.status == Status.PUBLISHED:
        _proposal_file(
            article,
            workflow,
            by=by,
            headline=revision.headline,
            standfirst=revision.standfirst,
            body=revision.body,
        )
        _audit(by, "propose", article, restored_from=revision.version)
        return article
    before = _reviewed_state(article.pk)
    article.headline = revision.headline
    article.standfirst = revision.standfirst
    article.body = revision.body
    try:
        news.article_save(
            article=article,
            expected_version=expected_version,
            by=by if is_person(by) else None,
        )
    except news.EditConflict as exc:
        raise ActionRefused(str(exc)) from None
    _audit(by, "restore", article, version=revision.version)
    _reopen_if_reviewed(article, workflow, by, before)
    return article
