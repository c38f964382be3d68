"""When a person was identified: the stored ``Case.identified_on``.

A person is identified on the day of their case's first screening that found them a
presumed victim (docs/merl/overview.md). The MERL indicators group and filter by that
day for every case in scope; computing it through a subquery per case cost seconds at
200,000 cases, so the case stores it. :func:`refresh_identified_on` is the one place
that computes it: the services that add screenings, the bench seeder that writes them
in bulk and the migration that filled existing cases all call it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import DateField, Min, OuterRef, Subquery


def refresh_identified_on(case_ids: Iterable[int] | None, *, case_model: Any = None,
                          screening_model: Any = None) -> int:
    """Recompute ``identified_on`` for these cases (all of them when ``None``), in SQL.

    The models are parameters so a migration can pass its historical ones.
    """
    if case_model is None or screening_model is None:
        from jaring.care.models import Case, Screening

        case_model, screening_model = Case, Screening
    first = (screening_model.objects
             .filter(case=OuterRef("pk"), result="presumed_victim")
             .order_by().values("case").annotate(first=Min("screened_on")).values("first"))
    value = Subquery(first, output_field=DateField())
    if case_ids is None:
        return case_model.objects.update(identified_on=value)
    ids = list(case_ids)
    # In chunks: a bulk seeder passes thousands of ids, over SQLite's variable limit.
    return sum(case_model.objects.filter(pk__in=ids[start:start + 500])
               .update(identified_on=value) for start in range(0, len(ids), 500))
