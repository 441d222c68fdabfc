"""Near-duplicate wire copy: the same story from two agencies, or re-sent with small edits.

Two stages. Each item gets a 64-bit SimHash (Charikar) of its normalised text (headline and
body, lowercased, punctuation dropped) over word 3-shingles: every shingle votes on each of
the 64 bits with a bit of its own hash, and the fingerprint keeps the majority. Texts that
share most shingles get fingerprints a few bits apart; unrelated texts differ in about half
(32). The fingerprints of the last WINDOW are compared in Python, and those within
CANDIDATE_DISTANCE bits are confirmed on the texts themselves: the share of the shorter
text's shingles found in the other (OVERLAP).

Why not the SimHash alone with a small threshold: 64 bits are a noisy estimate. Measured on
the test texts (tests/fixtures/wire/duplicates/) and the agency and feed samples, with
twelve different hash salts: a typo fix moves a fingerprint 0–6 bits, another agency's
version (own headline, dateline and credit, a reworded sentence) 5–16, while distinct long
stories come as close as 14–16. Shingle overlap separates them cleanly: 0.86–0.99 for the
near-duplicates, at most 0.42 for AP's templated earnings reports (which share whole
sentences) and 0.53 for two posts of one blog with the same boilerplate. Texts under
MIN_WORDS words (flashes, alerts) have too few shingles for either measure, and are never
grouped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from dateline.core.text import html_to_text

CANDIDATE_DISTANCE = 18
OVERLAP = 0.6
MIN_WORDS = 40
WINDOW = dt.timedelta(days=3)
SHINGLE = 3
_MASK = (1 << 64) - 1
_WORD = re.compile(r"\w+")


def normalised_words(headline: str, body_html: str) -> list[str]:
    return _WORD.findall(f"{headline} {html_to_text(body_html)}".lower())


def shingles(words: list[str]) -> set[str]:
    return {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def overlap(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


# For each bit of a byte, a table that maps a byte to 1 when it has that bit set: counting
# one bit across all shingles is then a `translate` and a `count`, both in C.
_HAS_BIT = [bytes((value >> bit) & 1 for value in range(256)) for bit in range(8)]


def simhash(words: list[str]) -> int | None:
    """The 64-bit SimHash of `words` (unsigned), or None when the text is too short to
    compare: bit b is set when more than half of the shingles' hashes have it set."""
    if len(words) < MIN_WORDS:
        return None
    found = shingles(words)
    # The 8-byte hashes end to end: every 8th byte from `position` is one byte of each hash.
    hashes = b"".join(hashlib.blake2b(s.encode(), digest_size=8).digest() for s in found)
    half = len(found) / 2
    fingerprint = 0
    for position in range(8):
        column = hashes[position::8]
        shift = 8 * (7 - position)  # the hashes are big-endian: byte 0 holds bits 56–63
        for bit in range(8):
            if column.translate(_HAS_BIT[bit]).count(1) > half:
                fingerprint |= 1 << (shift + bit)
    return fingerprint


def to_signed(value: int) -> int:
    """For storage: BigIntegerField is a signed 64-bit integer."""
    return value - (1 << 64) if value >= 1 << 63 else value


def distance(a: int, b: int) -> int:
    return ((a ^ b) & _MASK).bit_count()


class DuplicateIndex:
    """The fingerprints of the last WINDOW of wire items, loaded once per poll.

    Distances are computed in Python against every fingerprint in the window: a day's wire
    is a few thousand items, and XOR plus popcount over a few thousand integers takes about
    a millisecond, so an index structure (permuted tables, as at web scale) would buy
    nothing here but complexity. Candidates are confirmed on their articles' text, read in
    one query.
    """

    def __init__(self, *, now: dt.datetime):
        from dateline.ingest.models import WireItem

        self.rows: list[tuple[int, int, int | None]] = [
            (pk, fingerprint & _MASK, head)
            for pk, fingerprint, head in WireItem.objects.filter(
                received_at__gte=now - WINDOW, fingerprint__isnull=False
            )
            .order_by("received_at", "pk")
            .values_list("pk", "fingerprint", "duplicate_of_id")
        ]

    def group_of(
        self, words: list[str], fingerprint: int | None, *, exclude: int | None = None
    ) -> int | None:
        """The id of the group head (the group's earliest item) whose text `words` nearly
        duplicates, or None."""
        from dateline.ingest.models import WireItem

        if fingerprint is None:
            return None
        fingerprint &= _MASK
        candidates = {
            pk: head
            for pk, other, head in self.rows
            if pk != exclude and distance(fingerprint, other) <= CANDIDATE_DISTANCE
        }
        if not candidates:
            return None
        mine = shingles(words)
        texts = WireItem.objects.filter(pk__in=candidates, article__isnull=False).values_list(
            "pk", "article__headline", "article__body"
        )
        for pk, headline, body in sorted(texts):  # earliest first
            if overlap(mine, shingles(normalised_words(headline, body))) >= OVERLAP:
                return candidates[pk] or pk
        return None

    def add(self, pk: int, fingerprint: int | None, head: int | None) -> None:
        self.rows = [r for r in self.rows if r[0] != pk]
        if fingerprint is not None:
            self.rows.append((pk, fingerprint & _MASK, head))
