"""A page's main row by primary key, with the to-one relations it shows, as `select_related`
and `only` would read it, in SQL written out once per process: the pages that read such a row
on every view spent longer in the ORM building the query than the database answering it.

The rows come back as model instances (the fields not read are deferred, as with `only`), the
values passed through the fields' own database converters, so they are what the ORM would
give on SQLite and PostgreSQL alike. The caller checks the office and role of what it read
with `permissions.allow_fetched`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Model


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def column(model: type[Model], name: str, alias: str = "") -> str:
    """A field's quoted column, prefixed by a table alias when given."""
    meta = model._meta
    name = quote((meta.pk if name == "pk" else meta.get_field(name)).column)
    return f"{alias}.{name}" if alias else name


@dataclass(frozen=True)
class Part:
    """One model of the row: the main one (path "") or a relation reached by `path`
    ("deployment", "framework_version__framework"), with the fields read of it (None: every
    concrete field but `defer`)."""

    model: type[Model]
    path: str = ""
    fields: tuple[str, ...] | None = None
    defer: tuple[str, ...] = ()

    def concrete(self) -> list:
        """The fields read, in the model's order (the order `from_db` takes values in)."""
        fields = self.model._meta.concrete_fields
        if self.fields is not None:
            wanted = {self.model._meta.get_field(name).attname for name in self.fields}
            wanted.add(self.model._meta.pk.attname)
            return [f for f in fields if f.attname in wanted]
        deferred = {self.model._meta.get_field(name).attname for name in self.defer}
        return [f for f in fields if f.attname not in deferred]


@dataclass(frozen=True)
class Extra:
    """A value computed with the row (a subquery), set on the main instance as `name`. `sql`
    is given the main table's alias; `params` names the keyword arguments of `RowSQL.get` it
    takes, in the order of its placeholders."""

    name: str
    sql: Callable[[str], str]
    params: tuple[str, ...] = ()
    convert: Callable = lambda value: value


@dataclass(frozen=True)
class RowSQL:
    """`RowSQL(Assessment, [Part(Deployment, "deployment", ("name",))]).get(pk)`: the row or
    None, in one query."""

    main: Part
    related: Sequence[Part] = ()
    extras: Sequence[Extra] = ()
    by: str = "pk"  # the field the row is looked up by
    _plan: dict = field(default_factory=dict, compare=False, repr=False)

    def get(self, value, **params) -> Model | None:
        sql, parts, converters = self._built()
        args = [params[name] for extra in self.extras for name in extra.params]
        with connection.cursor() as cursor:
            cursor.execute(sql, [*args, value])
            row = cursor.fetchone()
        if row is None:
            return None
        row = [
            functools.reduce(lambda v, c: c(v, expression, connection), chain, v) if chain else v
            for v, (expression, chain) in zip(row, converters, strict=True)
        ]
        start, instances = 0, {}
        for part, names, relation, parent in parts:
            values = row[start : start + len(names)]
            start += len(names)
            if relation is not None and values[0] is None:  # a nullable relation not set
                relation.set_cached_value(instances[parent], None)
                continue
            instance = part.model.from_db(connection.alias, names, values)
            instances[part.path] = instance
            if relation is not None:
                relation.set_cached_value(instances[parent], instance)
        main = instances[""]
        for extra, value in zip(self.extras, row[start:], strict=True):
            setattr(main, extra.name, extra.convert(value))
        return main

    def _built(self):
        # Once per process (and database vendor: tests may switch between connections).
        key = connection.vendor
        if key not in self._plan:
            self._plan[key] = self._build()
        return self._plan[key]

    def _build(self):
        parts, joins, columns, converters = [], [], [], []
        aliases = {"": "t0"}
        for n, part in enumerate([self.main, *self.related]):
            relation = parent = None
            if part.path:
                parent, _, name = part.path.rpartition("__")
                owner = next(p for p in [self.main, *self.related] if p.path == parent).model
                relation = owner._meta.get_field(name)
                alias = aliases[part.path] = f"t{n}"
                kind = "LEFT JOIN" if relation.null else "JOIN"
                joins.append(
                    f" {kind} {quote(part.model._meta.db_table)} {alias}"
                    f" ON {alias}.{quote(relation.target_field.column)}"
                    f" = {aliases[parent]}.{quote(relation.column)}"
                )
            fields = part.concrete()
            # from_db takes the values in the model's field order; the key comes first, and a
            # relation whose key is NULL was not set.
            if not fields[0].primary_key:
                raise ValueError(f"{part.model.__name__}: its key must be its first field")
            for f in fields:
                col = f.get_col(aliases[part.path])
                chain = connection.ops.get_db_converters(col) + f.get_db_converters(connection)
                columns.append(f"{aliases[part.path]}.{quote(f.column)}")
                converters.append((col, chain))
            parts.append((part, [f.attname for f in fields], relation, parent))
        for extra in self.extras:
            columns.append(f"({extra.sql('t0')})")
            converters.append((None, []))
        where = column(self.main.model, self.by, "t0")
        sql = (
            f"SELECT {', '.join(columns)} FROM {quote(self.main.model._meta.db_table)} t0"
            f"{''.join(joins)} WHERE {where} = %s"
        )
        return sql, parts, converters


def aware(value):
    """A datetime read with the cursor as the ORM would return it (SQLite's come naive, in
    the connection's zone)."""
    from django.conf import settings
    from django.utils import timezone

    if value is not None and settings.USE_TZ and timezone.is_naive(value):
        value = timezone.make_aware(value, connection.timezone)
    return value


def fetch(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
