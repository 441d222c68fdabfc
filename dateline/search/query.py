"""Readers' queries, parsed once and written out for each engine.

The syntax is the one web search engines taught everyone, and PostgreSQL's
`websearch_to_tsquery` reads: words (all must match), "a quoted phrase", -word or
-"phrase" to leave out, and `or` between alternatives. Anything else is text: a query is
hostile input and never reaches an engine's own query language unquoted, so no query can
fail to parse.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from dateline.core.text import html_to_text
from dateline.search.schema import ARABIC_MARKS, CJK

MAX_QUERY_CHARS = 200
MAX_TERMS = 12

_ARABIC = re.compile(f"[{ARABIC_MARKS}]")
_CJK_CHAR = re.compile(f"([{CJK}])")
_CJK_RUN = re.compile(f"[{CJK}]+")
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORDY = re.compile(r"\w", re.UNICODE)
# Control characters never belong in a query; the snippet markers are among them.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def index_text(value: str | None) -> str:
    """What is indexed of a stored field (sanitised HTML or plain text): its visible
    text, Arabic short vowels dropped, Han and kana characters set apart. SQLite's
    triggers call it as dateline_search_text(); PostgreSQL's search_text() does the same."""
    text = html_to_text(value or "") if "<" in (value or "") or "&" in (value or "") else value
    text = _ARABIC.sub("", text or "")
    return _CJK_CHAR.sub(r" \1 ", text)


def _words(text: str) -> str:
    """The words of `text` (letters, digits and the marks inside a word, as in Hindi's
    vowel signs), one space apart; Han and kana characters each a word."""
    text = _CJK_CHAR.sub(r" \1 ", _ARABIC.sub("", text))
    return "".join(c if unicodedata.category(c)[0] in "LNM" else " " for c in text).strip()


@dataclass(frozen=True)
class Term:
    text: str  # words, separated by single spaces; a phrase when more than one
    exclude: bool = False
    alternative: bool = False  # joined to the previous term by "or"


@dataclass(frozen=True)
class Query:
    raw: str
    terms: tuple[Term, ...]
    # The last word is still being typed (the newsroom's pickers): it matches as a prefix.
    prefix: str = ""

    @property
    def usable(self) -> bool:
        """Has something to look for: at least one word that is not left out."""
        return any(not t.exclude for t in self.terms)

    @property
    def single_word(self) -> str | None:
        if len(self.terms) == 1 and not self.terms[0].exclude and " " not in self.terms[0].text:
            return self.terms[0].text
        return None

    @property
    def _whole_terms(self) -> tuple[Term, ...]:
        return self.terms[:-1] if self.prefix else self.terms

    def websearch(self) -> str:
        """For PostgreSQL's websearch_to_tsquery (the prefix word apart)."""
        out = []
        for t in self._whole_terms:
            if t.alternative:
                out.append("or")
            text = f'"{t.text}"' if " " in t.text else t.text
            out.append(f"-{text}" if t.exclude else text)
        return " ".join(out)

    def fts5(self, columns: str = "") -> str:
        """For SQLite's FTS5 MATCH: every term a quoted string (its own syntax inert),
        alternatives in OR groups, exclusions with NOT after the rest. With `columns` (an
        FTS5 column filter), the words are looked for in those columns, the exclusions
        in every column still."""
        groups: list[list[str]] = []
        excluded = []
        for t in self.terms:
            quoted = '"' + t.text.replace('"', '""') + '"'
            if self.prefix and t is self.terms[-1]:
                quoted += " *"
            if t.exclude:
                excluded.append(quoted)
            elif t.alternative and groups:
                groups[-1].append(quoted)
            else:
                groups.append([quoted])
        expr = " AND ".join(g[0] if len(g) == 1 else "(" + " OR ".join(g) + ")" for g in groups)
        if columns:
            expr = f"{columns} : ({expr})"
        for quoted in excluded:
            expr = f"({expr}) NOT {quoted}"
        return expr


def parse(raw: str | None, *, prefix: bool = False) -> Query:
    """`raw` as terms; with `prefix`, a last plain word (the one being typed) also
    matches the words it begins."""
    raw = _CONTROL.sub(" ", (raw or "")[:MAX_QUERY_CHARS]).strip()
    terms: list[Term] = []
    pending_or = False
    for match in _TOKEN.finditer(raw):
        minus, phrase, word = match.groups()
        if word is not None:
            if word.lower() == "or" and terms:
                pending_or = True
                continue
            minus = "-" if word.startswith("-") and len(word) > 1 else ""
            word = word[1:] if minus else word
            # Punctuation around a word is not part of it ("ferry," or "(ferry)").
            text = " ".join(_words(word).split())
        else:
            text = " ".join(_words(phrase).split())
        if not text or not _WORDY.search(text):
            continue
        terms.append(Term(text=text, exclude=bool(minus), alternative=pending_or))
        pending_or = False
        if len(terms) >= MAX_TERMS:
            break
    last = terms[-1] if terms else None
    typing = (
        prefix
        and last is not None
        and not last.exclude
        and not last.alternative
        and " " not in last.text
        and not raw.endswith('"')
    )
    return Query(raw=raw, terms=tuple(terms), prefix=last.text if typing else "")
