from django.db import migrations

from dateline.search import schema


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0009_search_tsquery_prefix"),
    ]

    operations = [
        migrations.RunPython(
            schema.install_ranked_section_index,
            schema.uninstall_ranked_section_index,
            elidable=False,
        ),
    ]
