"""The index's tables and triggers, per engine (installed by migrations/0001_search_index.py).

Triggers rather than a call from `news.services`: `news` never imports `search`, and
importers and the benchmark write stories in bulk SQL; a trigger sees every write. What
they keep in step, for each story: its status, times and section, and its text — headline,
standfirst, body (tags stripped), and the names of its authors, topics and tags — as
PostgreSQL's weighted tsvector or SQLite's FTS5 content.

Both engines index the same text, prepared alike: HTML tags dropped, Arabic short vowels
(harakat) dropped, and each Han or kana character set apart by spaces, because Chinese and
Japanese have no spaces between words; a query's run of such characters becomes a phrase of
single characters (dateline/search/query.py), which finds a word of any length.
"""

from __future__ import annotations

import unicodedata

# Arabic harakat, tanwin, shadda, sukun and the dagger alif: written on some words only.
ARABIC_MARKS = "\u064b-\u065f\u0670"
# Han (with extensions A and compatibility), hiragana and katakana.
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

# The vowel signs and viramas of the Indic scripts are combining marks, which SQLite's
# unicode61 tokenizer takes for separators ("भारत" would be "भ" + "रत"); declared token
# characters they stay inside their word, as PostgreSQL's parser keeps them.
INDIC_MARKS = "".join(
    chr(c) for c in range(0x0900, 0x0E00) if unicodedata.category(chr(c)) in ("Mn", "Mc")
)

# BCP 47 primary language → PostgreSQL's text search configuration (stemmer, stop words).
# Any other language gets "simple": words lower-cased, not stemmed.
PG_CONFIGS = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "da": "danish",
    "nl": "dutch", "en": "english", "fi": "finnish", "fr": "french", "de": "german",
    "el": "greek", "hi": "hindi", "hu": "hungarian", "id": "indonesian", "ga": "irish",
    "it": "italian", "lt": "lithuanian", "ne": "nepali", "no": "norwegian", "nb": "norwegian",
    "nn": "norwegian", "pt": "portuguese", "ro": "romanian", "ru": "russian", "sr": "serbian",
    "es": "spanish", "sv": "swedish", "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}  # fmt: skip

DOCUMENT = "search_searchdocument"

_LABELS = """
SELECT x.name FROM news_author x JOIN news_article_authors r ON r.author_id = x.id
  WHERE r.article_id = a.id
UNION ALL SELECT x.name FROM news_topic x JOIN news_article_topics r ON r.topic_id = x.id
  WHERE r.article_id = a.id
UNION ALL SELECT x.name FROM news_tag x JOIN news_article_tags r ON r.tag_id = x.id
  WHERE r.article_id = a.id
"""

_LABEL_LINKS = (
    ("news_author", "news_article_authors", "author_id"),
    ("news_topic", "news_article_topics", "topic_id"),
    ("news_tag", "news_article_tags", "tag_id"),
)


# PostgreSQL


def _pg_config_case() -> str:
    whens = " ".join(f"WHEN '{code}' THEN '{name}'" for code, name in PG_CONFIGS.items())
    return f"CASE split_part(lower(p.language), '-', 1) {whens} ELSE 'simple' END"


POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    f"ALTER TABLE {DOCUMENT} ADD COLUMN document tsvector NOT NULL DEFAULT ''::tsvector",
    f"CREATE INDEX search_document_gin ON {DOCUMENT} USING gin (document)",
    # Words of visible and newsroom headlines and standfirsts, for "did you mean"; a
    # suggestion is shown only when the reader's own search finds it (selectors).
    "CREATE TABLE search_word (word text PRIMARY KEY)",
    "CREATE INDEX search_word_trgm ON search_word USING gin (word gin_trgm_ops)",
    f"""
CREATE FUNCTION search_config() RETURNS regconfig LANGUAGE sql STABLE AS $$
  SELECT COALESCE(
    (SELECT c.oid::regconfig FROM pg_ts_config c, (
       SELECT language FROM news_publication ORDER BY id LIMIT 1) p
     WHERE c.cfgname = {_pg_config_case()}),
    'english'::regconfig)
$$""",
    f"""
CREATE FUNCTION search_text(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT regexp_replace(regexp_replace(translate(
    replace(replace(replace(replace(replace(replace(
      regexp_replace(coalesce(t, ''), '<[^>]*>', ' ', 'g'),
      '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&#39;', ''''), '&nbsp;', ' '),
      '&amp;', '&'),
    -- Text that reads like a tag ("&lt;script&gt;" in a story) is words to a reader;
    -- the parser would take it for markup and skip it.
    '<>', '  '),
    '[{ARABIC_MARKS}]', '', 'g'),
    '([{CJK}])', ' \\1 ', 'g')
$$""",
    f"""
CREATE FUNCTION search_refresh(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  cfg regconfig := search_config();
BEGIN
  INSERT INTO {DOCUMENT} AS d
    (article_id, status, published_at, recency_at, section_id, document)
  SELECT a.id, a.status, a.published_at, COALESCE(a.published_at, a.modified_at),
    a.section_id,
    setweight(to_tsvector(cfg, unaccent(search_text(a.headline))), 'A')
    || setweight(to_tsvector(cfg, unaccent(search_text(a.standfirst))), 'B')
    || setweight(to_tsvector(cfg, unaccent(search_text(
         (SELECT string_agg(n.name, ' ') FROM ({_LABELS}) n)))), 'B')
    || setweight(to_tsvector(cfg, unaccent(search_text(a.body))), 'C')
  FROM news_article a WHERE a.id = ANY(ids)
  ON CONFLICT (article_id) DO UPDATE SET status = EXCLUDED.status,
    published_at = EXCLUDED.published_at, recency_at = EXCLUDED.recency_at,
    section_id = EXCLUDED.section_id, document = EXCLUDED.document;
  INSERT INTO search_word (word)
  SELECT DISTINCT w FROM news_article a,
    unnest(tsvector_to_array(to_tsvector('simple',
      search_text(a.headline || ' ' || a.standfirst)))) w
  WHERE a.id = ANY(ids) AND a.status <> 'placeholder' AND length(w) BETWEEN 3 AND 40
  ON CONFLICT DO NOTHING;
END
$$""",
    f"""
CREATE FUNCTION search_on_article() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM {DOCUMENT} WHERE article_id IN (SELECT id FROM old_rows);
  ELSE
    PERFORM search_refresh(ARRAY(SELECT id FROM new_rows));
  END IF;
  RETURN NULL;
END
$$""",
    # Statement triggers with transition tables: a bulk insert of a million stories
    # indexes them in one pass, not a million.
    """CREATE TRIGGER search_article_insert AFTER INSERT ON news_article
       REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
       EXECUTE FUNCTION search_on_article()""",
    """CREATE TRIGGER search_article_update AFTER UPDATE ON news_article
       REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
       EXECUTE FUNCTION search_on_article()""",
    """CREATE TRIGGER search_article_delete AFTER DELETE ON news_article
       REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
       EXECUTE FUNCTION search_on_article()""",
    """
CREATE FUNCTION search_on_link() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM search_refresh(ARRAY(SELECT article_id FROM old_rows));
  ELSE
    PERFORM search_refresh(ARRAY(SELECT article_id FROM new_rows));
  END IF;
  RETURN NULL;
END
$$""",
    *(
        f"""CREATE TRIGGER search_{link}_{op.lower()} AFTER {op} ON {link}
            REFERENCING {"OLD" if op == "DELETE" else "NEW"} TABLE AS
            {"old_rows" if op == "DELETE" else "new_rows"} FOR EACH STATEMENT
            EXECUTE FUNCTION search_on_link()"""
        for _, link, _ in _LABEL_LINKS
        for op in ("INSERT", "DELETE")
    ),
    *(
        f"""
CREATE FUNCTION search_on_{label}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM search_refresh(ARRAY(
    SELECT r.article_id FROM {link} r JOIN new_rows n ON n.id = r.{column}));
  RETURN NULL;
END
$$"""
        for label, link, column in _LABEL_LINKS
    ),
    *(
        f"""CREATE TRIGGER search_{label}_rename AFTER UPDATE ON {label}
            REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
            EXECUTE FUNCTION search_on_{label}()"""
        for label, _, _ in _LABEL_LINKS
    ),
    # The publication's language chooses the stemmer: a change re-indexes every story.
    """
CREATE FUNCTION search_on_language() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM search_refresh(ARRAY(SELECT id FROM news_article));
  RETURN NULL;
END
$$""",
    """CREATE TRIGGER search_publication_language AFTER INSERT OR UPDATE OF language
       ON news_publication FOR EACH ROW EXECUTE FUNCTION search_on_language()""",
    "SELECT search_refresh(ARRAY(SELECT id FROM news_article))",
]


