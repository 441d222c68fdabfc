"""XML from outside: parsed with lxml with entities, DTD loading and network access off,
and any document that declares entities (XXE, billion laughs) or names an external DTD
refused before parsing starts. No format we take in (WXR, NewsML-G2, NITF, RSS/Atom)
needs either."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from xml.parsers import expat

from lxml import etree


class XMLRefused(ValueError):
    """The document is not XML we will parse; the message says why."""


# A DOCTYPE, if there is one, is in the prolog, before the root element. The prolog is read
# by a real XML parser (expat), as text decoded the way XML 1.0 appendix F says, so no
# encoding (UTF-16, say), comment, processing instruction or quoted "]>" hides a
# declaration from it; and only the prolog is read, so a story that quotes "<!ENTITY" in
# its text (a CDATA section about XXE, say) is not mistaken for one. The root element must
# begin within the first 64 KB: no real document has a longer prolog, and a check that
# gave up there would let whatever follows through.
_HEAD_BYTES = 64 * 1024

# Appendix F: a byte order mark, else the first four bytes of "<?xml" tell the family; an
# ASCII-compatible document's declaration names the rest.
_MARKS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)
_FIRST_BYTES = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
)
_DECLARED = re.compile(rb"<\?xml\s[^>]*?\bencoding\s*=\s*[\"']([A-Za-z][\w.:-]*)[\"']")


def _encoding(head: bytes) -> tuple[str, bytes]:
    """The codec to read `head` with, and `head` without its byte order mark."""
    for mark, codec in _MARKS:
        if head.startswith(mark):
            return codec, head[len(mark) :]
    for first, codec in _FIRST_BYTES:
        if head.startswith(first):
            return codec, head
    declared = _DECLARED.match(head)
    if declared is None:
        return "utf-8", head
    name = declared.group(1).decode("ascii")
    try:
        return codecs.lookup(name).name, head
    except LookupError:
        raise XMLRefused(f"the document's encoding {name!r} is not one we read") from None


class _PrologEnd(Exception):
    """The root element began."""


def _refuse_entity(*_args) -> None:
    raise XMLRefused("the document declares entities (XXE / entity expansion); refused")


def _refuse_external_dtd(_name, system_id, public_id, _has_internal_subset) -> None:
    if system_id or public_id:
        raise XMLRefused("the document refers to an external DTD; refused")


def _prolog_end(*_args) -> None:
    raise _PrologEnd


def check_head(head: bytes) -> None:
    """Refuse entity declarations and external DTDs, fast, from the document's first
    _HEAD_BYTES (the whole document when it is shorter)."""
    codec, data = _encoding(head[:_HEAD_BYTES])
    # Not final: the head may end inside a character. Undecodable bytes become U+FFFD,
    # which the parser refuses if they are in the prolog and never reads if they are not
    # (real feeds mislabel their encoding; feedparser copes with that in their content).
    text = codecs.getincrementaldecoder(codec)(errors="replace").decode(data, final=False)
    # Whitespace before the declaration, the commonest flaw in real feeds, hides nothing.
    text = text.lstrip()
    # Given text, expat reads UTF-8 whatever the declaration says: the declaration was
    # already obeyed in decoding.
    parser = expat.ParserCreate("utf-8")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_external_dtd
    parser.EntityDeclHandler = _refuse_entity
    parser.UnparsedEntityDeclHandler = _refuse_entity
    parser.StartElementHandler = _prolog_end
    try:
        parser.Parse(text, False)
    except _PrologEnd:
        return
    except expat.ExpatError as exc:
        raise XMLRefused(f"not well-formed XML before its root element: {exc}") from None
    raise XMLRefused(f"no root element within the document's first {_HEAD_BYTES // 1024} KB")


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
    else:
        start = source.tell()
        check_head(source.read(_HEAD_BYTES))
        source.seek(start)
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
