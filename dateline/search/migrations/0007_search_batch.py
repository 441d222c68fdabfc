from django.db import migrations

from dateline.search import schema


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0006_search_ranked_gin"),
    ]

    operations = [
        migrations.RunPython(schema.install_batch, schema.uninstall_batch, elidable=False),
    ]
