# The social headline and description of a story (the desk's writing screen).
#
# Added with ALTER TABLE ... ADD COLUMN on every database: Django's SQLite schema editor
# would rebuild news_article to add a NOT NULL column with a default, which the triggers of
# 0011 (they name the table) do not survive.

from django.db import migrations, models

COLUMNS = (
    ("social_headline", 200),
    ("social_description", 300),
)


def _sql(length_by_name):
    return [
        f"ALTER TABLE news_article ADD COLUMN {name} varchar({length}) NOT NULL DEFAULT ''"
        for name, length in length_by_name
    ]


def _reverse(length_by_name):
    return [f"ALTER TABLE news_article DROP COLUMN {name}" for name, _ in length_by_name]


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0012_desk_list_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(sql, reverse)
                for sql, reverse in zip(_sql(COLUMNS), _reverse(COLUMNS), strict=True)
            ],
            state_operations=[
                migrations.AddField(
                    model_name="article",
                    name="social_headline",
                    field=models.CharField(
                        blank=True,
                        help_text="For search results and social cards; the headline when empty.",
                        max_length=200,
                        verbose_name="social headline",
                    ),
                ),
                migrations.AddField(
                    model_name="article",
                    name="social_description",
                    field=models.CharField(
                        blank=True,
                        help_text="For search results and social cards; the standfirst when empty.",
                        max_length=300,
                        verbose_name="social description",
                    ),
                ),
            ],
        )
    ]
