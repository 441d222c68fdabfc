"""Model instances from hand-written SQL, for the hot reads of public pages.

`Model.objects.raw()` costs ~100 µs a query on top of the SQL itself: it inspects the
cursor's columns, works out the model's init order and the backend's converters, each time.
The article page runs three such queries on every render (the story, its pictures, the
stories its body links to). Here that work is done once per (model, columns) and
connection; each row then costs the converters the ORM would have applied and what
`Model.from_db` does, as a queryset's rows do (`_instance`). Fields not selected are
deferred, as with raw().
"""

from __future__ import annotations

import weakref

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

# connection → {(model, attnames): (alias, names in model order, order, converters)}
_plans: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _plan(connection, model, attnames: tuple[str, ...]):
    plans = _plans.get(connection)
    if plans is None:
        plans = _plans[connection] = {}
    plan = plans.get((model, attnames))
    if plan is None:
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        fields = [by_attname[name] for name in attnames]
        # from_db takes the selected values in the model's field order.
        ordered = [f for f in model._meta.concrete_fields if f.attname in attnames]
        order = [attnames.index(f.attname) for f in ordered]
        converters = []
        for i, f in enumerate(fields):
            col = f.get_col(model._meta.db_table)
            found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if found:
                converters.append((i, col, found))
        plan = plans[(model, attnames)] = (
            connection.alias,
            [f.attname for f in ordered],
            None if order == list(range(len(attnames))) else order,
            converters,
        )
    return plan


def _instance(model, alias: str, names: list[str], values):
    """What `model.from_db(alias, names, values)` makes, without `Model.__init__`: for a
    model no one listens to the creation of, that is the values set one by one (through
    field descriptors that, on a new instance, only store them) and two signals sent to
    no receiver, 5 µs a story; an article page makes half a dozen. A model with receivers
    (a picture's ImageField fills its dimensions on post_init) goes through `from_db`."""
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return model.from_db(alias, names, values)
    new = model.__new__(model)
    state = new._state = ModelState()
    state.adding = False
    state.db = alias
    new.__dict__.update(zip(names, values, strict=True))
    return new


def columns(model, attnames: tuple[str, ...]) -> str:
    """The SELECT list for `attnames` (attribute names: "section_id", not "section")."""
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    return ", ".join(by_attname[name].column for name in attnames)


def load(model, attnames: tuple[str, ...], sql: str, params) -> list:
    """Instances of `model` from `sql`, whose columns are `attnames` in that order."""
    connection = connections[DEFAULT_DB_ALIAS]
    alias, names, order, converters = _plan(connection, model, attnames)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found = []
    for row in rows:
        if converters:
            row = list(row)
            for i, col, functions in converters:
                value = row[i]
                for convert in functions:
                    value = convert(value, col, connection)
                row[i] = value
        if order is not None:
            row = [row[i] for i in order]
        found.append(_instance(model, alias, names, row))
    return found


def make(model, attnames: tuple[str, ...], values) -> object:
    """One instance of `model` from `values` (in `attnames` order) read by other means."""
    connection = connections[DEFAULT_DB_ALIAS]
    alias, names, order, converters = _plan(connection, model, attnames)
    if converters:
        values = list(values)
        for i, col, functions in converters:
            for convert in functions:
                values[i] = convert(values[i], col, connection)
    if order is not None:
        values = [values[i] for i in order]
    return _instance(model, alias, names, values)
