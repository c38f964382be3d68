"""Values as they arrive and the row-level report of what was stored and what was not."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RowIn:
    """One value as it arrived, before any check; ``line`` names it in error reports."""

    line: int
    indicator: str
    country: str
    period: str
    value: str
    disaggregation: str = ""
    comment: str = ""


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.line}: {self.field}: {self.reason}"


@dataclass
class StoreResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return self.created + self.updated + self.unchanged
