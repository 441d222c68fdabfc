from django.db import migrations

from dateline.search import schema


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0008_search_document_section"),
    ]

    operations = [
        migrations.RunPython(
            schema.install_tsquery_prefix, schema.uninstall_tsquery_prefix, elidable=False
        ),
    ]
