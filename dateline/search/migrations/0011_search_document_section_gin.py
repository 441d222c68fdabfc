from django.db import migrations

from dateline.search import schema


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0010_search_ranked_section_gin"),
    ]

    operations = [
        migrations.RunPython(
            schema.install_document_section_index,
            schema.uninstall_document_section_index,
            elidable=False,
        ),
    ]
