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
from array import array
from operator import itemgetter

import numpy as np

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


def simhash(words: list[str], found: set[str] | None = None) -> int | None:
    """The 64-bit SimHash of `words` (unsigned), or None when the text is too short to
    compare: bit b is set when more than half of the shingles' hashes have it set.
    `found`: the shingles of `words`, when the caller has them."""
    if len(words) < MIN_WORDS:
        return None
    if found is None:
        found = shingles(words)
    # The 8-byte hashes end to end, a row of 64 bits each (big-endian: bit 63 first).
    hashes = b"".join(hashlib.blake2b(s.encode(), digest_size=8).digest() for s in found)
    votes = np.unpackbits(np.frombuffer(hashes, np.uint8)).reshape(-1, 64).sum(axis=0)
    return int.from_bytes(np.packbits(votes > len(found) / 2).tobytes(), "big")


def to_signed(value: int) -> int:
    """For storage: BigIntegerField is a signed 64-bit integer."""
    return value - (1 << 64) if value >= 1 << 63 else value


def distance(a: int, b: int) -> int:
    return ((a ^ b) & _MASK).bit_count()


def _near_positions(fingerprints: np.ndarray, fingerprint: int) -> list[int]:
    """The positions in `fingerprints` (unsigned 64-bit) of those within CANDIDATE_DISTANCE
    bits of `fingerprint`. Over a busy wire's window (100,000 items), the cost of every new
    item: 0.08 ms of CPU with numpy, against 1.2 ms for the same in Python's C (a
    `bytes.translate` a byte column, summed as one integer) and 10 ms for a loop
    (bench/README.md). Band tables or multi-index probing, which would not look at each
    fingerprint, are not exact at 18 bits of 64 (bench/README.md)."""
    differing = np.bitwise_count(np.bitwise_xor(fingerprints, np.uint64(fingerprint)))
    return np.flatnonzero(differing <= CANDIDATE_DISTANCE).tolist()


# The sketch of a stored text, to rule a candidate out without reading its text again:
# the digest of the text it was made from, its number of shingles and the set of buckets
# they fall in (crc32, stable across processes). A shingle both texts share lies in a
# bucket of each, so the shingles of mine in the other's buckets bound what they share.
BUCKETS = 1024
_DIGEST = 16


def _digest(headline: str, body: str) -> bytes:
    text = f"{len(headline)}:{headline}{body}".encode()
    return hashlib.blake2b(text, digest_size=_DIGEST).digest()


def sketch(
    headline: str, body: str, found: set[str] | None = None, *, probe: Probe | None = None
) -> bytes:
    """The sketch of the text `headline` and `body` (an article's as stored); `found` or
    `probe`, its shingles (or their probe) when the caller has them already."""
    if probe is None:
        probe = Probe(shingles(normalised_words(headline, body)) if found is None else found)
    return _digest(headline, body) + len(probe.shingles).to_bytes(4, "big") + probe.stored_mask


class Probe:
    """A text's shingles with the buckets they fall in: checked against stored sketches
    as a new item's, then its own sketch once stored (made once for both: 15 % of the
    import's CPU at a busy wire's window when made twice, bench/README.md)."""

    def __init__(self, found: set[str]):
        self.shingles = found
        crcs = np.fromiter(map(zlib.crc32, map(str.encode, found)), np.uint32, len(found))
        counts = np.bincount(crcs & (BUCKETS - 1), minlength=BUCKETS)
        # Bit b of the stored mask is bucket b, big-endian: its first bit is the last bucket.
        self.stored_mask = np.packbits(counts[::-1] > 0).tobytes()
        self._counts = counts[::-1]  # in the stored mask's order

    def rules_out(self, stored: bytes | None) -> bool:
        """True when the sketch proves the overlap with its text under OVERLAP; False when
        it cannot (no sketch: none was made, or the story's text changed since and the
        database cleared it, ingest migration 0004)."""
        return stored is not None and bool(self.rule_out([stored])[0])

    def rule_out(self, stored: list[bytes]) -> np.ndarray:
        """`rules_out` for each of the sketches `stored` at once (a new item has a few dozen
        candidates at a busy wire's window): the shingles of mine in each one's buckets."""
        if not stored:
            return np.zeros(0, dtype=bool)
        rows = np.frombuffer(b"".join(stored), np.uint8).reshape(len(stored), -1)
        sizes = rows[:, _DIGEST : _DIGEST + 4].copy().view(">u4").ravel().astype(np.int64)
        shared = np.unpackbits(rows[:, _DIGEST + 4 :], axis=1) @ self._counts
        if not self.shingles:
            return np.ones(len(stored), dtype=bool)  # `overlap` is 0 then
        smaller = np.minimum(sizes, len(self.shingles))
        with np.errstate(divide="ignore", invalid="ignore"):
            under = shared / smaller < OVERLAP
        return under | (sizes == 0)


