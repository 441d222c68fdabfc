"""XML from outside: parsed with lxml with entities, DTD loading and network access off,
and any document that declares a DOCTYPE with entities (XXE, billion laughs) refused before
parsing starts. No format we take in (WXR, NewsML-G2, NITF, RSS/Atom) needs a DTD."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from lxml import etree


class XMLRefused(ValueError):
    """The document is not XML we will parse; the message says why."""


# A DOCTYPE, if there is one, is in the prolog, before the root element: the head of the
# file shows it. Only the prolog is looked at, so a story that quotes "<!ENTITY" in its
# text (a CDATA section about XXE, say) is not mistaken for a declaration.
_HEAD_BYTES = 64 * 1024
_PROLOG_ITEM = re.compile(rb"\s*(<\?.*?\?>|<!--.*?-->)", re.S)
_DOCTYPE = re.compile(rb"\s*<!DOCTYPE\b", re.I)


def _doctype(head: bytes) -> bytes | None:
    position = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    while match := _PROLOG_ITEM.match(head, position):
        position = match.end()
    doctype = _DOCTYPE.match(head, position)
    if doctype is None:
        return None
    # To the end of the declaration: its internal subset, if any, ends with "]>".
    rest = head[doctype.end() :]
    subset_end = rest.find(b"]>") if b"[" in rest.split(b">", 1)[0] else -1
    return rest[: subset_end + 2] if subset_end >= 0 else rest.split(b">", 1)[0]


def check_head(head: bytes) -> None:
    """Refuse entity declarations and external DTDs, fast, from the first bytes."""
    doctype = _doctype(head)
    if doctype is None:
        return
    if re.search(rb"<!ENTITY", doctype, re.I):
        raise XMLRefused("the document declares entities (XXE / entity expansion); refused")
    if re.search(rb"\b(SYSTEM|PUBLIC)\b", doctype):
        raise XMLRefused("the document refers to an external DTD; refused")


def _parser(**options) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, **options
    )


def parse_bytes(data: bytes, *, recover: bool = False) -> etree._Element:
    check_head(data[:_HEAD_BYTES])
    try:
        return etree.fromstring(data, parser=_parser(recover=recover))
    except etree.XMLSyntaxError as exc:
        raise XMLRefused(f"not well-formed XML: {exc}") from None


def iterparse(source: Path | BinaryIO, *, tag: str | tuple[str, ...]) -> Iterator[etree._Element]:
    """Stream the elements named `tag`, each freed once the caller is done with it, so memory
    stays flat whatever the file's size."""
    if isinstance(source, Path):
        with source.open("rb") as fh:
            check_head(fh.read(_HEAD_BYTES))
    context = etree.iterparse(
        source if not isinstance(source, Path) else str(source),
        events=("end",),
        tag=tag,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=False,
    )
    try:
        for _, element in context:
            yield element
            element.clear(keep_tail=True)
            # Siblings already handled stay referenced by the root unless removed.
            while element.getprevious() is not None:
                del element.getparent()[0]
    except etree.XMLSyntaxError as exc:
        raise XMLRefused(f"not well-formed XML: {exc}") from None


def remove_keeping_tail(element) -> None:
    """Remove an element but keep the text that follows it (its tail) in the document."""
    parent = element.getparent()
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)
