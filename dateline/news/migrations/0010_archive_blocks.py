from django.db import migrations, models


def fill(apps, schema_editor):
    """The blocks of the stories already there (one pass over the archive, once)."""
    from django.utils import timezone

    from dateline.news import archive

    archive.refresh(None, now=timezone.now())


class Migration(migrations.Migration):

    dependencies = [
        ("news", "0009_article_keyset_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="ArchiveBlock",
            fields=[
                ("number", models.PositiveIntegerField(primary_key=True, serialize=False)),
                ("lastmod", models.DateTimeField(null=True)),
                ("due", models.DateTimeField(null=True)),
            ],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