class DuplicateIndex:
    """The fingerprints of the last WINDOW of wire items, loaded once per poll.

    Two filters narrow the window before the texts are compared, each keeping every item
    the text check would accept, so the groups are those of comparing with each item in
    turn (tests: test_duplicate_index): the distance, for all the window at once
    (`_near_positions`), and for the items changed during the poll, kept apart; then
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
        """Every fingerprint into the array `_near_positions` reads."""
        self._pks = list(self.items)
        fingerprints = map(itemgetter(0), self.items.values())
        self._window = np.fromiter(fingerprints, dtype=np.uint64, count=len(self.items))
        self._changed: set[int] = set()
        self._changed_again()

    def _changed_again(self) -> None:
        """The columns of the items changed since the fold, made again from `items` (an
        item changed twice, or gone: its old fingerprint is among them)."""
        self._changed_pks = [pk for pk in self._changed if pk in self.items]
        self._changed_fingerprints = array("Q", (self.items[pk][0] for pk in self._changed_pks))

    def near(self, fingerprint: int) -> list[int]:
        """The items within CANDIDATE_DISTANCE bits of `fingerprint`."""
        found = [
            self._pks[at]
            for at in _near_positions(self._window, fingerprint)
            if self._pks[at] not in self._changed
        ]
        # Vectorised as well: a Python loop over a poll's items (up to an eighth of the
        # window) cost a new item up to 0.1 ms a thousand. The view is let go before the
        # next `append` (an array exporting its buffer cannot grow).
        changed = np.frombuffer(self._changed_fingerprints, dtype=np.uint64)
        found += [self._changed_pks[at] for at in _near_positions(changed, fingerprint)]
        del changed
        return found

    def group_of(
        self,
        words: list[str],
        fingerprint: int | None,
        *,
        exclude: int | None = None,
        found: set[str] | None = None,
        probe: Probe | None = None,
    ) -> int | None:
        """The id of the group head (the group's earliest item) whose text `words` nearly
        duplicates, or None. `found` or `probe`: the shingles of `words` (or their probe),
        when the caller has them."""
        if fingerprint is None:
            return None
        fingerprint &= _MASK
        candidates = {pk: self.items[pk][1] for pk in self.near(fingerprint) if pk != exclude}
        if not candidates:
            return None
        if probe is None:
            probe = Probe(found if found is not None else shingles(words))
        sketched = [pk for pk in candidates if pk in self.sketches]
        ruled_out = probe.rule_out([self.sketches[pk] for pk in sketched])
        ruled_out = {pk for pk, out in zip(sketched, ruled_out.tolist(), strict=True) if out}
        kept = sorted(pk for pk in candidates if pk not in ruled_out)
        if not kept:
            return None
        for pk, headline, body in sorted(self._texts(kept)):  # earliest first
            if overlap(probe.shingles, shingles(normalised_words(headline, body))) >= OVERLAP:
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
            self._changed_fingerprints.append(self.items[pk][0])
