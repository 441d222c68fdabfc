"""Tag versions are counters that no concurrent bump can lose, in the file store shared by
the processes of one machine and in Redis shared by several machines."""

from __future__ import annotations

import multiprocessing

import pytest

from dateline.pagecache.versions import FileVersions, RedisVersions

TAGS = ["article:12", "section:3", "front", "list:dont-miss"]
WORKERS = 4
BUMPS = 2000


def _bump_many(kind: str, where: str, start, results) -> None:
    store = FileVersions(where) if kind == "file" else RedisVersions(where)
    store.stamp()  # connected / mapped before the race starts
    start.wait()
    results.put([store.bump(TAGS) for _ in range(BUMPS)])


def _bump_from_processes(kind: str, where: str) -> list[list[int]]:
    # spawn: each worker a fresh interpreter, as a server's workers are; all start bumping
    # together, so that their bumps interleave.
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(WORKERS), context.Queue()
    workers = [
        context.Process(target=_bump_many, args=(kind, where, start, results))
        for _ in range(WORKERS)
    ]
    for worker in workers:
        worker.start()
    runs = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    return runs


def _assert_no_bump_lost(runs: list[list[int]], store) -> None:
    for run in runs:
        assert run == sorted(run) and len(set(run)) == len(run)  # strictly increasing
    counters = sorted(n for run in runs for n in run)
    assert counters == list(range(1, WORKERS * BUMPS + 1))  # each bump its own value
    assert store.latest(TAGS) == WORKERS * BUMPS == store.latest(["article:12"])
    # The workers did race: some worker's counters are not one unbroken run.
    assert any(run[-1] - run[0] >= len(run) for run in runs)


def test_concurrent_bumps_from_several_processes_are_never_lost_in_the_file(tmp_path):
    path = str(tmp_path / "tag-counters")
    store = FileVersions(path)
    store.reset()
    runs = _bump_from_processes("file", path)
    _assert_no_bump_lost(runs, store)
    assert store.stamp() == WORKERS * BUMPS


def test_concurrent_bumps_from_several_processes_are_never_lost_in_redis(redis_server):
    runs = _bump_from_processes("redis", redis_server.url)
    store = RedisVersions(redis_server.url)
    _assert_no_bump_lost(runs, store)
    assert store.stamp()[1] == WORKERS * BUMPS
    store.close()


@pytest.fixture(params=["file", "redis"])
def store(request, tmp_path):
    if request.param == "file":
        yield FileVersions(str(tmp_path / "tag-counters"))
    else:
        found = RedisVersions(request.getfixturevalue("redis_server").url)
        yield found
        found.close()


def test_what_was_built_before_a_bump_of_its_tags_is_stale(store):
    built = store.stamp()
    deps = store.prepare(["article:12", "settings"])
    assert store.fresh(deps, built)
    store.bump(["article:99"])
    assert store.fresh(deps, built)
    store.bump(["article:12"])
    assert not store.fresh(deps, built)
    assert store.fresh(deps, store.stamp())  # built after the bump


def test_a_bump_during_a_render_makes_it_stale(store):
    deps = store.prepare(["section:3"])
    built = store.stamp()  # the render starts
    store.bump(["section:3"])  # a publish commits while it reads
    assert not store.fresh(deps, built)


def test_no_story_shares_a_slot_with_a_tag_every_page_depends_on(tmp_path):
    store = FileVersions(str(tmp_path / "tag-counters"))
    site_wide = {store._slot(t) for t in ["settings", "sections", "front", "list:dont-miss"]}
    for kind in ["article", "picture", "section", "tag", "topic", "author"]:
        for pk in range(1, 20_000):
            assert store._slot(f"{kind}:{pk}") not in site_wide
    built = store.stamp()
    for pk in range(1, 20_000):
        store.bump([f"article:{pk}"])
    assert store.fresh(store.prepare(["settings", "sections", "front"]), built)


