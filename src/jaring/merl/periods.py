"""Reporting periods as SDMX time-period strings: 2025, 2025-S1, 2025-Q3, 2025-07.

One string names a period everywhere (data values, approvals, exports), so the
open-data files need no translation and periods sort as text within a frequency.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

FREQUENCIES = ("month", "quarter", "semester", "year")
_MONTHS_IN = {"month": 1, "quarter": 3, "semester": 6, "year": 12}
_SDMX_FREQ = {"month": "M", "quarter": "Q", "semester": "S", "year": "A"}
_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<q>[1-4])|S(?P<s>[12])))?$")


class PeriodError(ValueError):
    """Not a period Jaring understands; the message says what was expected."""


@dataclass(frozen=True, order=True)
class Period:
    year: int
    index: int  # 1-based month, quarter or semester; 1 for a year
    frequency: str

    @classmethod
    def parse(cls, text: str) -> Period:
        text = (text or "").strip().upper()
        # DHIS2 writes 202501, 2025Q1 and 2025S1; accept them as their SDMX forms.
        dhis = re.match(r"^(\d{4})(\d{2})$", text) or re.match(r"^(\d{4})([QS]\d)$", text)
        if dhis:
            text = f"{dhis.group(1)}-{dhis.group(2)}"
        match = _PATTERN.match(text)
        if not match:
            raise PeriodError(f"{text!r} is not a period: write 2025, 2025-S1, 2025-Q3 or 2025-07")
        year = int(match["year"])
        if match["month"]:
            month = int(match["month"])
            if not 1 <= month <= 12:
                raise PeriodError(f"{text!r}: month must be 01 to 12")
            return cls(year, month, "month")
        if match["q"]:
            return cls(year, int(match["q"]), "quarter")
        if match["s"]:
            return cls(year, int(match["s"]), "semester")
        return cls(year, 1, "year")

    def __str__(self) -> str:
        if self.frequency == "month":
            return f"{self.year}-{self.index:02d}"
        if self.frequency == "quarter":
            return f"{self.year}-Q{self.index}"
        if self.frequency == "semester":
            return f"{self.year}-S{self.index}"
        return str(self.year)

    @property
    def sdmx_frequency(self) -> str:
        return _SDMX_FREQ[self.frequency]

    @property
    def first_month(self) -> int:
        return (self.index - 1) * _MONTHS_IN[self.frequency] + 1

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, self.first_month, 1)

    @property
    def end(self) -> datetime.date:
        last = self.first_month + _MONTHS_IN[self.frequency] - 1
        if last == 12:
            return datetime.date(self.year, 12, 31)
        return datetime.date(self.year, last + 1, 1) - datetime.timedelta(days=1)

    def months(self) -> list[str]:
        """The months inside this period, as month-period strings."""
        return [f"{self.year}-{m:02d}" for m in
                range(self.first_month, self.first_month + _MONTHS_IN[self.frequency])]

    def in_frequency(self, frequency: str) -> Period:
        """The period of ``frequency`` holding this one's first month."""
        size = _MONTHS_IN[frequency]
        return Period(self.year, (self.first_month - 1) // size + 1, frequency)


def periods_between(first: Period, last: Period, frequency: str) -> list[Period]:
    """Every period of ``frequency`` from the one holding ``first`` to the one holding ``last``."""
    size = _MONTHS_IN[frequency]
    final_month = Period(last.year, last.first_month + _MONTHS_IN[last.frequency] - 1, "month")
    start, stop = first.in_frequency(frequency), final_month.in_frequency(frequency)
    found = []
    year, index = start.year, start.index
    while (year, index) <= (stop.year, stop.index):
        found.append(Period(year, index, frequency))
        index += 1
        if index > 12 // size:
            year, index = year + 1, 1
    return found


def month_of(day: datetime.date) -> str:
    return f"{day.year}-{day.month:02d}"
