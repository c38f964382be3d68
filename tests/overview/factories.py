"""Fraud reports on chosen dates for overview tests, and a figure registered for a test."""

from __future__ import annotations

import contextlib
import datetime
import itertools
from collections.abc import Iterator

from jaring.intel.synthetic import tron_address
from jaring.overview import figures
from tests.intel.factories import submit

_n = itertools.count(1)


def wallet() -> tuple[str, str]:
    import random

    return ("crypto_wallet", tron_address(random.Random(f"overview-{next(_n)}")))


def report(country: str, day: str | datetime.date, *indicators: tuple[str, str],
           tlp: str = "green", loss: str = "1000", currency: str = "USD",
           scam_type: str = "investment", channel: str = "whatsapp"):
    return submit(country, *indicators, reported_on=str(day), tlp=tlp, loss_amount=loss,
                  loss_currency=currency, scam_type=scam_type, channel=channel)


def campaign(day: str, *countries: str, tlp: str = "green"):
    """One campaign spanning ``countries``: a report from each sharing one wallet."""
    shared = wallet()
    return [report(c, day, shared, tlp=tlp) for c in countries]


@contextlib.contextmanager
def registered(*items: figures.Figure | figures.Panel) -> Iterator[None]:
    """Register figures or panels for one test, as a later part would in its ready()."""
    for item in items:
        if isinstance(item, figures.Figure):
            figures.register(item)
        else:
            figures.register_panel(item)
    try:
        yield
    finally:
        for item in items:
            figures.unregister(item.key)
