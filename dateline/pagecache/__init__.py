"""Whole-page cache for anonymous readers, invalidated precisely by dependency tags.

A page records the tags of everything it shows ("article:12", "section:3",
"list:dont-miss", "settings", …) and the version counter when its render started. It is
served only while no tag it depends on was bumped after that, and never past its expiry
(the next scheduled story, or local midnight for the date in the header). Writes bump tags after
their transaction commits (`invalidate`), so a publish reaches every page that shows the
story and no other page.

May import django and dateline.core only: news and every app above it call into this.
"""

from dateline.pagecache.versions import invalidate

__all__ = ["invalidate"]
