"""The near-duplicate index finds exactly the groups that comparing a new item with every
item of the window in turn finds (the plain scan it replaced, kept here as the reference):
the distances taken for the whole window at once, the items changed during the poll, and
the sketches that rule candidates out before their texts are read (a story's edit clears its
item's sketch in the database: tests/test_sketch_cleared.py)."""

from __future__ import annotations

import hashlib
import zlib
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from dateline.ingest import duplicates
from dateline.ingest.duplicates import (
    CANDIDATE_DISTANCE,
    MIN_WORDS,
    OVERLAP,
    DuplicateIndex,
    Probe,
    _near_positions,
    distance,
    normalised_words,
    overlap,
    shingles,
    simhash,
    sketch,
)

# Few words, so that generated texts share shingles by chance as well as by descent.
VOCABULARY = "bridge ferry council vote harbour fares the of to a".split()


def plain_group_of(rows, texts, words, fingerprint, exclude=None):
    """The scan the index replaced: every item of the window in turn, then the texts."""
    if fingerprint is None:
        return None
    candidates = {
        pk: head
        for pk, other, head in rows
        if pk != exclude and distance(fingerprint, other) <= CANDIDATE_DISTANCE
    }
    mine = shingles(words)
    for pk in sorted(candidates):
        if pk in texts:
            headline, body, _ = texts[pk]
            if overlap(mine, shingles(normalised_words(headline, body))) >= OVERLAP:
                return candidates[pk] or pk
    return None


def index_of(rows, texts, fold_after):
    """A DuplicateIndex over `rows` that reads its texts from `texts`, not the database."""
    index = DuplicateIndex.__new__(DuplicateIndex)
    index.FOLD_AFTER = fold_after
    index.items = {pk: (fingerprint, head) for pk, fingerprint, head in rows}
    index._fold()
    index.sketches = {pk: text[2] for pk, text in texts.items() if text[2] is not None}
    index._texts = lambda pks: [(pk, *texts[pk][:2]) for pk in pks if pk in texts]
    return index


words_st = st.lists(st.sampled_from(VOCABULARY), min_size=MIN_WORDS, max_size=90)
# An item: its words, a parent among the earlier ones (its text then that one's, edited),
# bits flipped in its fingerprint, its sketch (of its text; none: never made, or cleared
# when its story was edited; or no article at all) and a group head.
item_st = st.tuples(
    words_st,
    st.one_of(st.none(), st.integers(min_value=0)),
    st.lists(st.tuples(st.integers(min_value=0), st.sampled_from(VOCABULARY)), max_size=30),
    st.lists(st.integers(min_value=0, max_value=63), max_size=6),
    st.sampled_from(["fresh", "none", "no article"]),
    st.booleans(),
)


def _text(made, words, parent, edits):
    """`words`, or the parent's words with `edits` (position, word) made to them."""
    if parent is None or not made:
        return words
    words = list(made[parent % len(made)][0])
    for position, word in edits:
        words[position % len(words)] = word
    return words


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(
    stored=st.lists(item_st, max_size=25),
    arriving=st.lists(st.tuples(item_st, st.booleans(), st.booleans()), min_size=1, max_size=12),
    fold_after=st.sampled_from([0, 2, 1024]),
    # Few buckets: texts share them by chance, and the bound is tested where it is loose.
    buckets=st.sampled_from([8, 64, duplicates.BUCKETS]),
)
def test_the_index_groups_as_the_plain_scan_of_the_window(stored, arriving, fold_after, buckets):
    with mock.patch.object(duplicates, "BUCKETS", buckets):
        _groups_as_the_plain_scan(stored, arriving, fold_after)


