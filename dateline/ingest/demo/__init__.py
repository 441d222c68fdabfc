"""The demo site: The Harbour Courier, an invented newspaper for the invented harbour city
of Kelbridge. Every story is original writing; every picture is drawn by Pillow at load
time, so the repository carries no image files and no borrowed text.

Layout: `spec` (the shape of a story and its body format) ← `stories/` (the content, one
module per section) ← `loader` (writes through news and media services), with `pictures`
used by the loader only. Nothing outside the `demo` management command imports this.
"""

from dateline.ingest.demo.loader import LoadResult, load

__all__ = ["LoadResult", "load"]
