"""The search index: one row per story, kept current by database triggers on the story,
its labels and the publication settings (migrations/0001_search_index.py), so that every
path that writes a story — the services, an importer's bulk insert, a SQL fix in the shell —
leaves the index in step without anything having to remember to call it.

Only the columns both engines share are declared here; the indexed text is in columns the
migration adds per engine: a weighted `document tsvector` on PostgreSQL, the plain text of
headline, standfirst, body and labels on SQLite (the content of the FTS5 table
`search_fts`). Never let Django alter this table: on SQLite it would rebuild it without
those columns.
"""

from django.db import models


class SearchDocument(models.Model):
    article = models.OneToOneField(
        "news.Article",
        primary_key=True,
        on_delete=models.DO_NOTHING,  # the delete trigger removes the row
        db_constraint=False,
        related_name="+",
    )
    # Copied from the story so that visibility and filters need no join on the hot path.
    status = models.CharField(max_length=20)
    published_at = models.DateTimeField(null=True)
    # What "recent" means for ranking: publication time, or the last save for a draft.
    recency_at = models.DateTimeField(null=True)
    section_id = models.IntegerField(null=True)

    class Meta:
        # The newest matches first: what a query ranks (backends/postgres.py, CANDIDATES).
        indexes = [
            models.Index(fields=["-recency_at"], name="search_document_recency"),
            # A section's newest stories without visiting the other sections' rows: with
            # a section filter, the commonest words' candidates were found by reading
            # every story of a window (one in eight of them the section's).
            models.Index(
                fields=["section_id", "-recency_at", "-article_id"],
                name="search_document_section",
            ),
        ]

    def __str__(self) -> str:
        return f"search document of story {self.article_id}"
