"""The intelligence part's headline figures, trends and cross-border links.

What a viewer's figures count (decision 0030): an intelligence user (``intel.shared.view``)
counts exactly the reports the sharing rules let them open — all of their own
country's and the others' shared ones — so every figure agrees with the report
list it links to. Anyone else counts only reports shared region-wide (TLP:CLEAR and
TLP:GREEN), what any member state may see; the page says so. Nothing here counts
people: a fraud report is a report, not a victim.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse

from jaring.identity import policy
from jaring.intel import visibility
from jaring.intel.models import Alert, Campaign, CampaignMember, FraudReport
from jaring.intel.sharing import REGION_WIDE
from jaring.overview import figures
from jaring.overview.figures import COOPERATION, REGION, SCALE, Context, Figure

PART = "intel"
TOP = 8


def analyst(user: Any) -> bool:
    return policy.allowed(user, "intel.shared.view")


def basis(user: Any) -> QuerySet:
    """The reports this viewer's figures count (see the module docstring)."""
    if analyst(user):
        return visibility.visible_reports(user)
    return FraudReport.objects.filter(tlp__in=REGION_WIDE)


def basis_note(user: Any) -> str:
    if analyst(user):
        return ("Fraud-report figures count your country's reports and the reports other "
                "member states share with you.")
    return ("Fraud-report figures count the reports member states share region-wide "
            "(TLP:CLEAR and TLP:GREEN); reports shared more narrowly are not counted here.")


def _in(period_start: datetime.date, period_end: datetime.date, rows: QuerySet) -> QuerySet:
    return rows.filter(reported_on__gte=period_start, reported_on__lte=period_end)


@dataclass
class Stats:
    """Every intel figure for one viewer and one period, from a handful of queries."""

    reports: dict[str, int] = field(default_factory=dict)
    loss: dict[str, Decimal] = field(default_factory=dict)
    campaigns: dict[int, tuple[str, ...]] = field(default_factory=dict)  # cross-border only
    alerts: int | None = None

    def report_total(self, scope: str) -> int:
        return sum(self.reports.values()) if scope == REGION else self.reports.get(scope, 0)

    def loss_total(self, scope: str) -> Decimal:
        if scope == REGION:
            return sum(self.loss.values(), Decimal(0))
        return self.loss.get(scope, Decimal(0))

    def campaign_total(self, scope: str) -> int:
        if scope == REGION:
            return len(self.campaigns)
        return sum(1 for countries in self.campaigns.values() if scope in countries)

    def links(self) -> dict[tuple[str, str], int]:
        """(country, country) -> campaigns the two share, each pair once, sorted."""
        out: dict[tuple[str, str], int] = defaultdict(int)
        for countries in self.campaigns.values():
            for pair in combinations(sorted(countries), 2):
                out[pair] += 1
        return dict(sorted(out.items()))


def _campaign_countries(user: Any, in_period: QuerySet) -> dict[int, tuple[str, ...]]:
    """Cross-border campaigns with a counted report in the period, and the countries
    the viewer may know are in each."""
    ids = in_period.filter(membership__isnull=False).order_by().values("membership__campaign_id")
    if analyst(user):
        # Analysts see a campaign's full country list on its page already.
        rows = Campaign.objects.filter(pk__in=ids, status=Campaign.Status.ACTIVE,
                                       countries__contains=",")
        return {pk: tuple(sorted(c for c in countries.split(",") if c))
                for pk, countries in rows.values_list("pk", "countries")}
    known: dict[int, set[str]] = defaultdict(set)
    shared = CampaignMember.objects.filter(report__tlp__in=REGION_WIDE, campaign_id__in=ids,
                                           campaign__status=Campaign.Status.ACTIVE)
    for campaign_id, country in shared.order_by().values_list("campaign_id",
                                                             "country_id").distinct():
        known[campaign_id].add(country)
    return {pk: tuple(sorted(c)) for pk, c in known.items() if len(c) > 1}


def stats(ctx: Context) -> Stats:
    def compute() -> Stats:
        period = ctx.period
        in_period = _in(period.start, period.end, basis(ctx.user))
        out = Stats()
        for country, n, loss in (in_period.order_by().values("country_id")
                                 .annotate(n=Count("id"), loss=Sum("loss_usd"))
                                 .values_list("country_id", "n", "loss")):
            out.reports[country] = n
            out.loss[country] = loss or Decimal(0)
        out.campaigns = _campaign_countries(ctx.user, in_period)
        country = visibility.viewer_country(ctx.user)
        if country and policy.allowed(ctx.user, "intel.alert.view"):
            out.alerts = Alert.objects.filter(country_id=country, day__gte=period.start,
                                              day__lte=period.end).count()
        return out

    return ctx.memo(("intel", "stats"), compute)


@dataclass(frozen=True)
class Cell:
    country: str
    month: datetime.date
    scam_type: str
    channel: str | None
    reports: int
    loss: Decimal


