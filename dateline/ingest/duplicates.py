"""Near-duplicate wire copy: the same story from two agencies, or re-sent with small edits.

Two stages. Each item gets a 64-bit SimHash (Charikar) of its normalised text (headline and
body, lowercased, punctuation dropped) over word 3-shingles: every shingle votes on each of
the 64 bits with a bit of its own hash, and the fingerprint keeps the majority. Texts that
share most shingles get fingerprints a few bits apart; unrelated texts differ in about half
(32). The fingerprints of the last WINDOW are compared with it, and those within
CANDIDATE_DISTANCE bits are confirmed on the texts themselves: the share of the shorter
text's shingles found in the other (OVERLAP). A stored item's sketch (`sketch`) rules most
of those out without their texts (`DuplicateIndex`).

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
import zlib

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


def simhash(words: list[str], found: set[str] | None = None) -> int | None:
    """The 64-bit SimHash of `words` (unsigned), or None when the text is too short to
    compare: bit b is set when more than half of the shingles' hashes have it set.
    `found`: the shingles of `words`, when the caller has them."""
    if len(words) < MIN_WORDS:
        return None
    if found is None:
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


# For each byte q, the table mapping a byte v to the bits q and v differ in: the distance of
# one byte of the query to that byte of every fingerprint is one `translate`, in C.
_DIFFERING_BITS = [bytes((q ^ v).bit_count() for v in range(256)) for q in range(256)]
_NEAR = bytes(d <= CANDIDATE_DISTANCE for d in range(256))


def _near_positions(columns: list[bytes], fingerprint: int) -> list[int]:
    """The positions in `columns` (byte j of every fingerprint in column j, big-endian) of
    the fingerprints within CANDIDATE_DISTANCE bits of `fingerprint`. Each column's
    per-byte distances become one integer, a byte a fingerprint; the eight add up without
    carrying (at most 64 a byte), so the sum holds each fingerprint's distance in its byte.
    About 11 ns of CPU a fingerprint where a Python loop takes 100 (bench/README.md): the
    loop over a busy wire's window (100,000 items) was the cost of every new item."""
    size = len(columns[0])
    if not size:
        return []
    total = 0
    for j, column in enumerate(columns):
        table = _DIFFERING_BITS[(fingerprint >> (56 - 8 * j)) & 0xFF]
        total += int.from_bytes(column.translate(table), "little")
    near = total.to_bytes(size, "little").translate(_NEAR)
    found, at = [], near.find(1)
    while at != -1:
        found.append(at)
        at = near.find(1, at + 1)
    return found


# The sketch of a stored text, to rule a candidate out without reading its text again:
# the digest of the text it was made from, its number of shingles and the set of buckets
# they fall in (crc32, stable across processes). A shingle both texts share lies in a
# bucket of each, so the shingles of mine in the other's buckets bound what they share.
BUCKETS = 1024
_DIGEST = 16


def _digest(headline: str, body: str) -> bytes:
    text = f"{len(headline)}:{headline}{body}".encode()
    return hashlib.blake2b(text, digest_size=_DIGEST).digest()


def _bucket(shingle: str) -> int:
    return zlib.crc32(shingle.encode()) & (BUCKETS - 1)


