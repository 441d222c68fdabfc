"""XML from outside: XXE and entity-expansion documents are refused before parsing."""

from __future__ import annotations

import io

import pytest

from dateline.ingest.xml import XMLRefused, iterparse, parse_bytes


def test_every_xxe_and_billion_laughs_sample_is_refused(shared_dir):
    folder = shared_dir / "corpora" / "security" / "xxe"
    samples = [p for p in folder.iterdir() if p.is_file()]
    assert len(samples) >= 5
    for path in samples:
        data = path.read_bytes()
        with pytest.raises(XMLRefused):
            parse_bytes(data)
        with pytest.raises(XMLRefused):
            list(iterparse(path, tag="data"))


def test_entity_declarations_after_a_long_prologue_are_still_refused():
    doc = (
        b"<?xml version='1.0'?>\n<!-- "
        + b"x" * 30000
        + b' -->\n<!DOCTYPE r [<!ENTITY e "boom">]><r>&e;</r>'
    )
    with pytest.raises(XMLRefused):
        parse_bytes(doc)


def test_plain_documents_parse_and_stream():
    root = parse_bytes(b"<feed><entry>one</entry><entry>two</entry></feed>")
    assert [e.text for e in root] == ["one", "two"]
    texts = [e.text for e in iterparse(io.BytesIO(b"<a><b>1</b><b>2</b></a>"), tag="b")]
    assert texts == ["1", "2"]


def test_malformed_xml_is_a_clear_refusal():
    with pytest.raises(XMLRefused, match="not well-formed"):
        parse_bytes(b"<a><b></a>")


def test_entity_text_inside_the_document_is_not_a_declaration():
    doc = (
        b"<?xml version='1.0'?><!-- an export --><rss><item><![CDATA[How <!DOCTYPE x "
        b'[<!ENTITY e SYSTEM "file:///etc/passwd">]> attacks work]]></item></rss>'
    )
    assert "attacks work" in parse_bytes(doc)[0].text


def test_a_plain_doctype_without_entities_is_allowed():
    assert parse_bytes(b"<?xml version='1.0'?>\n<!DOCTYPE rss>\n<rss><a/></rss>").tag == "rss"