def cells(ctx: Context) -> list[Cell]:
    """Counted reports of the trend window (the twelve months ending with the period),
    grouped by country, month, scam type and channel: one scan that the trend and
    both rankings, at every scope, are summed from."""

    def compute() -> list[Cell]:
        first = ctx.period.trend_months()[0]
        rows = (_in(first, ctx.period.end, basis(ctx.user)).order_by()
                .annotate(month=TruncMonth("reported_on"))
                .values("country_id", "month", "scam_type_id", "channel_id")
                .annotate(n=Count("id"), loss=Sum("loss_usd"))
                .values_list("country_id", "month", "scam_type_id", "channel_id", "n", "loss"))
        return [Cell(country, month.date() if isinstance(month, datetime.datetime) else month,
                     scam_type, channel, n, loss or Decimal(0))
                for country, month, scam_type, channel, n, loss in rows]

    return ctx.memo(("intel", "cells"), compute)


def _scoped(ctx: Context, scope: str) -> list[Cell]:
    return [c for c in cells(ctx) if scope == REGION or c.country == scope]


def monthly(ctx: Context, scope: str) -> list[dict[str, Any]]:
    """Reports and losses per month for the twelve months ending with the period."""
    found: dict[datetime.date, list] = defaultdict(lambda: [0, Decimal(0)])
    for cell in _scoped(ctx, scope):
        found[cell.month][0] += cell.reports
        found[cell.month][1] += cell.loss
    return [{"month": first.isoformat(), "reports": found[first][0] if first in found else 0,
             "loss_usd": float(found[first][1]) if first in found else 0.0}
            for first in ctx.period.trend_months()]


def top(ctx: Context, scope: str, dimension: str) -> list[dict[str, Any]]:
    """The most reported scam types or contact channels in the period."""
    from jaring.reference.models import ContactChannel, ScamType

    model = ScamType if dimension == "scam_type" else ContactChannel
    names = ctx.memo(("intel", "names", dimension),
                     lambda: dict(model.objects.values_list("pk", "name")))
    totals: dict[str, list] = defaultdict(lambda: [0, Decimal(0)])
    for cell in _scoped(ctx, scope):
        key = cell.scam_type if dimension == "scam_type" else cell.channel
        if key is not None and cell.month >= ctx.period.start:
            totals[key][0] += cell.reports
            totals[key][1] += cell.loss
    ranked = sorted(((names.get(k, k), n, loss) for k, (n, loss) in totals.items()),
                    key=lambda row: (-row[1], row[0]))[:TOP]
    return [{"name": name, "reports": n, "loss_usd": float(loss)} for name, n, loss in ranked]


def _reports_url(ctx: Context, scope: str) -> str | None:
    if not analyst(ctx.user):
        return None
    query = {"since": ctx.period.start.isoformat(), "until": ctx.period.end.isoformat()}
    if scope != REGION:
        query["country"] = scope
    return f"{reverse('intel:reports')}?{urlencode(query)}"


def _campaigns_url(ctx: Context, scope: str) -> str | None:
    if not analyst(ctx.user):
        return None
    return f"{reverse('intel:campaigns')}?cross_border=1"


def _alerts_url(ctx: Context, scope: str) -> str | None:
    return reverse("intel:alerts")


def _alerts(ctx: Context, scope: str) -> int | None:
    # Alerts are addressed to one country: only its own users see them, at any scope
    # that includes it.
    own = visibility.viewer_country(ctx.user)
    if scope not in (REGION, own):
        return None
    return stats(ctx).alerts


FIGURES = [
    Figure("intel.reports", "Fraud reports", "reports", PART, "overview.view",
           lambda ctx, scope: stats(ctx).report_total(scope), dimension=SCALE,
           detail_url=_reports_url, order=10,
           help="Fraud reports received in the period (by date reported)."),
    Figure("intel.losses", "Losses", "USD", PART, "overview.view",
           lambda ctx, scope: stats(ctx).loss_total(scope), dimension=SCALE,
           detail_url=_reports_url, order=20,
           help="Losses reported in the period, converted to US dollars at the reference "
                "rate of the year."),
    Figure("intel.campaigns", "Cross-border campaigns", "campaigns", PART, "overview.view",
           lambda ctx, scope: stats(ctx).campaign_total(scope), dimension=COOPERATION,
           detail_url=_campaigns_url, order=30,
           help="Campaigns (reports linked by shared indicators) that span two or more "
                "member states and had a report in the period."),
    Figure("intel.alerts", "Cross-border alerts", "alerts", PART, "intel.alert.view",
           _alerts, dimension=COOPERATION, detail_url=_alerts_url, order=40, on_map=False,
           help="Alerts your country received when one of its campaigns crossed a border."),
]


def register_all() -> None:
    for figure in FIGURES:
        figures.register(figure)
    figures.register_source(
        PART, "Fraud reports submitted by national anti-scam centres and police to the "
              "cross-border fraud intelligence part, with losses converted to US dollars at "
              "Jaring's reference exchange rates; campaigns are reports linked by shared "
              "indicators.")
