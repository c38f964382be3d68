from __future__ import annotations

from ninja import Field, Schema


class FigureOut(Schema):
    key: str = Field(..., description="e.g. intel.reports; parts add their own")
    label: str
    unit: str
    part: str
    dimension: str
    value: float | None = Field(None, description="None when suppressed or when there is no data")
    previous: float | None = Field(None, description="The previous period of the same length")
    suppressed: bool = Field(..., description="A people-count below the disclosure threshold")
    text: str = Field(..., description="The value as the pages show it")
    change: str = Field(..., description="e.g. +12.5%, new, no change; empty when not comparable")


class FiguresOut(Schema):
    period: str
    previous_period: str
    scope: str
    figures: list[FigureOut]
    links: list[tuple[str, str, int]] = Field(
        ..., description="Pairs of member states and the cross-border campaigns they share")
    notes: list[str] = Field(..., description="What the figures count, and the disclosure rule")