# SQLite

_TOKENCHARS = INDIC_MARKS.replace("'", "''")
SQLITE_TOKENIZER = f"porter unicode61 remove_diacritics 2 tokenchars '{_TOKENCHARS}'"
# Unstemmed words, accents kept, for "did you mean".
SQLITE_WORD_TOKENIZER = f"unicode61 remove_diacritics 0 tokenchars '{_TOKENCHARS}'"
_TEXT_COLUMNS = ("headline", "standfirst", "body", "labels")


def _sqlite_upsert(where: str) -> str:
    return f"""
INSERT INTO {DOCUMENT} (article_id, status, published_at, recency_at, section_id,
                        headline, standfirst, body, labels)
SELECT a.id, a.status, a.published_at, COALESCE(a.published_at, a.modified_at), a.section_id,
  dateline_search_text(a.headline), dateline_search_text(a.standfirst),
  dateline_search_text(a.body),
  dateline_search_text((SELECT group_concat(n.name, ' ') FROM ({_LABELS}) n))
FROM news_article a WHERE {where}
ON CONFLICT (article_id) DO UPDATE SET status = excluded.status,
  published_at = excluded.published_at, recency_at = excluded.recency_at,
  section_id = excluded.section_id, headline = excluded.headline,
  standfirst = excluded.standfirst, body = excluded.body, labels = excluded.labels;"""


_FTS_NEW = "INSERT INTO search_fts (rowid, headline, standfirst, body, labels) VALUES (new.article_id, new.headline, new.standfirst, new.body, new.labels); INSERT INTO search_words_fts (rowid, headline, standfirst) VALUES (new.article_id, new.headline, new.standfirst);"  # noqa: E501
_FTS_OLD = "INSERT INTO search_fts (search_fts, rowid, headline, standfirst, body, labels) VALUES ('delete', old.article_id, old.headline, old.standfirst, old.body, old.labels); INSERT INTO search_words_fts (search_words_fts, rowid, headline, standfirst) VALUES ('delete', old.article_id, old.headline, old.standfirst);"  # noqa: E501
_TEXT_CHANGED = " OR ".join(f"old.{c} IS NOT new.{c}" for c in _TEXT_COLUMNS)

SQLITE = [
    *(f"ALTER TABLE {DOCUMENT} ADD COLUMN {c} text NOT NULL DEFAULT ''" for c in _TEXT_COLUMNS),
    # External content: the text is stored once, in the document table; the triggers below
    # keep the FTS index in step with it (https://sqlite.org/fts5.html#external_content).
    f"""CREATE VIRTUAL TABLE search_fts USING fts5(headline, standfirst, body, labels,
        content='{DOCUMENT}', content_rowid='article_id', tokenize="{SQLITE_TOKENIZER}")""",
    f"""CREATE VIRTUAL TABLE search_words_fts USING fts5(headline, standfirst,
        content='{DOCUMENT}', content_rowid='article_id',
        tokenize="{SQLITE_WORD_TOKENIZER}", detail=none)""",
    "CREATE VIRTUAL TABLE search_words USING fts5vocab(search_words_fts, 'row')",
    f"CREATE TRIGGER search_document_insert AFTER INSERT ON {DOCUMENT} BEGIN {_FTS_NEW} END",
    f"CREATE TRIGGER search_document_delete AFTER DELETE ON {DOCUMENT} BEGIN {_FTS_OLD} END",
    f"""CREATE TRIGGER search_document_update AFTER UPDATE ON {DOCUMENT}
        WHEN {_TEXT_CHANGED} BEGIN {_FTS_OLD} {_FTS_NEW} END""",
    f"""CREATE TRIGGER search_article_insert AFTER INSERT ON news_article
        BEGIN {_sqlite_upsert("a.id = new.id")} END""",
    f"""CREATE TRIGGER search_article_update AFTER UPDATE ON news_article
        BEGIN {_sqlite_upsert("a.id = new.id")} END""",
    f"""CREATE TRIGGER search_article_delete AFTER DELETE ON news_article
        BEGIN DELETE FROM {DOCUMENT} WHERE article_id = old.id; END""",
    *(
        f"""CREATE TRIGGER search_{link}_{op.lower()} AFTER {op} ON {link}
            BEGIN {_sqlite_upsert(f"a.id = {row}.article_id")} END"""
        for _, link, _ in _LABEL_LINKS
        for op, row in (("INSERT", "new"), ("DELETE", "old"))
    ),
    *(
        f"""CREATE TRIGGER search_{label}_rename AFTER UPDATE OF name ON {label}
            BEGIN {_sqlite_upsert(f"a.id IN (SELECT article_id FROM {link} WHERE {column} = new.id)")} END"""  # noqa: E501
        for label, link, column in _LABEL_LINKS
    ),
    _sqlite_upsert("1 = 1"),
]


