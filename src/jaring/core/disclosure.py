"""Disclosure control for figures that count people: one small, shared rule.

A count of people below the threshold (but above zero) could point at someone, so
it is suppressed: the figure shows as "fewer than N" and takes part in no sum or
comparison. Zero is shown, because "nobody" identifies nobody. The MERL part may
grow a fuller module (complementary suppression, rounding); until then every page
and report passes people-counts through :func:`suppress` so there is one place to
change.
"""

from __future__ import annotations

from dataclasses import dataclass

from jaring.conf import env_int


def threshold() -> int:
    """Counts of people from 1 to threshold-1 are suppressed (read on each call, so tests
    and operators can change it without a restart of the code that imported this)."""
    value = env_int("JARING_DISCLOSURE_THRESHOLD", 5)
    if value < 1:
        raise ValueError(f"JARING_DISCLOSURE_THRESHOLD must be at least 1, not {value}")
    return value


@dataclass(frozen=True)
class Controlled:
    """A count after disclosure control: ``value`` is None when suppressed."""

    value: int | None
    threshold: int

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        return f"fewer than {self.threshold}" if self.value is None else f"{self.value:,}"


def suppress(count: int | None) -> Controlled:
    """The count as it may be published."""
    limit = threshold()
    if count is None or 0 < count < limit:
        return Controlled(None, limit)
    return Controlled(int(count), limit)


def rule_text() -> str:
    """The rule in plain language, for pages and reports."""
    return (f"Any figure that counts people (victims, survivors, people assisted) is shown "
            f"only when it is zero or at least {threshold()}; smaller counts appear as "
            f"\"fewer than {threshold()}\" and are left out of totals and comparisons, so "
            f"that no one can be singled out.")
