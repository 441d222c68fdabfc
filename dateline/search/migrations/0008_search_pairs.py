from django.db import migrations

from dateline.search import schema


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0007_search_batch"),
    ]

    operations = [
        migrations.RunPython(schema.install_pairs, schema.uninstall_pairs, elidable=False),
    ]
