"""References the database does not enforce, checked on demand.

A few foreign keys written for every imported report are declared without a
database constraint (``db_constraint=False``, decision 52). Every such field is
found here from the models themselves, so a reference declared that way later is
checked too, without anyone remembering to list it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import connection
from django.db.models import Field, ForeignKey, Model


@dataclass(frozen=True)
class Dangling:
    """Rows of ``model`` whose ``field`` names no row of ``target``."""

    model: str  # app_label.Model
    field: str
    target: str
    rows: int
    first_id: object  # the lowest primary key among them, to look at

    def __str__(self) -> str:
        return (f"{self.model}.{self.field}: {self.rows} row(s) point at no {self.target} "
                f"(first: id {self.first_id})")


def unenforced() -> Iterator[tuple[type[Model], ForeignKey]]:
    """Every foreign key of an installed model declared without a database constraint."""
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue
        for field in model._meta.local_fields:
            # Django's type stubs leave the attribute out.
            if isinstance(field, ForeignKey) and not field.db_constraint:  # type: ignore[attr-defined]
                yield model, field


def _column(field: Field) -> str:
    assert field.column is not None  # every concrete field has one
    return field.column


def dangling() -> list[Dangling]:
    """The unenforced references that point at nothing, one entry per field with any.

    One anti-join per field, which both databases answer from the target's primary
    key (or unique) index.
    """
    qn = connection.ops.quote_name
    found = []
    for model, field in unenforced():
        target = field.related_model
        assert isinstance(target, type)
        table, column = qn(model._meta.db_table), qn(_column(field))
        target_table = qn(target._meta.db_table)
        target_column = qn(_column(field.target_field))
        pk = qn(_column(model._meta.pk))
        sql = (
            f"SELECT COUNT(*), MIN(t.{pk}) FROM {table} t "  # noqa: S608
            f"WHERE t.{column} IS NOT NULL AND NOT EXISTS "
            f"(SELECT 1 FROM {target_table} r WHERE r.{target_column} = t.{column})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql)
            rows, first = cursor.fetchone()
        if rows:
            found.append(Dangling(model._meta.label, field.name, target._meta.label,
                                  rows, first))
    return found