def install(apps, schema_editor) -> None:
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql, params=None)


# The picture library: caption, credit and alt text, words unstemmed (captions are short
# and the desk types names), accents ignored. No table of our own: the index reads the
# picture rows themselves.

# unaccent() is only STABLE (it reads its dictionary by name); named outright, schema and
# all, it is fixed, which an index expression needs.
PICTURES_POSTGRES = [
    """
CREATE FUNCTION search_picture_vector(caption text, credit text, alt_text text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT to_tsvector('simple'::regconfig, public.unaccent('public.unaccent'::regdictionary,
    coalesce(caption, '') || ' ' || coalesce(credit, '') || ' ' || coalesce(alt_text, '')))
$$""",
    """CREATE INDEX search_picture_gin ON pictures_picture
       USING gin (search_picture_vector(caption, credit, alt_text))""",
]

_PICTURE_COLUMNS = "caption, credit, alt_text"
PICTURES_SQLITE = [
    f"""CREATE VIRTUAL TABLE search_picture_fts USING fts5({_PICTURE_COLUMNS},
        content='pictures_picture', content_rowid='id',
        tokenize="unicode61 remove_diacritics 2 tokenchars '{_TOKENCHARS}'")""",
    f"""CREATE TRIGGER search_picture_insert AFTER INSERT ON pictures_picture BEGIN
        INSERT INTO search_picture_fts (rowid, {_PICTURE_COLUMNS})
        VALUES (new.id, new.caption, new.credit, new.alt_text); END""",
    f"""CREATE TRIGGER search_picture_delete AFTER DELETE ON pictures_picture BEGIN
        INSERT INTO search_picture_fts (search_picture_fts, rowid, {_PICTURE_COLUMNS})
        VALUES ('delete', old.id, old.caption, old.credit, old.alt_text); END""",
    f"""CREATE TRIGGER search_picture_update AFTER UPDATE ON pictures_picture
        WHEN old.caption IS NOT new.caption OR old.credit IS NOT new.credit
          OR old.alt_text IS NOT new.alt_text BEGIN
        INSERT INTO search_picture_fts (search_picture_fts, rowid, {_PICTURE_COLUMNS})
        VALUES ('delete', old.id, old.caption, old.credit, old.alt_text);
        INSERT INTO search_picture_fts (rowid, {_PICTURE_COLUMNS})
        VALUES (new.id, new.caption, new.credit, new.alt_text); END""",
    "INSERT INTO search_picture_fts (search_picture_fts) VALUES ('rebuild')",
]


