from django.db import migrations

from dateline.search import schema


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_search_tsquery_function"),
    ]

    operations = [
        # Forward only: the column goes with the table when 0001 is reversed.
        migrations.RunPython(schema.install_ranked, migrations.RunPython.noop, elidable=False),
    ]