def _groups_as_the_plain_scan(stored, arriving, fold_after):
    made: list[tuple[list[str], int]] = []  # (words, pk)
    rows: list[tuple[int, int, int | None]] = []
    texts: dict[int, tuple[str, str, bytes | None]] = {}

    def make(item, pk):
        words, parent, edits, flips, kept, grouped = item
        words = _text(made, words, parent, edits)
        fingerprint = simhash(words)
        for bit in flips:
            fingerprint ^= 1 << bit
        headline, body = " ".join(words[:5]), f"<p>{' '.join(words[5:])}</p>"
        stored_sketch = {
            "fresh": sketch(headline, body),
            "none": None,
            "no article": None,
        }[kept]
        head = made[pk % len(made)][1] if grouped and made else None
        return words, fingerprint, headline, body, stored_sketch, head

    for pk, item in enumerate(stored, start=1):
        words, fingerprint, headline, body, stored_sketch, head = make(item, pk)
        made.append((words, pk))
        rows.append((pk, fingerprint, head))
        if item[4] != "no article":
            texts[pk] = (headline, body, stored_sketch)
    index = index_of(rows, texts, fold_after)
    for pk, (item, added, excluded) in enumerate(arriving, start=len(stored) + 1):
        words, fingerprint, headline, body, stored_sketch, head = make(item, pk)
        exclude = made[pk % len(made)][1] if excluded and made else None
        expected = plain_group_of(rows, texts, words, fingerprint, exclude)
        event("grouped" if expected is not None else "not grouped")
        assert index.group_of(words, fingerprint, exclude=exclude) == expected
        assert index.group_of(words, fingerprint, exclude=exclude, found=shingles(words)) == (
            expected
        )
        probe = Probe(shingles(words))
        assert index.group_of(words, fingerprint, exclude=exclude, probe=probe) == expected
        assert sketch(headline, body, probe=probe) == sketch(headline, body)
        if added:  # as the poll does once the item is in (or updated: a pk already there)
            target = made[pk % len(made)][1] if excluded and made else pk
            rows = [r for r in rows if r[0] != target] + [(target, fingerprint, head)]
            texts[target] = (headline, body, stored_sketch)
            index.add(target, fingerprint, head, stored_sketch)
            made.append((words, target))


@settings(max_examples=300, deadline=None)
@given(
    words=words_st,
    edits=st.lists(st.tuples(st.integers(min_value=0), st.sampled_from(VOCABULARY)), max_size=30),
    buckets=st.sampled_from([8, 64, duplicates.BUCKETS]),
)
def test_a_sketch_rules_out_only_texts_under_the_overlap(words, edits, buckets):
    other = _text([(words, 1)], words, 0, edits)
    headline, body = " ".join(other[:5]), f"<p>{' '.join(other[5:])}</p>"
    mine, theirs = shingles(words), shingles(normalised_words(headline, body))
    event("overlap" if overlap(mine, theirs) >= OVERLAP else "under")
    with mock.patch.object(duplicates, "BUCKETS", buckets):
        stored = sketch(headline, body)
        ruled_out = Probe(mine).rules_out(stored)
        # The bound, a shingle of mine at a time: those in a bucket of theirs.
        theirs_in = {zlib.crc32(s.encode()) & (buckets - 1) for s in theirs}
        bound = sum(zlib.crc32(s.encode()) & (buckets - 1) in theirs_in for s in mine)
        assert ruled_out == (bound / min(len(mine), len(theirs)) < OVERLAP)
        assert list(Probe(mine).rule_out([stored, stored])) == [ruled_out, ruled_out]
    if ruled_out:
        assert overlap(mine, theirs) < OVERLAP


@settings(max_examples=300, deadline=None)
@given(words=st.lists(st.sampled_from(VOCABULARY), min_size=0, max_size=400))
def test_a_fingerprint_is_made_as_the_ones_already_stored(words):
    """Fingerprints stay in the database across versions: the votes counted at once give
    the bits counted one at a time over the shingles' hashes."""
    found = shingles(words)
    if len(words) < MIN_WORDS:
        assert simhash(words) is None
        return
    hashes = [int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest()) for s in found]
    expected = sum(
        1 << bit for bit in range(64) if sum(h >> bit & 1 for h in hashes) > len(found) / 2
    )
    assert simhash(words) == simhash(words, found) == expected


