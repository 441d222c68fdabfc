from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_picture_search_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(fields=["-recency_at"], name="search_document_recency"),
        ),
    ]
