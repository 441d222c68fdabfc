"""What an import stores, pinned byte for byte: the stories (body, derived counts and
teaser, address, state), their revisions and their audit entries, from samples of every
importer's path through the door (WordPress, ninjs, a generated export). A change that
only makes creating stories cheaper (issue 11, branch wire4) must leave this digest as
it was; one that means to change what is stored changes it on purpose."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from dateline.ingest.sources.ninjs import import_paths
from dateline.ingest.sources.wxr import import_wxr
from dateline.ingest.tests.wxr_factory import write_export
from dateline.news.models import Article, Revision
from dateline.newsroom.models import AuditEntry

FIXTURES = Path(__file__).parent / "fixtures"
_REF = re.compile(r'data-(article|picture)="(\d+)"')


def _digest() -> str:
    """The stored rows, with ids (which PostgreSQL's sequences make differ from run to
    run) named by the story's source id or left out (a static page's), and times left
    out."""
    by_id = dict(Article.objects.values_list("pk", "source_id"))

    def named(text: str) -> str:
        return _REF.sub(
            lambda m: f'data-{m[1]}="{by_id.get(int(m[2])) if m[1] == "article" else "p"}"',
            text,
        )

    stories = sorted(
        [a.source, a.source_id, a.headline, a.standfirst, named(a.body), a.body_words]
        + [a.teaser_source, a.slug, a.status, a.source_version, a.source_credit, a.language]
        for a in Article.objects.all()
    )
    revisions = sorted(
        [by_id[r.article_id], r.version, r.headline, named(r.body)] for r in Revision.objects.all()
    )
    audit = sorted(
        [e.action, e.actor_name, by_id.get(e.article_id), sorted(e.detail.items())]
        for e in AuditEntry.objects.all()
        for _ in [e.detail.pop("at", None), e.detail.pop("page", None)]
    )
    text = json.dumps([stories, revisions, audit], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.django_db
def test_what_an_import_stores_is_unchanged_byte_for_byte(tmp_path):
    import_wxr(FIXTURES / "wxr" / "newsroom-migration.xml")
    import_wxr(write_export(tmp_path / "export.xml", 120))
    for scenario in ("related-any-order", "embargo", "picture-problems"):
        import_paths([FIXTURES / "ninjs" / scenario])
    assert Article.objects.count() > 130
    assert _digest() == "58f050736f1e67f7ff368bdf99fdc583566b372a300e298c9ca42c9e3c5a4e57"


@pytest.mark.django_db
def test_what_real_world_exports_store_is_unchanged_byte_for_byte(shared_dir):
    """WordPress's own importer test exports: hostile markup, misnesting, entities."""
    for path in sorted((shared_dir / "corpora" / "wxr").glob("*/*.xml")):
        import_wxr(path)
    assert _digest() == "4ddd52d31f2860899391533af22550a884e74c022faa170b40acaff2991aa19b"
