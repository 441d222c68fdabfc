"""A story's history at the desk: every action and note beside its revisions, in time order,
and two revisions side by side with what changed marked.

The comparison is made here, on the server, with difflib: block by block (a paragraph, a
crosshead, a quotation), then word by word inside a changed block. Everything is returned as
plain text segments, which the template escapes: a body's markup never reaches the page as
markup."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from dateline.core.text import html_to_text
from dateline.news.models import Article, Revision

_BLOCK_END = re.compile(r"(</(?:p|h2|h3|h4|blockquote|li|figure)>)")
_PICTURE = re.compile(r'<figure data-picture="(\d+)"')
_ALSO = re.compile(r'<p class="also-read" data-article="(\d+)"')
_EMBED = re.compile(r'<figure data-embed="([a-z]+)" data-url="([^"]*)"')
_WORDS = re.compile(r"\s+|[^\s]+")


def _block_text(block: str) -> str:
    """What a writer reads of one block: its words, or a name for a reference."""
    if m := _PICTURE.search(block):
        return f"[picture {m.group(1)}]"
    if m := _ALSO.search(block):
        return f"[ALSO READ story {m.group(1)}]"
    if m := _EMBED.search(block):
        return f"[{m.group(1)} embed {m.group(2)}]"
    text = html_to_text(block)
    if block.lstrip().startswith(("<h2", "<h3")):
        return f"## {text}"
    if block.lstrip().startswith("<blockquote"):
        return f"> {text}"
    return text


def _blocks(field: str, value: str) -> list[str]:
    if field != "body":
        return [value] if value else []
    parts = _BLOCK_END.sub(r"\1\n", value or "").splitlines()
    return [t for t in (_block_text(p) for p in parts if p.strip()) if t]


@dataclass
class Row:
    """One line of the side-by-side view: the old block and the new, each a list of
    (changed, text) segments; `kind` is "same", "changed", "removed" or "added"."""

    kind: str
    old: list[tuple[bool, str]]
    new: list[tuple[bool, str]]


def _words(old: str, new: str) -> tuple[list[tuple[bool, str]], list[tuple[bool, str]]]:
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    left: list[tuple[bool, str]] = []
    right: list[tuple[bool, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            left.append((False, "".join(a[i1:i2])))
            right.append((False, "".join(b[j1:j2])))
            continue
        if i2 > i1:
            left.append((True, "".join(a[i1:i2])))
        if j2 > j1:
            right.append((True, "".join(b[j1:j2])))
    return left, right


def side_by_side(field: str, old: str, new: str) -> list[Row]:
    a, b = _blocks(field, old), _blocks(field, new)
    rows: list[Row] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            rows += [Row("same", [(False, x)], [(False, x)]) for x in a[i1:i2]]
        elif op == "delete":
            rows += [Row("removed", [(True, x)], []) for x in a[i1:i2]]
        elif op == "insert":
            rows += [Row("added", [], [(True, x)]) for x in b[j1:j2]]
        else:
            olds, news = a[i1:i2], b[j1:j2]
            for k in range(max(len(olds), len(news))):
                if k < len(olds) and k < len(news):
                    left, right = _words(olds[k], news[k])
                    rows.append(Row("changed", left, right))
                elif k < len(olds):
                    rows.append(Row("removed", [(True, olds[k])], []))
                else:
                    rows.append(Row("added", [], [(True, news[k])]))
    return rows


@dataclass
class Event:
    at: object
    who: str
    what: str
    text: str = ""
    version: int | None = None


_ACTION_NAMES = {
    "submit": "submitted it for review",
    "approve": "approved it",
    "return": "sent it back",
    "publish": "published it",
    "schedule": "scheduled it",
    "unpublish": "unpublished it",
    "withdraw": "withdrew it",
    "correct": "corrected it",
    "propose": "proposed a change",
    "reopen": "reopened it (changed after submission)",
    "assign": "assigned it",
    "note": "wrote a note",
    "picture_edit": "changed a picture on it",
    "restore": "restored a revision",
}


def timeline(article: Article) -> list[Event]:
    """Revisions, actions and notes of `article`, newest first."""
    events: list[Event] = []
    notes = {n.pk: n for n in article.notes.all()}
    for entry in article.audit_entries.all():
        detail = entry.detail or {}
        what = _ACTION_NAMES.get(entry.action, entry.action)
        text = ""
        if entry.action == "note":
            note = notes.get(detail.get("note"))
            text = note.text if note else ""
        elif entry.action == "assign":
            what = f"assigned it to {detail.get('to')}" if detail.get("to") else "unassigned it"
        elif detail.get("note"):
            text = str(detail["note"])
        if entry.action == "schedule" and detail.get("at"):
            what = f"scheduled it for {detail['at']}"
        events.append(Event(entry.at, entry.actor_name or "someone", what, text))
    for revision in article.revisions.select_related("saved_by"):
        who = revision.saved_by.get_username() if revision.saved_by_id else "import"
        what = "proposed version" if revision.pending else "saved version"
        events.append(
            Event(revision.saved_at, who, f"{what} {revision.version}", "", revision.version)
        )
    events.sort(key=lambda e: e.at, reverse=True)
    return events


def _number(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def story_history(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    revisions: list[Revision] = list(article.revisions.filter(pending=False))
    by_version = {r.version: r for r in revisions}
    newest = revisions[0] if revisions else None
    older = revisions[1] if len(revisions) > 1 else newest
    a = by_version.get(_number(request.GET.get("a")), older)
    b = by_version.get(_number(request.GET.get("b")), newest)
    compared = []
    if a and b:
        for field, label in (
            ("headline", "Headline"),
            ("standfirst", "Standfirst"),
            ("body", "Body"),
        ):
            rows = side_by_side(field, getattr(a, field), getattr(b, field))
            compared.append((label, rows, any(r.kind != "same" for r in rows)))
    return render(
        request,
        "newsroom/desk/history.html",
        {
            "article": article,
            "events": timeline(article),
            "revisions": revisions,
            "a": a,
            "b": b,
            "compared": compared,
        },
    )
