"""The navigation: each part adds its entries here, each behind a permission."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from jaring.identity import policy


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str


NAV_ITEMS: list[NavItem] = [
    NavItem("Home", "core:home", "core.home"),
    NavItem("Alerts", "intel:alerts", "intel.alert.view"),
    NavItem("Reports", "intel:reports", "intel.shared.view"),
    NavItem("Search", "intel:search", "intel.shared.view"),
    NavItem("Campaigns", "intel:campaigns", "intel.shared.view"),
    NavItem("Review", "intel:flagged", "intel.indicator.review"),
    NavItem("Warninglist", "intel:warninglist", "intel.warninglist.view"),
    NavItem("Cases", "care:cases", "care.case.view"),
    NavItem("Overdue", "care:overdue", "care.case.view"),
    NavItem("Inbox", "care:inbox", "care.transfer.receive"),
    NavItem("Care figures", "care:report", "care.report.view"),
    NavItem("Overview", "overview:index", "overview.view"),
    NavItem("Scorecards", "merl:scorecard", "merl.framework.view"),
    NavItem("Data entry", "merl:entry_choose", "merl.value.enter"),
    NavItem("Approvals", "merl:approvals", "merl.value.view"),
    NavItem("Framework", "merl:framework", "merl.framework.view"),
    NavItem("Organisations", "core:organisations", "identity.organisation.view"),
    NavItem("API tokens", "identity:tokens", "identity.token.own"),
    NavItem("Administration", "admin:index", "identity.admin"),
]


def items_for(user: Any) -> list[dict[str, str]]:
    return [
        {"label": item.label, "url": reverse(item.url_name)}
        for item in NAV_ITEMS
        if policy.allowed(user, item.permission)
    ]
