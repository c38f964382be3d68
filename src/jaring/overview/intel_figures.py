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
from jaring.intel.models import Alert, Campaign, FraudReport
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
    ids = in_period.filter(campaign__isnull=False).order_by().values("campaign_id")
    if analyst(user):
        # Analysts see a campaign's full country list on its page already.
        rows = Campaign.objects.filter(pk__in=ids, status=Campaign.Status.ACTIVE,
                                       countries__contains=",")
        return {pk: tuple(sorted(c for c in countries.split(",") if c))
                for pk, countries in rows.values_list("pk", "countries")}
    known: dict[int, set[str]] = defaultdict(set)
    shared = FraudReport.objects.filter(tlp__in=REGION_WIDE, campaign_id__in=ids,
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


def monthly(ctx: Context, scope: str, months: int = 12) -> list[dict[str, Any]]:
    """Reports and losses per month for the months ending with the period."""
    firsts = ctx.period.trend_months(months)
    rows = _in(firsts[0], ctx.period.end, basis(ctx.user))
    if scope != REGION:
        rows = rows.filter(country_id=scope)
    found = {
        (month.date() if isinstance(month, datetime.datetime) else month): (n, loss)
        for month, n, loss in rows.order_by().annotate(month=TruncMonth("reported_on"))
        .values("month").annotate(n=Count("id"), loss=Sum("loss_usd"))
        .values_list("month", "n", "loss")
    }
    return [{"month": first.isoformat(), "reports": found.get(first, (0, 0))[0],
             "loss_usd": float(found.get(first, (0, 0))[1] or 0)} for first in firsts]


def top(ctx: Context, scope: str, dimension: str) -> list[dict[str, Any]]:
    """The most reported scam types or contact channels in the period."""
    field_name = {"scam_type": "scam_type__name", "channel": "channel__name"}[dimension]
    rows = _in(ctx.period.start, ctx.period.end, basis(ctx.user))
    if scope != REGION:
        rows = rows.filter(country_id=scope)
    if dimension == "channel":
        rows = rows.filter(channel__isnull=False)
    found = (rows.order_by().values(field_name).annotate(n=Count("id"), loss=Sum("loss_usd"))
             .values_list(field_name, "n", "loss"))
    ranked = sorted(found, key=lambda row: (-row[1], row[0]))[:TOP]
    return [{"name": name, "reports": n, "loss_usd": float(loss or 0)}
            for name, n, loss in ranked]


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
