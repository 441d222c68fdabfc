from django.db import migrations

from dateline.search import schema


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_search_index"),
        ("pictures", "0003_metadata_cleaned"),
    ]

    operations = [
        migrations.RunPython(schema.install_pictures, schema.uninstall_pictures, elidable=False),
    ]