def install_pictures(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for sql in PICTURES_POSTGRES if vendor == "postgresql" else PICTURES_SQLITE:
        schema_editor.execute(sql, params=None)


def uninstall(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        functions = [
            "search_on_article()",
            "search_on_link()",
            *(f"search_on_{label}()" for label, _, _ in _LABEL_LINKS),
            "search_on_language()",
            "search_refresh(bigint[])",
            "search_text(text)",
            "search_config()",
        ]
        statements = [f"DROP FUNCTION IF EXISTS {f} CASCADE" for f in functions]
        statements.append("DROP TABLE IF EXISTS search_word")
    else:
        triggers = [
            "search_article_insert",
            "search_article_update",
            "search_article_delete",
            *(f"search_{link}_{op}" for _, link, _ in _LABEL_LINKS for op in ("insert", "delete")),
            *(f"search_{label}_rename" for label, _, _ in _LABEL_LINKS),
        ]
        statements = [f"DROP TRIGGER IF EXISTS {t}" for t in triggers]
        statements += [
            f"DROP TABLE IF EXISTS {t}" for t in ("search_words", "search_words_fts", "search_fts")
        ]
    for sql in statements:
        schema_editor.execute(sql, params=None)


def uninstall_pictures(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        statements = ["DROP FUNCTION IF EXISTS search_picture_vector(text, text, text) CASCADE"]
    else:
        statements = [
            *(
                f"DROP TRIGGER IF EXISTS search_picture_{op}"
                for op in ("insert", "delete", "update")
            ),
            "DROP TABLE IF EXISTS search_picture_fts",
        ]
    for sql in statements:
        schema_editor.execute(sql, params=None)


# A reader's query as a tsquery, in one call of constants: declared IMMUTABLE (unaccent
# and the configuration named outright), PostgreSQL evaluates it while planning, and
# estimates from the tsvector statistics how many stories hold the words. `prefix`, when not
# empty, is a last word still being typed (to_tsquery's :*; websearch_to_tsquery has no
# prefix syntax, and quote_literal keeps the word one operand whatever it holds).
TSQUERY_POSTGRES = [
    """
CREATE FUNCTION search_tsquery(config text, words text, prefix text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN prefix = '' THEN q ELSE q && to_tsquery(config::regconfig,
    quote_literal(public.unaccent('public.unaccent'::regdictionary, prefix)) || ':*') END
  FROM (SELECT websearch_to_tsquery(config::regconfig,
    public.unaccent('public.unaccent'::regdictionary, words)) AS q) w
$$""",
]


def install_tsquery(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in TSQUERY_POSTGRES:
            schema_editor.execute(sql, params=None)


def uninstall_tsquery(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS search_tsquery(text, text, text)")


# What ranks a story: its headline, standfirst and labels, weighted as in the document, in a
# small vector of its own. The whole document (the body's words too) is several kilobytes,
# stored out of line (TOAST): ranking thousands of matches by it meant thousands of reads
# of it; this one stays in the row, which a match has read already.
_PG_RANKED = f"""
    setweight(to_tsvector(cfg, unaccent(search_text(a.headline))), 'A')
    || setweight(to_tsvector(cfg, unaccent(search_text(a.standfirst))), 'B')
    || setweight(to_tsvector(cfg, unaccent(search_text(
         (SELECT string_agg(n.name, ' ') FROM ({_LABELS}) n)))), 'B')"""

RANKED_POSTGRES = [
    f"ALTER TABLE {DOCUMENT} ADD COLUMN ranked tsvector NOT NULL DEFAULT ''::tsvector",
    f"ALTER TABLE {DOCUMENT} ALTER COLUMN ranked SET STORAGE MAIN",
    f"""
CREATE OR REPLACE FUNCTION search_refresh(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  cfg regconfig := search_config();
BEGIN
  INSERT INTO {DOCUMENT} AS d
    (article_id, status, published_at, recency_at, section_id, ranked, document)
  SELECT a.id, a.status, a.published_at, COALESCE(a.published_at, a.modified_at),
    a.section_id, r.ranked,
    r.ranked || setweight(to_tsvector(cfg, unaccent(search_text(a.body))), 'C')
  FROM news_article a, LATERAL (SELECT {_PG_RANKED} AS ranked) r
  WHERE a.id = ANY(ids)
  ON CONFLICT (article_id) DO UPDATE SET status = EXCLUDED.status,
    published_at = EXCLUDED.published_at, recency_at = EXCLUDED.recency_at,
    section_id = EXCLUDED.section_id, ranked = EXCLUDED.ranked,
    document = EXCLUDED.document;
  INSERT INTO search_word (word)
  SELECT DISTINCT w FROM news_article a,
    unnest(tsvector_to_array(to_tsvector('simple',
      search_text(a.headline || ' ' || a.standfirst)))) w
  WHERE a.id = ANY(ids) AND a.status <> 'placeholder' AND length(w) BETWEEN 3 AND 40
  ON CONFLICT DO NOTHING;
END
$$""",
    f"""
DO $$
DECLARE
  cfg regconfig := search_config();
BEGIN
  UPDATE {DOCUMENT} d SET ranked = r.ranked
  FROM news_article a, LATERAL (SELECT {_PG_RANKED} AS ranked) r
  WHERE a.id = d.article_id;
END
$$""",
]


def install_ranked(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in RANKED_POSTGRES:
            schema_editor.execute(sql, params=None)


# The stories whose headline, standfirst or labels hold a query's words, found without
# reading the whole document (out of line): the candidates a query ranks (backends/postgres).
RANKED_INDEX_POSTGRES = [
    f"CREATE INDEX IF NOT EXISTS search_ranked_gin ON {DOCUMENT} USING gin (ranked)",
]


def install_ranked_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in RANKED_INDEX_POSTGRES:
            schema_editor.execute(sql, params=None)


def uninstall_ranked_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_ranked_gin", params=None)


# A section's matches. With a section, a word's stories (GIN) were ANDed with a bitmap of
# the whole section from its btree index: 125,000 stories of a million (85 ms) for a word
# in a few hundred of its headlines, and past work_mem (4 MB holds about 60,000 heap pages
# exactly) that AND marked its pages for a recheck, which reads each story's out-of-line
# document (a phrase's last window in a section read 51,715 of them). One GIN index over
# the section and the vector (btree_gin gives the section GIN's keys) intersects them
# inside the index, exactly; without a section it serves the vector alone, as the index it
# replaces did. Both vectors get one: `ranked` (headline matches) and `document` (every match).
SECTION_GIN = {
    "ranked": ("search_ranked_section_gin", "search_ranked_gin"),
    "document": ("search_document_section_gin", "search_document_gin"),
}


def section_index_create(column: str) -> str:
    name, _ = SECTION_GIN[column]
    return f"CREATE INDEX IF NOT EXISTS {name} ON {DOCUMENT} USING gin (section_id, {column})"


def _section_index_install(column: str):
    def install(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin", params=None)
            schema_editor.execute(section_index_create(column), params=None)
            schema_editor.execute(f"DROP INDEX IF EXISTS {SECTION_GIN[column][1]}", params=None)

    return install


def _section_index_uninstall(column: str):
    def uninstall(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            name, replaced = SECTION_GIN[column]
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {replaced} ON {DOCUMENT} USING gin ({column})",
                params=None,
            )
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}", params=None)

    return uninstall


install_ranked_section_index = _section_index_install("ranked")
uninstall_ranked_section_index = _section_index_uninstall("ranked")
install_document_section_index = _section_index_install("document")
uninstall_document_section_index = _section_index_uninstall("document")


# Batches. An import writes a batch of stories in several statements (the rows, then each
# kind of label link, then bodies that needed the batch's ids): refreshed by each, a story's
# document was rebuilt five times or more. Inside `search.index.batch()` the triggers only
# note which stories a statement touched, and the batch's end rebuilds each of them once,
# in the same transaction (a deletion is still applied at once). A flag that cannot outlive
# its transaction: on PostgreSQL a transaction-local setting (the ids noted in another); on
# SQLite a row in a table of its own, inserted and deleted inside one atomic block.
# An UPDATE rebuilds only the stories whose indexed columns changed.

_ARTICLE_COLUMNS = (
    "status", "published_at", "modified_at", "section_id", "headline", "standfirst", "body",
)  # fmt: skip
_BATCH_FLAG = "dateline.search_batch"
_BATCH_IDS = "dateline.search_pending"


def _pg_changed(new: str, old: str) -> str:
    cols = ", ".join(f"{{t}}.{c}" for c in _ARTICLE_COLUMNS)
    return f"({cols.format(t=new)}) IS DISTINCT FROM ({cols.format(t=old)})"


def _pg_refresh_or_note(ids_sql: str) -> str:
    return f"""
DECLARE
  ids bigint[] := ARRAY({ids_sql});
BEGIN
  IF cardinality(ids) > 0 AND NOT search_noted(ids) THEN
    PERFORM search_refresh(ids);
  END IF;
  RETURN NULL;
END"""


def _pg_refresh_once() -> str:
    """search_refresh with its ranked vector computed once a story: as a LATERAL subquery
    PostgreSQL inlined it into both places that use it, building the headline, standfirst
    and labels vectors twice (the same documents, about 30 % less time)."""
    sql = next(s for s in RANKED_POSTGRES if "FUNCTION search_refresh" in s)
    assert "AS ranked) r" in sql
    return sql.replace("AS ranked) r", "AS ranked OFFSET 0) r")


BATCH_POSTGRES = [
    _pg_refresh_once(),
    f"""
CREATE FUNCTION search_noted(ids bigint[]) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('{_BATCH_FLAG}', true) IS DISTINCT FROM 'on' THEN
    RETURN false;
  END IF;
  PERFORM set_config('{_BATCH_IDS}',
    current_setting('{_BATCH_IDS}', true) || ',' || array_to_string(ids, ','), true);
  RETURN true;
END
$$""",
    f"""
CREATE OR REPLACE FUNCTION search_batch_end() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  ids bigint[] := ARRAY(
    SELECT DISTINCT n::bigint
    FROM unnest(string_to_array(coalesce(current_setting('{_BATCH_IDS}', true), ''), ',')) n
    WHERE n <> '');
BEGIN
  PERFORM set_config('{_BATCH_FLAG}', 'off', true), set_config('{_BATCH_IDS}', '', true);
  PERFORM search_refresh(ids);
END
$$""",
    f"""
CREATE OR REPLACE FUNCTION search_on_article() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM {DOCUMENT} WHERE article_id IN (SELECT id FROM old_rows);
  ELSIF NOT search_noted(ARRAY(SELECT id FROM new_rows)) THEN
    PERFORM search_refresh(ARRAY(SELECT id FROM new_rows));
  END IF;
  RETURN NULL;
END
$$""",
    f"""
CREATE FUNCTION search_on_article_update() RETURNS trigger LANGUAGE plpgsql AS $$
{_pg_refresh_or_note(f"SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {_pg_changed('n', 'o')}")}
$$""",  # noqa: E501
    "DROP TRIGGER search_article_update ON news_article",
    """CREATE TRIGGER search_article_update AFTER UPDATE ON news_article
       REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
       EXECUTE FUNCTION search_on_article_update()""",
    """
CREATE OR REPLACE FUNCTION search_on_link() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ids bigint[];
BEGIN
  IF TG_OP = 'DELETE' THEN
    ids := ARRAY(SELECT DISTINCT article_id FROM old_rows);
  ELSE
    ids := ARRAY(SELECT DISTINCT article_id FROM new_rows);
  END IF;
  IF NOT search_noted(ids) THEN
    PERFORM search_refresh(ids);
  END IF;
  RETURN NULL;
END
$$""",
    *(
        f"""
CREATE OR REPLACE FUNCTION search_on_{label}() RETURNS trigger LANGUAGE plpgsql AS $$
{_pg_refresh_or_note(f"SELECT DISTINCT r.article_id FROM {link} r JOIN new_rows n ON n.id = r.{column}")}
$$"""  # noqa: E501
        for label, link, column in _LABEL_LINKS
    ),
]

_SQLITE_BATCHED = "EXISTS (SELECT 1 FROM search_batch)"
_SQLITE_CHANGED = " OR ".join(f"old.{c} IS NOT new.{c}" for c in _ARTICLE_COLUMNS)


def _sqlite_refresh_or_note(ids_sql: str) -> str:
    """A trigger's body: the stories `ids_sql` names indexed now, or noted for the batch."""
    now = _sqlite_upsert(f"a.id IN ({ids_sql}) AND NOT {_SQLITE_BATCHED}")
    return f"{now} INSERT INTO search_pending (article_id) {ids_sql} AND {_SQLITE_BATCHED};"


_SQLITE_BATCH_TRIGGERS = [
    "search_article_insert",
    "search_article_update",
    *(f"search_{link}_{op}" for _, link, _ in _LABEL_LINKS for op in ("insert", "delete")),
    *(f"search_{label}_rename" for label, _, _ in _LABEL_LINKS),
]

BATCH_SQLITE = [
    "CREATE TABLE search_batch (id integer PRIMARY KEY)",
    "CREATE TABLE search_pending (article_id integer NOT NULL)",
    *(f"DROP TRIGGER IF EXISTS {name}" for name in _SQLITE_BATCH_TRIGGERS),
    f"""CREATE TRIGGER search_article_insert AFTER INSERT ON news_article
        BEGIN {_sqlite_refresh_or_note("SELECT new.id WHERE 1 = 1")} END""",
    f"""CREATE TRIGGER search_article_update AFTER UPDATE ON news_article
        WHEN {_SQLITE_CHANGED}
        BEGIN {_sqlite_refresh_or_note("SELECT new.id WHERE 1 = 1")} END""",
    *(
        f"""CREATE TRIGGER search_{link}_{op.lower()} AFTER {op} ON {link}
            BEGIN {_sqlite_refresh_or_note(f"SELECT {row}.article_id WHERE 1 = 1")} END"""
        for _, link, _ in _LABEL_LINKS
        for op, row in (("INSERT", "new"), ("DELETE", "old"))
    ),
    *(
        f"""CREATE TRIGGER search_{label}_rename AFTER UPDATE OF name ON {label}
            BEGIN {_sqlite_refresh_or_note(f"SELECT article_id FROM {link} WHERE {column} = new.id")} END"""  # noqa: E501
        for label, link, column in _LABEL_LINKS
    ),
]

# What `search.index.batch()` sends at the start and at the end of a batch.
BATCH_START = {
    "postgresql": [f"SELECT set_config('{_BATCH_FLAG}', 'on', true), "
                   f"set_config('{_BATCH_IDS}', '', true)"],
    "sqlite": ["INSERT INTO search_batch (id) VALUES (1)"],
}  # fmt: skip
BATCH_END = {
    "postgresql": ["SELECT search_batch_end()"],
    "sqlite": [
        "DELETE FROM search_batch",
        _sqlite_upsert("a.id IN (SELECT article_id FROM search_pending)"),
        "DELETE FROM search_pending",
    ],
}


def install_batch(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for sql in BATCH_POSTGRES if vendor == "postgresql" else BATCH_SQLITE:
        schema_editor.execute(sql, params=None)


def uninstall_batch(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        restore = [
            sql.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
            for sql in POSTGRES
            if sql.lstrip().startswith(
                ("CREATE FUNCTION search_on_", "CREATE TRIGGER search_article_update")
            )
            and "search_on_language" not in sql
        ]
        ranked = next(s for s in RANKED_POSTGRES if "FUNCTION search_refresh" in s)
        statements = [
            ranked,
            "DROP TRIGGER search_article_update ON news_article",
            *restore,
            "DROP FUNCTION IF EXISTS search_on_article_update()",
            "DROP FUNCTION IF EXISTS search_batch_end()",
            "DROP FUNCTION IF EXISTS search_noted(bigint[])",
        ]
    else:
        statements = [
            *(f"DROP TRIGGER IF EXISTS {name}" for name in _SQLITE_BATCH_TRIGGERS),
            *(
                sql
                for sql in SQLITE
                if any(f"TRIGGER {name} " in sql for name in _SQLITE_BATCH_TRIGGERS)
            ),
            "DROP TABLE IF EXISTS search_pending",
            "DROP TABLE IF EXISTS search_batch",
        ]
    for sql in statements:
        schema_editor.execute(sql, params=None)


# A word being typed (the newsroom's pickers and list) matches as a prefix. PostgreSQL
# estimates a prefix from its statistics only when they hold a hundred words or more, and
# otherwise guesses 2 %: "harbour:*" in every story of an archive of a few words (the
# desk's benchmark, a million copies of one story) was planned as one story in fifty, so
# each window built a GIN bitmap of the whole archive instead of reading its newest rows.
# The word itself, or-ed in, matches nothing the prefix does not, and is estimated from
# its own frequency (an or as at least its commoner side).
TSQUERY_PREFIX_POSTGRES = [
    """
CREATE OR REPLACE FUNCTION search_tsquery(config text, words text, prefix text)
RETURNS tsquery LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN prefix = '' THEN q ELSE q && (to_tsquery(config::regconfig, p)
    || to_tsquery(config::regconfig, p || ':*')) END
  FROM (SELECT websearch_to_tsquery(config::regconfig,
    public.unaccent('public.unaccent'::regdictionary, words)) AS q,
    quote_literal(public.unaccent('public.unaccent'::regdictionary, prefix)) AS p) w
$$""",
]


def install_tsquery_prefix(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in TSQUERY_PREFIX_POSTGRES:
            schema_editor.execute(sql, params=None)


def uninstall_tsquery_prefix(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in TSQUERY_POSTGRES:
            schema_editor.execute(
                sql.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"), params=None
            )
