"""Each link row of a story's tags, topics and authors carries the story's publication time
while it is published (news.labelled explains why); indexed for a label's newest first.

Kept by triggers, in the database: a link row takes its story's time when inserted, and a
story's change of status or publication time reaches its link rows. Every writer is then
covered (admin, importers, bulk SQL), and a save costs no extra statement: the import
pipeline's statements per story are pinned (ingest/tests/test_apply.py)."""

from django.db import migrations

TABLES = {
    "news_article_tags": "tag_id",
    "news_article_topics": "topic_id",
    "news_article_authors": "author_id",
}
VISIBLE = "CASE WHEN {a}.status = 'published' THEN {a}.published_at END"

PG_FUNCTIONS = """
CREATE FUNCTION news_link_takes_published_at() RETURNS trigger AS $$
BEGIN
  NEW.published_at := (SELECT {visible} FROM news_article a WHERE a.id = NEW.article_id);
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE FUNCTION news_article_gives_published_at() RETURNS trigger AS $$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status
     OR NEW.published_at IS DISTINCT FROM OLD.published_at THEN
    {updates}
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER news_article_gives_published_at AFTER UPDATE ON news_article
  FOR EACH ROW EXECUTE FUNCTION news_article_gives_published_at();
"""


def _updates(new: str) -> str:
    return " ".join(
        f"UPDATE {table} SET published_at = {VISIBLE.format(a=new)} WHERE article_id = {new}.id;"
        for table in TABLES
    )


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    kind = "timestamp with time zone" if vendor == "postgresql" else "datetime"
    with schema_editor.connection.cursor() as cursor:
        for table, column in TABLES.items():
            cursor.execute(f"ALTER TABLE {table} ADD COLUMN published_at {kind} NULL")
            cursor.execute(
                f"UPDATE {table} SET published_at = (SELECT {VISIBLE.format(a='a')} FROM "
                f"news_article a WHERE a.id = {table}.article_id)"
            )
            cursor.execute(
                f"CREATE INDEX {table}_visible ON {table} ({column}, published_at, article_id)"
            )
            cursor.execute(f"CREATE INDEX {table}_published ON {table} (published_at)")
        if vendor == "postgresql":
            cursor.execute(
                PG_FUNCTIONS.format(visible=VISIBLE.format(a="a"), updates=_updates("NEW"))
            )
            for table in TABLES:
                cursor.execute(
                    f"CREATE TRIGGER {table}_takes_published_at BEFORE INSERT ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION news_link_takes_published_at()"
                )
        else:
            for table in TABLES:
                cursor.execute(
                    f"CREATE TRIGGER {table}_takes_published_at AFTER INSERT ON {table} "
                    f"BEGIN UPDATE {table} SET published_at = (SELECT "
                    f"{VISIBLE.format(a='a')} FROM news_article a WHERE a.id = NEW.article_id) "
                    "WHERE id = NEW.id; END"
                )
            cursor.execute(
                "CREATE TRIGGER news_article_gives_published_at AFTER UPDATE OF status, "
                "published_at ON news_article WHEN OLD.status IS NOT NEW.status "
                "OR OLD.published_at IS NOT NEW.published_at "
                f"BEGIN {_updates('NEW')} END"
            )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("DROP TRIGGER news_article_gives_published_at ON news_article")
            for table in TABLES:
                cursor.execute(f"DROP TRIGGER {table}_takes_published_at ON {table}")
            cursor.execute("DROP FUNCTION news_article_gives_published_at()")
            cursor.execute("DROP FUNCTION news_link_takes_published_at()")
        else:
            cursor.execute("DROP TRIGGER news_article_gives_published_at")
            for table in TABLES:
                cursor.execute(f"DROP TRIGGER {table}_takes_published_at")
        for table in TABLES:
            cursor.execute(f"DROP INDEX {table}_visible")
            cursor.execute(f"DROP INDEX {table}_published")
            cursor.execute(f"ALTER TABLE {table} DROP COLUMN published_at")


class Migration(migrations.Migration):
    dependencies = [("news", "0010_archive_blocks")]

    operations = [migrations.RunPython(forwards, backwards)]