def test_concurrent_bumps_from_threads_of_one_process_are_never_lost(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    store = FileVersions(str(tmp_path / "tag-counters"))
    with ThreadPoolExecutor(WORKERS) as pool:
        runs = list(pool.map(lambda _: [store.bump(TAGS) for _ in range(BUMPS)], range(WORKERS)))
    assert sorted(n for run in runs for n in run) == list(range(1, WORKERS * BUMPS + 1))


def test_each_story_tag_has_a_slot_of_its_own_at_a_million_stories(tmp_path):
    store = FileVersions(str(tmp_path / "tag-counters"))
    stories = [1, 2, 999_999, 1_000_000, 3_000_001]
    tags = [f"article:{pk}{kind}" for pk in stories for kind in ("", ":teaser", ":link")]
    assert len(set(store.prepare(tags))) == len(tags)
    built = store.stamp()
    store.bump(["article:1_000_000".replace("_", "")])
    assert not store.fresh(store.prepare(["article:1000000"]), built)
    # Its neighbours, and the same story's teaser and link, are untouched.
    for tag in (
        "article:999999",
        "article:1000001",
        "article:1000000:teaser",
        "article:1000000:link",
        "article:1",
    ):
        assert store.fresh(store.prepare([tag]), built), tag


def test_a_process_reads_story_slots_another_grew_the_file_for(tmp_path):
    path = str(tmp_path / "tag-counters")
    reader, writer = FileVersions(path), FileVersions(path)
    built = reader.stamp()
    far = reader.prepare(["article:5000000"])  # past the end of the file: never bumped
    assert reader.fresh(far, built)
    writer.bump(["article:5000000"])
    assert not reader.fresh(far, built)
    assert reader.latest(["article:5000000"]) == writer.stamp()


def test_a_hit_on_stories_never_bumped_maps_the_file_once(tmp_path):
    """A page's story tags mostly lie past the end of the file (stories never edited): a
    hit must not open and map the file again for each (it cost 300-1,500 µs a hit)."""
    path = str(tmp_path / "tag-counters")
    reader, writer = FileVersions(path), FileVersions(path)
    writer.bump(["settings"])  # the counter moves: the slots must be read
    built = reader.stamp()
    page = reader.prepare(["settings", *(f"article:{n}:teaser" for n in range(900_000, 900_040))])
    writer.bump(["section:1"])  # an unrelated bump after the render
    assert reader.fresh(page, built)  # maps the file again once: the counter moved
    view = reader._view
    for _ in range(100):
        assert reader.fresh(page, built)
    assert reader._view is view  # mapped once, not per hit
    writer.bump(["article:900017:teaser"])  # grows the file in another process
    assert not reader.fresh(page, built)


def test_a_check_moves_the_stamp_past_unrelated_bumps_and_a_bump_of_a_tag_still_counts(store):
    built = store.stamp()
    deps = store.prepare(["article:12", "settings"])
    store.bump(["article:99"])  # another story changes: the counter moves past `built`
    checked = store.checked(deps, built)
    assert checked is not None and store.fresh(deps, checked)
    if isinstance(store, FileVersions):
        # The next check is one comparison: nothing was bumped since `checked`.
        assert checked == store.stamp() > built
    assert store.checked(deps, checked) == checked
    store.bump(["article:12"])
    assert store.checked(deps, checked) is None
    assert store.checked(deps, built) is None


def test_a_tags_slot_is_worked_out_once(tmp_path, monkeypatch):
    from dateline.pagecache import versions as module

    store = FileVersions(str(tmp_path / "versions"))
    tags = ["article:12", "article:12:link", "section:3", "front", "list:dont-miss"]
    first = store.prepare(tags)
    crcs = []
    crc32 = module.zlib.crc32
    monkeypatch.setattr(module.zlib, "crc32", lambda data: crcs.append(data) or crc32(data))
    assert store.prepare(tags) == first
    assert crcs == []  # known: no hash, no regex
    assert store.prepare([*tags, "author:9"]) == tuple(
        sorted({*first, FileVersions(str(tmp_path / "other"))._slot("author:9")})
    )


def test_the_known_slots_are_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(FileVersions, "KNOWN_MAX", 10)
    store = FileVersions(str(tmp_path / "versions"))
    fresh = FileVersions(str(tmp_path / "other"))
    for i in range(25):
        assert store._slot(f"author:{i}") == fresh._work_out(f"author:{i}")
        assert len(store._known) <= 10
