from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0007_search_batch"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(
                fields=["section_id", "-recency_at", "-article_id"],
                name="search_document_section",
            ),
        ),
    ]
