from django.db import migrations

from dateline.search import schema


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0005_search_document_ranked"),
    ]

    operations = [
        migrations.RunPython(
            schema.install_ranked_index, schema.uninstall_ranked_index, elidable=False
        ),
    ]
