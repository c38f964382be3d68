"""The assistance part's computed MERL indicators, over the live case tables.

Imported by ``jaring.merl.computed.discover()``; no MERL code knows about care.

Who counts (docs/merl/overview.md, "Indicators from the assistance part"):

- A person is **identified** on the day of their case's first screening that found
  them a presumed victim. A case received by transfer carries copies of the sending
  country's screenings; when the sending case already has a presumed-victim
  screening the person was identified there, so the received case does not count
  again (the region would otherwise count them twice).
- **Assisted** and **repatriated** are distinct people per whole period: someone
  served in January and in February is one person assisted in the quarter, so
  these are not sums of months. Each query labels every row with the period that
  holds its date (a SQL ``CASE``) and counts distinct cases per label.
- The **share referred within 14 days** and the **median days to repatriation**
  are computed for each whole period asked for, never from months.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Case as SqlCase
from django.db.models import (
    CharField,
    Count,
    DateField,
    Exists,
    F,
    Func,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Substr

from jaring.merl import disagg
from jaring.merl.computed import (
    Query,
    Row,
    bucketed,
    computed,
    dimension_key,
    month_buckets,
    shared,
)
from jaring.merl.periods import Period

REFERRAL_DAYS = 14

# Care records sex as words; MERL's sex code list is SDMX CL_SEX.
SEX_CODES = {"female": "F", "male": "M", "other": "_O"}
UNKNOWN_SEX = "_U"


def _sex_key(dimension: str | None, sex: str | None) -> str:
    if dimension is None:
        return disagg.TOTAL
    return dimension_key(dimension, SEX_CODES.get(sex or "", UNKNOWN_SEX))


def _period_of(field: str, periods: Iterable[Period]) -> SqlCase:
    """A SQL expression naming the period (``"2025-Q1"``) that holds ``field``'s date.

    Grouping by it lets the database count distinct people per whole period in one
    query, for periods of any length.
    """
    whens = [When(**{f"{field}__gte": p.start, f"{field}__lte": p.end}, then=Value(str(p)))
             for p in periods]
    return SqlCase(*whens, default=Value(""), output_field=CharField())


class AddDays(Func):
    """A date column plus a whole number of days, in the database's own date arithmetic.

    Django's ``F() + timedelta`` runs on SQLite as a Python function called for every
    row (twice per identified person in the referral share); ``date()`` is native.
    """

    output_field = DateField()

    def __init__(self, expression: Any, days: int) -> None:
        self.days = int(days)
        self.template = f"(%(expressions)s + {self.days})"  # PostgreSQL: date + integer
        super().__init__(expression)

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(compiler, connection,
                           template=f"date(%(expressions)s, '+{self.days} days')",
                           **extra_context)


def _identified_cases(countries: Iterable[str]) -> QuerySet:
    """Cases of ``countries`` with ``identified_on``: the first presumed-victim screening
    (stored on the case, see ``care.identification``).

    Cases without one are left out; so are received cases whose sending case already
    identified the person.
    """
    from jaring.care.models import Case

    return (Case.objects.filter(country_id__in=tuple(countries), identified_on__isnull=False)
            .exclude(transfer_in__case__identified_on__isnull=False))


@computed("care.victims_identified", dimensions=("sex",))
def victims_identified(q: Query) -> Iterator[Row]:
    """People screened as presumed victims of trafficking, by the day first identified."""
    sex = ["person__sex"] if q.dimension == "sex" else []
    rows = (_identified_cases(q.countries)
            .filter(identified_on__gte=q.start, identified_on__lte=q.end)
            .values("country_id", "identified_on", *sex)
            .annotate(n=Count("id")).order_by())
    # Each person has one identification day, so days add up to any period.
    yield from bucketed(((r["country_id"], r["identified_on"],
                          _sex_key(q.dimension, r.get("person__sex")), r["n"]) for r in rows),
                        q.periods)


def _period_label(field: str, periods: Iterable[Period]) -> Any:
    """The period label of ``field``'s date: its ``YYYY-MM`` text when every period is a
    month (one cheap expression, where a ``CASE`` would test up to 36 ranges per row),
    else :func:`_period_of`."""
    periods = tuple(periods)
    if all(p.frequency == "month" for p in periods):
        return Substr(Cast(field, output_field=CharField()), 1, 7)
    return _period_of(field, periods)


def _people_served(q: Query) -> list[dict[str, Any]]:
    """Distinct people served and distinct people repatriated per country, period (and
    sex), in one scan of the services delivered shared by both indicators within an
    evaluation (see ``computed.shared``)."""
    from jaring.care.models import ServiceDelivery, ServiceType

    sex = ["case__person__sex"] if q.dimension == "sex" else []

    def build() -> list[dict[str, Any]]:
        return list(ServiceDelivery.objects
                    .filter(**q.date_range("delivered_on"),
                            **q.country_filter("case__country_id"))
                    .annotate(period=_period_label("delivered_on", q.periods))
                    .values("case__country_id", "period", *sex)
                    .annotate(assisted=Count("case", distinct=True),
                              repatriated=Count("case", distinct=True, filter=Q(
                                  service_type=ServiceType.REPATRIATION)))
                    .order_by())

    return shared(("care.people_served", q.countries, q.periods, q.dimension), build)


def _distinct_people(q: Query, measure: str) -> Iterator[Row]:
    wanted = {str(p) for p in q.periods}
    totals: dict[tuple[str, str, str], int] = defaultdict(int)
    for r in _people_served(q):
        # A group with services but no repatriation counts nobody repatriated.
        if r["period"] in wanted and r[measure]:
            # other/unknown sex may map to one code: add those groups together
            totals[(r["case__country_id"], r["period"],
                    _sex_key(q.dimension, r.get("case__person__sex")))] += r[measure]
    for (country, period, key), n in totals.items():
        yield country, period, key, Decimal(n)


@computed("care.victims_assisted", dimensions=("sex",))
def victims_assisted(q: Query) -> Iterator[Row]:
    """People with at least one assistance service delivered in the period."""
    yield from _distinct_people(q, "assisted")


@computed("care.repatriations", dimensions=("sex",))
def repatriations(q: Query) -> Iterator[Row]:
    """People with a repatriation service delivered in the period."""
    yield from _distinct_people(q, "repatriated")


@computed("care.referred_within_14_days_share")
def referred_within_14_days_share(q: Query) -> Iterator[Row]:
    """Of the people identified in the period, the percentage referred to a service
    (a referral sent or a service delivered) no later than 14 days after identification."""
    from jaring.care.models import Referral, ServiceDelivery

    # The deadline as the start of the 15th day, so a referral at any time of day 14
    # counts; a timestamp compares with a date as with its midnight on both databases.
    deadline = AddDays(OuterRef("identified_on"), REFERRAL_DAYS + 1)
    day_deadline = AddDays(OuterRef("identified_on"), REFERRAL_DAYS)
    in_time = (Exists(Referral.objects.filter(case=OuterRef("pk"), sent_at__lt=deadline))
               | Exists(ServiceDelivery.objects.filter(case=OuterRef("pk"),
                                                       delivered_on__lte=day_deadline)))
    # Grouped by the identification day: each person has one, so people and people
    # referred add up over days into any period.
    rows = (_identified_cases(q.countries)
            .filter(identified_on__gte=q.start, identified_on__lte=q.end)
            .values("country_id", "identified_on")
            .annotate(people=Count("id"), referred=Count("id", filter=Q(in_time)))
            .order_by())
    buckets = month_buckets(q.periods)
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        day = r["identified_on"]
        period = buckets.get(f"{day.year}-{day.month:02d}")
        if period is not None:
            cell = totals[(r["country_id"], period)]
            cell[0] += r["people"]
            cell[1] += r["referred"]
    for (country, period), (people, referred) in totals.items():
        if people:
            yield country, period, disagg.TOTAL, Decimal(referred) * 100 / Decimal(people)


@computed("care.median_days_screening_to_repatriation")
def median_days_screening_to_repatriation(q: Query) -> Iterator[Row]:
    """Median days from a person's identification (presumed-victim screening) to their
    first repatriation service on or after it, by the period of the repatriation."""
    from jaring.care.models import ServiceDelivery, ServiceType

    repatriation = {"service_type": ServiceType.REPATRIATION}
    # From the repatriations delivered within the periods (index delivery_type_day_case),
    # not from every identified case: a person's first repatriation after identification
    # falls in the periods when one of theirs does and none came between identification
    # and the periods' start. The minimum is then taken over the window alone.
    earlier = ServiceDelivery.objects.filter(
        case=OuterRef("case_id"), **repatriation,
        delivered_on__gte=OuterRef("case__identified_on"), delivered_on__lt=q.start)
    rows = (ServiceDelivery.objects
            .filter(**repatriation, **q.date_range("delivered_on"),
                    **q.country_filter("case__country_id"),
                    case__identified_on__isnull=False)
            .filter(delivered_on__gte=F("case__identified_on"))
            .exclude(case__transfer_in__case__identified_on__isnull=False)
            .exclude(Exists(earlier))
            .values("case_id", "case__country_id", "case__identified_on")
            .annotate(repatriated_on=Min("delivered_on"))
            .order_by()
            .values_list("case__country_id", "case__identified_on", "repatriated_on"))
    buckets = month_buckets(q.periods)
    days: dict[tuple[str, str], list[int]] = defaultdict(list)
    for country, identified_on, repatriated_on in rows:
        period = buckets.get(f"{repatriated_on.year}-{repatriated_on.month:02d}")
        if period is not None:
            days[(country, period)].append((repatriated_on - identified_on).days)
    for (country, period), values in days.items():
        yield country, period, disagg.TOTAL, Decimal(str(statistics.median(values)))

