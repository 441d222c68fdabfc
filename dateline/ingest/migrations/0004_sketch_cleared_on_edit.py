"""A wire item's sketch is of its story's text: the database clears it whenever that text
changes, whatever the path (the desk, a correction, an import's update, the admin, a bulk
UPDATE), so a stored sketch is valid without reading the text to check its digest."""

import hashlib

from django.db import migrations

CLEAR = "UPDATE ingest_wireitem SET sketch = NULL WHERE article_id = NEW.id AND sketch IS NOT NULL"
CHANGED = "OLD.headline IS DISTINCT FROM NEW.headline OR OLD.body IS DISTINCT FROM NEW.body"

PG_FUNCTION = f"""
CREATE FUNCTION news_article_clears_sketch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {CLEAR};
  RETURN NULL;
END $$;
CREATE TRIGGER news_article_clears_sketch AFTER UPDATE OF headline, body ON news_article
  FOR EACH ROW WHEN ({CHANGED}) EXECUTE FUNCTION news_article_clears_sketch();
"""
SQLITE_TRIGGER = (
    "CREATE TRIGGER news_article_clears_sketch AFTER UPDATE OF headline, body ON news_article "
    f"WHEN {CHANGED.replace('IS DISTINCT FROM', 'IS NOT')} BEGIN {CLEAR}; END"
)


# A sketch begins with this digest of the text it was made from (ingest.duplicates as of
# this migration), copied here so that what the migration clears never changes with the app.
DIGEST_SIZE = 16


def sketch_is_of(headline, body, stored):
    text = f"{len(headline)}:{headline}{body}".encode()
    return bytes(stored)[:DIGEST_SIZE] == hashlib.blake2b(text, digest_size=DIGEST_SIZE).digest()


def _stale_cleared(apps, schema_editor):
    """Sketches stored before the trigger were checked against their text's digest when
    read: those of stories edited since are cleared once, here."""
    WireItem = apps.get_model("ingest", "WireItem")
    rows = WireItem.objects.filter(sketch__isnull=False, article__isnull=False).values_list(
        "pk", "article__headline", "article__body", "sketch"
    )
    stale = [
        pk
        for pk, headline, body, stored in rows.iterator(chunk_size=2000)
        if not sketch_is_of(headline, body, stored)
    ]
    for start in range(0, len(stale), 2000):
        WireItem.objects.filter(pk__in=stale[start : start + 2000]).update(sketch=None)


def forwards(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(PG_FUNCTION)
        else:
            cursor.execute(SQLITE_TRIGGER)
    _stale_cleared(apps, schema_editor)


def backwards(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER news_article_clears_sketch ON news_article")
            cursor.execute("DROP FUNCTION news_article_clears_sketch()")
        else:
            cursor.execute("DROP TRIGGER news_article_clears_sketch")


class Migration(migrations.Migration):
    dependencies = [
        ("ingest", "0003_wire_item_sketch"),
        ("news", "0013_article_social"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
