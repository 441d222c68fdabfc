from django.db import migrations

from dateline.search import schema


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_search_document_recency"),
    ]

    operations = [
        migrations.RunPython(schema.install_tsquery, schema.uninstall_tsquery, elidable=False),
    ]
