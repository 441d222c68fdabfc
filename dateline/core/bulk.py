"""New rows by the hundred, for an import's batch: PostgreSQL's COPY where it runs.

`bulk_create` builds one INSERT with a placeholder per value, which Django composes and
psycopg quotes into the statement in Python, and PostgreSQL then parses back: for a batch
of 200 stories that was more CPU on both sides than writing the rows (issue 11's
profile). COPY sends the rows as data, formatted in psycopg's C code, parsed by the server
without the SQL parser. Ids the caller needs before the rows exist (a story's body linking
to another of its batch) are taken from the table's sequence first (`ids_take`), in one
query. Elsewhere (SQLite) both fall back to what Django does.

The COPY goes through Django's cursor wrappers, so query counters (the tests' pins, the
benchmark's statement count) see it as the one statement it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from operator import attrgetter

from django.db import connection, connections, models
from django.db.backends.utils import CursorDebugWrapper
from django.db.models import ForeignKey

# Fields whose Python value is what the database stores, with no conversion or default to
# apply at save (`Field.pre_save` and `get_db_prep_save` return it as it is).
_PLAIN = {
    models.AutoField, models.BigAutoField, models.SmallAutoField,
    models.IntegerField, models.BigIntegerField, models.SmallIntegerField,
    models.PositiveIntegerField, models.PositiveBigIntegerField,
    models.PositiveSmallIntegerField, models.BooleanField,
    models.CharField, models.TextField, models.SlugField, models.URLField,
}  # fmt: skip


def ids_take(model, objs: Sequence) -> bool:
    """Give each of `objs` without an id the next id of `model`'s table, in one query.
    False (and nothing done) where the database has no sequence to take them from."""
    missing = [obj for obj in objs if obj.pk is None]
    if connection.vendor != "postgresql":
        return False
    if not missing:
        return True
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(missing)],
        )
        for obj, (value,) in zip(missing, cursor.fetchall(), strict=True):
            obj.pk = value
    return True


def pairs_insert(model, columns: tuple[str, str], pairs: Sequence[tuple[int, int]]) -> None:
    """Rows of a link table (two ids each: a story's tags, say) from plain pairs, in one
    statement, without a model instance per row."""
    if not pairs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**dict(zip(columns, pair, strict=True))) for pair in pairs]
        )
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    _copy(f"COPY {table} ({quote(columns[0])}, {quote(columns[1])}) FROM STDIN", pairs)


def _copy(sql: str, rows: Sequence[tuple]) -> None:
    def copy(sql, params, many, context):
        with context["cursor"].cursor.copy(sql) as out:
            for row in rows:
                out.write_row(row)

    with connection.cursor() as cursor:
        logged = cursor.debug_sql(sql) if isinstance(cursor, CursorDebugWrapper) else nullcontext()
        with logged:
            cursor._execute_with_wrappers(sql, None, False, copy)


def rows_insert(model, objs: Sequence) -> None:
    """Insert `objs`, new rows of `model`, in one statement. Those given an id keep it
    (`ids_take`); the others get the table's default, and their id is not read back on
    PostgreSQL (use `ids_take` first when it is needed)."""
    objs = list(objs)
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs)
        return
    meta = model._meta
    with_ids = all(obj.pk is not None for obj in objs)
    if not with_ids and any(obj.pk is not None for obj in objs):
        raise ValueError("rows_insert: give every row an id, or none")
    fields = [
        f
        for f in meta.concrete_fields
        if (with_ids or f is not meta.pk) and not getattr(f, "generated", False)
    ]
    plain = [
        (type(f) in _PLAIN and not f.is_relation)
        or (f.is_relation and type(f) is ForeignKey and type(f.target_field) in _PLAIN)
        for f in fields
    ]
    # The plain columns first, read in one attrgetter a row; the rest each through its
    # field's conversion. (COPY names its columns: their order is the statement's own.)
    converted = [f for f, is_plain in zip(fields, plain, strict=True) if not is_plain]
    fields = [f for f, is_plain in zip(fields, plain, strict=True) if is_plain] + converted
    attnames = [f.attname for f in fields[: len(fields) - len(converted)]]
    read = attrgetter(*attnames) if attnames else (lambda obj: ())
    if len(attnames) == 1:
        read = lambda obj, one=read: (one(obj),)  # noqa: E731
    quote = connection.ops.quote_name
    sql = f"COPY {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) FROM STDIN"
    db = connections[connection.alias]  # not the proxy: one lookup, not one a value

    for obj in objs:
        # A related row assigned before it had its id (as bulk_create does).
        obj._prepare_related_fields_for_save(operation_name="rows_insert")
    rows = [
        read(obj) + tuple(f.get_db_prep_save(f.pre_save(obj, True), db) for f in converted)
        for obj in objs
    ]
    _copy(sql, rows)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def paths_point(model, target: str, wanted: dict, *, source: str = "") -> bool:
    """Make each old path of `wanted` (path → object) a row of `model`, a redirect table
    keyed by a unique `old_path`, pointing by its `target` key at that object, whatever it
    pointed at before. True when that changed where any path points."""
    if not wanted:
        return False
    paths = sorted(wanted)
    column = model._meta.get_field(target).attname
    before = _paths_pointing(model, column, paths)

    def row(path):
        return model(old_path=path, source=source, **{target: wanted[path]})

    # Paths nothing had are new rows, copied in; only those already pointing somewhere
    # need the upsert, whose statement costs more to build than to run.
    known = {path for path, _ in before}
    rows_insert(model, [row(p) for p in paths if p not in known])
    if known:
        model.objects.bulk_create(
            [row(p) for p in sorted(known)],
            update_conflicts=True,
            unique_fields=["old_path"],
            update_fields=[target, "source"],
        )
    return before != {(p, wanted[p].pk) for p in paths}


def _paths_pointing(model, column: str, paths: list[str]) -> set[tuple[str, int]]:
    """(old path, target id) of those of `paths` that answer already. On PostgreSQL one probe
    of the unique index a path, whatever the planner makes of the table: asked as `IN (…)`
    it read the whole table while it held fewer rows than some hundred probes look to cost
    (an import's batch has 400 paths: at 50,000 redirects it still did, the batch's time
    growing with the archive)."""
    if connection.vendor != "postgresql":
        return set(model.objects.filter(old_path__in=paths).values_list("old_path", column))
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # LIMIT keeps the subquery a probe per path (not flattened into a join to plan).
        cursor.execute(
            f"SELECT p.path, r.{quote(column)} FROM unnest(%s::text[]) p (path), LATERAL "
            f"(SELECT {quote(column)} FROM {quote(model._meta.db_table)}"
            f" WHERE old_path = p.path LIMIT 1) r",
            [paths],
        )
        return set(cursor.fetchall())


def rows_at_last_statistics(table: str) -> float:
    """The rows `table` held when PostgreSQL last took its statistics (0 if never; on
    SQLite, which keeps none for these plans, 0)."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        return max(cursor.fetchone()[0], 0)


def statistics_refresh(tables: Sequence[str]) -> None:
    """ANALYZE `tables` on PostgreSQL, whose planner reads its statistics (SQLite's plans
    these lookups by its indexes alone: nothing to do)."""
    if connection.vendor != "postgresql" or not tables:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(quote(table) for table in tables)}")
