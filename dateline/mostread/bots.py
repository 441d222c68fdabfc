"""Which user agents are not readers.

The list is crawler-user-agents (monperrus/crawler-user-agents, the list most bot filters
start from: search engines, feed readers, link previews, monitors, scrapers, HTTP
libraries), kept up to date by its maintainers and pinned in pyproject.toml. A few
agents it leaves out because they are browsers in name are added here: page checkers that
run a real browser (Lighthouse, headless Chrome) read nothing. A beacon without a user
agent is not a browser's either (every browser sends one with sendBeacon).
"""

from __future__ import annotations

import functools
import re

_OURS = re.compile(r"HeadlessChrome|Chrome-Lighthouse|PhantomJS|Playwright|Puppeteer", re.I)


@functools.lru_cache(maxsize=4096)
def is_bot(user_agent: str) -> bool:
    """Cached: readers arrive with a few hundred distinct agents, and the list is 600
    patterns."""
    if not user_agent.strip():
        return True
    if _OURS.search(user_agent):
        return True
    from crawleruseragents import is_crawler

    return is_crawler(user_agent)
