import django.db.models.deletion
from django.db import migrations, models

from dateline.search import schema


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("news", "0008_section_parent_redirects"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="news.article",
                    ),
                ),
                ("status", models.CharField(max_length=20)),
                ("published_at", models.DateTimeField(null=True)),
                ("recency_at", models.DateTimeField(null=True)),
                ("section_id", models.IntegerField(null=True)),
            ],
        ),
        migrations.RunPython(schema.install, schema.uninstall, elidable=False),
    ]
