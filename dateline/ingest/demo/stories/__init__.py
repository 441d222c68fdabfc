"""All demo stories, newest first.

Sections are interleaved so that every day of the demo's publishing window has a mix of
them, as a real front page would.
"""

from itertools import chain, zip_longest

from dateline.ingest.demo.spec import Story
from dateline.ingest.demo.stories import business, culture, news, science, sport, world

SECTIONS = ("News", "World", "Business", "Sport", "Culture", "Science")

_BY_SECTION = (news, world, business, sport, culture, science)

STORIES: list[Story] = [
    story
    for story in chain.from_iterable(zip_longest(*(m.STORIES for m in _BY_SECTION)))
    if story is not None
]

# The stories picked by the desk: the lead on the front page and the Don't Miss list.
LEAD = "kell-swing-bridge-reopens"
DONT_MISS = (
    "old-customs-house-reopens-as-gallery",
    "seagrass-meadow-first-growth",
    "gulls-beat-port-ardley-in-derby",
)
