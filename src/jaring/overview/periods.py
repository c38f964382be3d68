"""Reporting periods: a year (2026), a quarter (2026-Q2) or a month (2026-05)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """A calendar period: ``start`` inclusive, ``end`` inclusive, ``months`` long."""

    start: datetime.date
    months: int

    @property
    def end(self) -> datetime.date:
        return _add_months(self.start, self.months) - datetime.timedelta(days=1)

    @property
    def code(self) -> str:
        if self.months == 12:
            return f"{self.start.year}"
        if self.months == 3:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}-{self.start.month:02d}"

    @property
    def label(self) -> str:
        if self.months == 12:
            return str(self.start.year)
        if self.months == 3:
            return f"Q{(self.start.month - 1) // 3 + 1} {self.start.year}"
        return self.start.strftime("%B %Y")

    def previous(self) -> Period:
        return Period(_add_months(self.start, -self.months), self.months)

    def trend_months(self, count: int = 12) -> list[datetime.date]:
        """First days of the ``count`` months that end with this period's last month."""
        last = _add_months(self.start, self.months - 1)
        return [_add_months(last, -i) for i in range(count - 1, -1, -1)]

    def __str__(self) -> str:
        return self.code


def parse_period(text: str) -> Period:
    """Parse YYYY, YYYY-Qn or YYYY-MM; a ValueError says what was expected."""
    raw = (text or "").strip()
    if match := _YEAR.match(raw):
        year = int(match.group(1))
        if year >= 1900:
            return Period(datetime.date(year, 1, 1), 12)
    elif match := _QUARTER.match(raw):
        year, quarter = int(match.group(1)), int(match.group(2))
        if year >= 1900:
            return Period(datetime.date(year, 3 * quarter - 2, 1), 3)
    elif match := _MONTH.match(raw):
        year = int(match.group(1))
        if year >= 1900:
            return Period(datetime.date(year, int(match.group(2)), 1), 1)
    raise ValueError(f"period {raw!r}: expected a year (2026), a quarter (2026-Q2) "
                     f"or a month (2026-05)")


def current_year(today: datetime.date | None = None) -> Period:
    today = today or datetime.date.today()
    return Period(datetime.date(today.year, 1, 1), 12)


def choices(today: datetime.date | None = None, years: int = 4) -> list[Period]:
    """Periods offered in the page's selector: recent years, then this year's quarters."""
    today = today or datetime.date.today()
    out = [Period(datetime.date(today.year - i, 1, 1), 12) for i in range(years)]
    out += [Period(datetime.date(today.year, 3 * q - 2, 1), 3)
            for q in range(1, (today.month - 1) // 3 + 2)]
    return out
