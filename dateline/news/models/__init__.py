"""News content: what readers see.

Dependency direction: articles → sections, authors, taxonomy, pictures.Picture;
collections → articles; publication settings stand alone. Nothing here imports
newsroom, ingest, syndication, search or api.
"""

from dateline.news.models.archive import ArchiveBlock
from dateline.news.models.articles import Article, ArticleQuerySet, Status
from dateline.news.models.collections import Collection, CollectionItem
from dateline.news.models.corrections import Correction
from dateline.news.models.people import Author
from dateline.news.models.publication import Publication
from dateline.news.models.redirects import Redirect
from dateline.news.models.revisions import Revision
from dateline.news.models.sections import Section
from dateline.news.models.taxonomy import Tag, Topic

__all__ = [
    "ArchiveBlock",
    "Article",
    "ArticleQuerySet",
    "Author",
    "Collection",
    "CollectionItem",
    "Correction",
    "Publication",
    "Redirect",
    "Revision",
    "Section",
    "Status",
    "Tag",
    "Topic",
]