def sketch(headline: str, body: str, found: set[str] | None = None) -> bytes:
    """The sketch of the text `headline` and `body` (an article's as stored); `found`, its
    shingles when the caller has them already."""
    if found is None:
        found = shingles(normalised_words(headline, body))
    mask = 0
    for shingle in found:
        mask |= 1 << _bucket(shingle)
    return _digest(headline, body) + len(found).to_bytes(4, "big") + mask.to_bytes(BUCKETS // 8)


class _Probe:
    """A new item's shingles, with their buckets, checked against stored sketches."""

    def __init__(self, found: set[str]):
        self.shingles = found
        counts: dict[int, int] = {}
        for shingle in found:
            bucket = _bucket(shingle)
            counts[bucket] = counts.get(bucket, 0) + 1
        self.mask = 0
        for bucket in counts:
            self.mask |= 1 << bucket
        self.more = [(bucket, n - 1) for bucket, n in counts.items() if n > 1]

    def rules_out(self, stored: bytes | None) -> bool:
        """True when the sketch proves the overlap with its text under OVERLAP; False when
        it cannot (no sketch: none was made, or the story's text changed since and the
        database cleared it, ingest migration 0004)."""
        if stored is None:
            return False
        stored = bytes(stored)
        size = int.from_bytes(stored[_DIGEST : _DIGEST + 4], "big")
        if not size or not self.shingles:
            return True  # `overlap` is 0 then
        mask = int.from_bytes(stored[_DIGEST + 4 :], "big")
        shared = (self.mask & mask).bit_count()
        shared += sum(more for bucket, more in self.more if mask >> bucket & 1)
        return shared / min(len(self.shingles), size) < OVERLAP


class DuplicateIndex:
    """The fingerprints of the last WINDOW of wire items, loaded once per poll.

    Two filters narrow the window before the texts are compared, each keeping every item
    the text check would accept, so the groups are those of comparing with each item in
    turn (tests: test_duplicate_index): the distance, for all the window at once in C
    (`_near_positions`), with a Python loop over the items changed during the poll; then
    each candidate's sketch, loaded with the fingerprints. A busy wire's window holds some
    100,000 items, among which a new item has a few dozen unrelated ones within
    CANDIDATE_DISTANCE bits: their texts (a query per new item, then normalised and shingled
    again) are what the sketches spare. A stored sketch is of its story's text as it is: the
    database clears it when the text changes (ingest migration 0004), and the poll's own
    changes come through `add`. A story edited by someone else during the poll is compared
    as it was when the poll began, as an edit made just after the comparison would be.
    """

    # Items changed during the poll have columns of their own, appended to, until there are
    # this many (or an eighth of the window): then the window's columns are made again.
    FOLD_AFTER = 1024

    def __init__(self, *, now: dt.datetime):
        from dateline.ingest.models import WireItem

        self.items: dict[int, tuple[int, int | None]] = {}
        self.sketches: dict[int, bytes] = {}  # of the items that have one
        for pk, fingerprint, head, stored in WireItem.objects.filter(
            received_at__gte=now - WINDOW, fingerprint__isnull=False
        ).values_list("pk", "fingerprint", "duplicate_of_id", "sketch"):
            self.items[pk] = (fingerprint & _MASK, head)
            if stored is not None:
                self.sketches[pk] = stored
        self._fold()

    def _fold(self) -> None:
        """Every fingerprint into the columns `_near_positions` reads."""
        self._pks = list(self.items)
        fingerprints = b"".join(f.to_bytes(8, "big") for f, _ in self.items.values())
        self._columns = [fingerprints[j::8] for j in range(8)]
        self._changed: set[int] = set()
        self._changed_again()

    def _changed_again(self) -> None:
        """The columns of the items changed since the fold, made again from `items` (an
        item changed twice, or gone: its old fingerprint is among them)."""
        self._changed_pks = [pk for pk in self._changed if pk in self.items]
        fingerprints = b"".join(self.items[pk][0].to_bytes(8, "big") for pk in self._changed_pks)
        self._changed_columns = [bytearray(fingerprints[j::8]) for j in range(8)]

    def near(self, fingerprint: int) -> list[int]:
        """The items within CANDIDATE_DISTANCE bits of `fingerprint`."""
        found = [
            self._pks[at]
            for at in _near_positions(self._columns, fingerprint)
            if self._pks[at] not in self._changed
        ]
        # In C as well: a Python loop over a poll's items (up to an eighth of the window)
        # cost a new item up to 0.1 ms a thousand.
        found += [
            self._changed_pks[at] for at in _near_positions(self._changed_columns, fingerprint)
        ]
        return found

    def group_of(
        self,
        words: list[str],
        fingerprint: int | None,
        *,
        exclude: int | None = None,
        found: set[str] | None = None,
    ) -> int | None:
        """The id of the group head (the group's earliest item) whose text `words` nearly
        duplicates, or None. `found`: the shingles of `words`, when the caller has them."""
        if fingerprint is None:
            return None
        fingerprint &= _MASK
        candidates = {pk: self.items[pk][1] for pk in self.near(fingerprint) if pk != exclude}
        if not candidates:
            return None
        mine = _Probe(found if found is not None else shingles(words))
        kept = sorted(pk for pk in candidates if not mine.rules_out(self.sketches.get(pk)))
        if not kept:
            return None
        for pk, headline, body in sorted(self._texts(kept)):  # earliest first
            if overlap(mine.shingles, shingles(normalised_words(headline, body))) >= OVERLAP:
                return candidates[pk] or pk
        return None

    @staticmethod
    def _texts(pks) -> list[tuple[int, str, str]]:
        from dateline.ingest.models import WireItem

        return list(
            WireItem.objects.filter(pk__in=pks, article__isnull=False).values_list(
                "pk", "article__headline", "article__body"
            )
        )

    def add(
        self, pk: int, fingerprint: int | None, head: int | None, stored: bytes | None = None
    ) -> None:
        """Item `pk` received or updated during the poll, with its sketch as stored."""
        if fingerprint is None:
            self.items.pop(pk, None)
        else:
            self.items[pk] = (fingerprint & _MASK, head)
        if stored is None:
            self.sketches.pop(pk, None)
        else:
            self.sketches[pk] = stored
        if len(self._changed) >= max(self.FOLD_AFTER, len(self.items) // 8):
            self._changed.add(pk)
            self._fold()  # the changed columns would cost more than making the window's again
        elif pk in self._changed or fingerprint is None:
            self._changed.add(pk)
            self._changed_again()
        else:
            self._changed.add(pk)
            self._changed_pks.append(pk)
            appended = self.items[pk][0].to_bytes(8, "big")
            for column, byte in zip(self._changed_columns, appended, strict=True):
                column.append(byte)
