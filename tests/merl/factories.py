"""Builders for MERL tests: the illustrative framework and values entered through services."""

from __future__ import annotations

from jaring.identity.roles import Role
from jaring.merl import services
from jaring.merl.framework import load_framework
from jaring.merl.models import Plan
from jaring.merl.rows import RowIn, StoreResult
from tests.factories import make_user


def framework() -> Plan:
    return load_framework()


def officer(country: str = "SG"):
    return make_user(Role.ME_OFFICER, country)


def approver(country: str | None = "SG"):
    return make_user(Role.ME_APPROVER, country)


def enter(user, *cells: tuple, source: str = "web") -> StoreResult:
    """``enter(user, ("VA.IDENTIFIED", "SG", "2025-Q1", "40"), ...)``; a fifth item is the
    disaggregation key."""
    rows = [RowIn(line=n, indicator=c[0], country=c[1], period=c[2], value=str(c[3]),
                  disaggregation=c[4] if len(c) > 4 else "")
            for n, c in enumerate(cells, 1)]
    return services.store_values(user, rows, source)


def publish(country: str, period: str, *cells: tuple) -> None:
    """Enter, submit and approve values, so that public outputs show them."""
    enter(officer(country), *cells)
    services.submit_period(officer(country), country, period)
    services.approve_period(approver(country), country, period)
