"""Each link row of a story's tags, topics and authors carries the story's publication time
while it is published (news.labelled explains why); indexed for a label's newest first."""

from django.db import migrations

TABLES = {
    "news_article_tags": "tag_id",
    "news_article_topics": "topic_id",
    "news_article_authors": "author_id",
}


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    kind = "timestamp with time zone" if vendor == "postgresql" else "datetime"
    with schema_editor.connection.cursor() as cursor:
        for table, column in TABLES.items():
            cursor.execute(f"ALTER TABLE {table} ADD COLUMN published_at {kind} NULL")
            cursor.execute(
                f"UPDATE {table} SET published_at = (SELECT a.published_at FROM news_article a "
                f"WHERE a.id = {table}.article_id AND a.status = 'published')"
            )
            cursor.execute(
                f"CREATE INDEX {table}_visible ON {table} ({column}, published_at, article_id)"
            )
            cursor.execute(f"CREATE INDEX {table}_published ON {table} (published_at)")


def backwards(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"DROP INDEX {table}_visible")
            cursor.execute(f"DROP INDEX {table}_published")
            cursor.execute(f"ALTER TABLE {table} DROP COLUMN published_at")


class Migration(migrations.Migration):
    dependencies = [("news", "0010_archive_blocks")]

    operations = [migrations.RunPython(forwards, backwards)]
