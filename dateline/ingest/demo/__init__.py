"""The demo site: The Harbour Courier, an invented newspaper for the invented harbour city
of Kelbridge. Every story is original writing and every picture our own, kept as data in
`harbour-courier/`: ninjs 2.2 files with their pictures beside them, and a manifest for what
ninjs has no place for (the publication's settings, the order of sections and stories, the
desk's picks). `loader` reads them with the ninjs parser and applies them with the same
`story_apply` as every import. Nothing outside the `demo` management command imports this.
"""

from dateline.ingest.demo.loader import LoadResult, load

__all__ = ["LoadResult", "load"]
