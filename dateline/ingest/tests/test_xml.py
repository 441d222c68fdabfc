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


LAUGHS = (
    '<?xml version="1.0" encoding="{encoding}"?>\n'
    '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    "<r>&b;</r>"
)


def _refused_everywhere(doc: bytes, tmp_path) -> None:
    """Refused by each way in: whole documents, files streamed from disk or from a stream,
    and the head check that feedparser's input goes through (sources/rss.py)."""
    from dateline.ingest.sources.entry import DocumentError
    from dateline.ingest.sources.rss import parse as rss_parse

    with pytest.raises(XMLRefused):
        parse_bytes(doc)
    path = tmp_path / "doc.xml"
    path.write_bytes(doc)
    with pytest.raises(XMLRefused):
        list(iterparse(path, tag="r"))
    with pytest.raises(XMLRefused):
        list(iterparse(io.BytesIO(doc), tag="r"))
    with pytest.raises(DocumentError):
        rss_parse(doc, source="wire:1")


@pytest.mark.parametrize(
    "codec,encoding",
    [
        ("utf-16", "UTF-16"),  # with its byte order mark, little-endian here
        ("utf-16-be", "UTF-16"),  # no mark: told by the first bytes, as XML 1.0 F.1 says
        ("utf-16-le", "UTF-16"),
        ("utf-8-sig", "UTF-8"),
        ("utf-32", "UTF-32"),
        ("latin-1", "ISO-8859-1"),
        ("cp1252", "windows-1252"),
        ("shift_jis", "Shift_JIS"),  # a multi-byte encoding expat does not know itself
    ],
)
def test_entity_declarations_are_refused_in_any_encoding(codec, encoding, tmp_path):
    _refused_everywhere(LAUGHS.format(encoding=encoding).encode(codec), tmp_path)


@pytest.mark.parametrize(
    "prologue",
    [
        "<!-- " + "x" * 70_000 + " -->",  # longer than any fixed head
        "<!-- a -->" * 10_000,
        "<?pi " + "y" * 70_000 + "?>",
        "\n" * 70_000,
        "<!-- <!DOCTYPE x> -->",  # a comment that looks like the declaration
        "<?pi <!DOCTYPE x> ?>",
    ],
)
def test_entity_declarations_are_refused_after_any_prologue(prologue, tmp_path):
    doc = f"<?xml version='1.0'?>{prologue}<!DOCTYPE r [<!ENTITY e 'boom'>]><r>&e;</r>"
    _refused_everywhere(doc.encode(), tmp_path)


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE r [<!-- ]> --><!ENTITY e "boom">]>',  # "]>" inside a comment
        '<!DOCTYPE r [<!ATTLIST r a CDATA "]>"><!ENTITY e "boom">]>',  # inside a literal
        '<!DOCTYPE r [<?pi ]>?><!ENTITY e "boom">]>',
        '<!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1/evil.dtd">%p;]>',
        '<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE r SYSTEM "http://127.0.0.1/evil.dtd">',
        '<!DOCTYPE r PUBLIC "-//EVIL//DTD//EN" "http://127.0.0.1/evil.dtd">',
        '<!DOCTYPE r [<!NOTATION n SYSTEM "x"><!ENTITY u SYSTEM "y" NDATA n>]>',
    ],
)
def test_every_way_of_declaring_an_entity_or_a_dtd_is_refused(doctype, tmp_path):
    _refused_everywhere(f"<?xml version='1.0'?>{doctype}<r>&e;</r>".encode(), tmp_path)


@pytest.mark.parametrize(
    "codec,encoding,text",
    [
        ("utf-16", "UTF-16", "Zoë 日本"),
        ("latin-1", "ISO-8859-1", "Zoë"),
        ("cp1252", "windows-1252", "Zoë – “quoted”"),
        ("shift_jis", "Shift_JIS", "日本"),
    ],
)
def test_plain_documents_in_any_encoding_parse(codec, encoding, text):
    doc = f'<?xml version="1.0" encoding="{encoding}"?><!-- {text} --><!DOCTYPE r><r>{text}</r>'
    assert parse_bytes(doc.encode(codec)).text == text


def test_a_document_whose_root_is_not_in_its_first_64_kb_is_refused():
    doc = b"<?xml version='1.0'?><!-- " + b"x" * 70_000 + b" --><r>text</r>"
    with pytest.raises(XMLRefused, match="no root element within"):
        parse_bytes(doc)
    with pytest.raises(XMLRefused, match="encoding 'x-unheard-of' is not one we read"):
        parse_bytes(b"<?xml version='1.0' encoding='x-unheard-of'?><r/>")