@settings(max_examples=300, deadline=None)
@given(words=words_st, buckets=st.sampled_from([8, 64, duplicates.BUCKETS]))
def test_a_sketch_is_made_as_the_ones_already_stored(words, buckets):
    """Sketches stay in the database across versions: the buckets made at once (and shared
    with the new item's probe) set the bits a shingle at a time did."""
    headline, body = " ".join(words[:5]), f"<p>{' '.join(words[5:])}</p>"
    found = shingles(normalised_words(headline, body))
    with mock.patch.object(duplicates, "BUCKETS", buckets):
        mask = 0
        for shingle in found:
            mask |= 1 << (zlib.crc32(shingle.encode()) & (buckets - 1))
        stored = duplicates._digest(headline, body) + len(found).to_bytes(4, "big")
        stored += mask.to_bytes(buckets // 8)
        assert sketch(headline, body) == stored
        assert sketch(headline, body, probe=Probe(found)) == stored


@given(
    st.lists(st.integers(min_value=0, max_value=2**64 - 1), max_size=300),
    st.integers(min_value=0, max_value=2**64 - 1),
    st.lists(st.integers(min_value=0, max_value=63), max_size=30),
)
def test_the_distances_taken_at_once_are_those_taken_one_by_one(fingerprints, query, flips):
    near = fingerprints[0] if fingerprints else 0
    for bit in flips:
        near ^= 1 << bit
    fingerprints = [*fingerprints, near]
    window = np.array(fingerprints, dtype=np.uint64)
    for q in (query, near):
        expected = [n for n, f in enumerate(fingerprints) if distance(q, f) <= CANDIDATE_DISTANCE]
        assert _near_positions(window, q) == expected


@given(
    st.integers(min_value=0, max_value=2**64 - 1),
    st.sets(st.integers(min_value=0, max_value=63), min_size=CANDIDATE_DISTANCE - 2),
)
def test_a_fingerprint_is_near_up_to_the_distance_and_not_one_bit_further(query, bits):
    """Every number of differing bits around CANDIDATE_DISTANCE, the sign bit among them
    (the fingerprints are stored as signed integers and compared as unsigned)."""
    bits = sorted(bits, key=lambda bit: bit != 63)
    apart = []
    for count in range(CANDIDATE_DISTANCE - 2, min(len(bits), CANDIDATE_DISTANCE + 2) + 1):
        flipped = query
        for bit in bits[:count]:
            flipped ^= 1 << bit
        apart.append((count, flipped))
    window = np.array([flipped for _, flipped in apart], dtype=np.uint64)
    expected = [n for n, (count, _) in enumerate(apart) if count <= CANDIDATE_DISTANCE]
    assert _near_positions(window, query) == expected


def test_a_sketch_rules_out_an_unrelated_candidate_without_normalising_its_text():
    """At a busy wire's window, a new item has dozens of unrelated items within the
    distance: each was read, normalised and shingled again to be turned down."""
    mine = "harbour council approves the second bridge after a vote on fares".split() * 5
    other = "ferry workers strike over the winter timetable in the north port".split() * 5
    headline, body = " ".join(other[:5]), f"<p>{' '.join(other[5:])}</p>"
    fingerprint = simhash(mine)
    texts = {1: (headline, body, sketch(headline, body))}
    index = index_of([(1, fingerprint ^ 0b111, None)], texts, 1024)
    with mock.patch.object(
        duplicates, "normalised_words", wraps=duplicates.normalised_words
    ) as normalising:
        assert index.group_of(mine, fingerprint) is None
    assert normalising.call_count == 0
    # Its article edited since: the database cleared the sketch, and the next poll's index
    # reads the text.
    texts[1] = (headline, body + "<p>More.</p>", None)
    index = index_of([(1, fingerprint ^ 0b111, None)], texts, 1024)
    with mock.patch.object(
        duplicates, "normalised_words", wraps=duplicates.normalised_words
    ) as normalising:
        assert index.group_of(mine, fingerprint) is None
    assert normalising.call_count == 1


@pytest.mark.django_db
def test_an_item_edited_by_the_desk_is_still_compared_on_its_text(tmp_path):
    """The sketch is of the text as filed: a near-duplicate of the text as edited since is
    grouped as before (the edit, even a bulk UPDATE, cleared the sketch: the text is read)."""
    from django.utils import timezone

    from dateline.ingest.models import WireItem, WireSource
    from dateline.news.models import Article
    from dateline.news.tests import factories

    words = "harbour council approves the second bridge after a vote on fares".split() * 5
    edited = "ferry workers strike over the winter timetable in the north port".split() * 5
    section = factories.section("News")
    article = factories.article(
        headline=" ".join(words[:5]), body=f"<p>{' '.join(words[5:])}</p>", section_obj=section
    )
    source = WireSource.objects.create(
        name="agency", kind="folder", location=str(tmp_path), format="feed"
    )
    now = timezone.now()
    item = WireItem.objects.create(
        source=source,
        guid="one",
        version="1",
        article=article,
        fingerprint=duplicates.to_signed(simhash(edited)),
        sketch=sketch(article.headline, article.body),
        received_at=now,
        updated_at=now,
    )
    Article.objects.filter(pk=article.pk).update(
        headline=" ".join(edited[:5]), body=f"<p>{' '.join(edited[5:])}</p>"
    )
    index = DuplicateIndex(now=now)
    assert index.group_of(edited, simhash(edited)) == item.pk
    assert index.group_of(words, simhash(edited)) is None


@pytest.mark.django_db
def test_a_new_item_near_one_of_its_batch_in_bits_only_goes_in_with_a_batch(tmp_path):
    """An item within CANDIDATE_DISTANCE of one of its batch waits for the batch to be in;
    then, not a near-duplicate of it, it went in alone (about 25 statements) where it can
    start the next batch."""
    import random

    from dateline.ingest import wire
    from dateline.ingest.models import WireItem, WireSource
    from dateline.news.tests import factories

    rng = random.Random(3)
    words = "harbour bridge ferry council vote fares winter port north strike".split()
    items = "".join(
        f"<item><guid>near-{n}</guid><title>Story {n}</title><description>&lt;p&gt;"
        f"{' '.join(rng.choice(words) for _ in range(60))}&lt;/p&gt;</description></item>"
        for n in range(6)
    )
    (tmp_path / "feed.xml").write_text(
        f"<rss version='2.0'><channel><title>Near</title><link>https://wire.example/</link>"
        f"{items}</channel></rss>",
        encoding="utf-8",
    )
    source = WireSource.objects.create(
        name="near",
        kind="folder",
        location=str(tmp_path),
        format="feed",
        default_section=factories.section("News"),
    )
    with (
        mock.patch.object(wire, "simhash", lambda words, found=None: 0),  # all 0 bits apart
        mock.patch.object(wire, "wire_item_apply", wraps=wire.wire_item_apply) as alone,
    ):
        report = wire.wire_poll(source=source)
    assert report.summary().startswith("6 created"), report.summary()
    assert alone.call_count == 0
    assert not WireItem.objects.filter(duplicate_of__isnull=False).exists()


@pytest.mark.django_db
def test_an_unrelated_candidate_is_ruled_out_without_a_query(tmp_path, django_assert_num_queries):
    """The window's sketches come with its fingerprints (one query a poll): a candidate
    whose sketch rules it out costs the new item no query (at a busy wire's window, a few
    dozen a new item: a query each of them, read and digested, before)."""
    from django.utils import timezone

    from dateline.ingest.models import WireItem, WireSource
    from dateline.news.tests import factories

    mine = "harbour council approves the second bridge after a vote on fares".split() * 5
    other = "ferry workers strike over the winter timetable in the north port".split() * 5
    article = factories.article(headline=" ".join(other[:5]), body=f"<p>{' '.join(other[5:])}</p>")
    source = WireSource.objects.create(
        name="agency", kind="folder", location=str(tmp_path), format="feed"
    )
    now = timezone.now()
    WireItem.objects.create(
        source=source,
        guid="one",
        version="1",
        article=article,
        fingerprint=duplicates.to_signed(simhash(mine) ^ 0b111),
        sketch=sketch(article.headline, article.body),
        received_at=now,
        updated_at=now,
    )
    with django_assert_num_queries(1):
        index = DuplicateIndex(now=now)
    with django_assert_num_queries(0):
        assert index.group_of(mine, simhash(mine)) is None


@pytest.mark.django_db
def test_a_new_items_buckets_are_made_once_for_its_probe_and_its_sketch(tmp_path):
    """A new item with candidates in the window is probed against their sketches, then
    stored with its own: the crc32 buckets of its shingles serve both (made twice, 15 % of
    the import's CPU at a busy wire's window)."""
    from django.utils import timezone

    from dateline.ingest import wire
    from dateline.ingest.models import WireItem, WireSource
    from dateline.news.tests import factories

    mine = "harbour council approves the second bridge after a vote on fares".split() * 5
    other = "ferry workers strike over the winter timetable in the north port".split() * 5
    section = factories.section("News")
    article = factories.article(headline=" ".join(other[:5]), body=f"<p>{' '.join(other[5:])}</p>")
    source = WireSource.objects.create(
        name="agency",
        kind="folder",
        location=str(tmp_path),
        format="feed",
        default_section=section,
    )
    WireItem.objects.create(
        source=source,
        guid="one",
        version="1",
        article=article,
        fingerprint=0,
        sketch=sketch(article.headline, article.body),
        received_at=timezone.now(),
        updated_at=timezone.now(),
    )
    (tmp_path / "feed.xml").write_text(
        "<rss version='2.0'><channel><title>Wire</title><link>https://wire.example/</link>"
        f"<item><guid>two</guid><title>{' '.join(mine[:5])}</title><description>&lt;p&gt;"
        f"{' '.join(mine[5:])}&lt;/p&gt;</description></item></channel></rss>",
        encoding="utf-8",
    )
    crc32 = mock.Mock(wraps=zlib.crc32)
    with (
        mock.patch.object(wire, "simhash", lambda words, found=None: 0),  # the one's candidate
        mock.patch.object(duplicates, "zlib", mock.Mock(crc32=crc32)),
    ):
        report = wire.wire_poll(source=source)
    assert report.summary().startswith("1 created"), report.summary()
    item = WireItem.objects.select_related("article").get(guid="two")
    assert item.duplicate_of_id is None
    found = shingles(normalised_words(item.article.headline, item.article.body))
    assert bytes(item.sketch) == sketch(item.article.headline, item.article.body)
    assert crc32.call_count == len(found)
