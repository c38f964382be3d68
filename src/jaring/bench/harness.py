"""Benchmarks that each part of Jaring registers, and the figures they report.

A part adds benchmarks in its own ``jaring/<app>/bench.py``::

    from jaring.bench.harness import BenchContext, Figure, benchmark

    @benchmark("intel")
    def search_latency(ctx: BenchContext) -> list[Figure]:
        ...
        return [Figure("Indicator search p95", p95_ms, "ms", goal=300, higher_is_better=False)]

Every installed app's ``bench`` module is imported before a run, so the part
name becomes a valid ``jaring bench`` argument without editing the CLI. A
benchmark runs against the database the command set up (a scratch SQLite
database by default), measures, and returns its figures; the harness prints
each figure beside its goal. Goals are stated with the figure, in code, so a
change of goal shows in review.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from rich.console import Console


class BenchError(Exception):
    """A benchmark could not measure what it measures; reported as one line."""


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    goal: float | None  # None: a figure reported for context, with no goal of its own
    higher_is_better: bool = True
    note: str = ""

    @property
    def met(self) -> bool:
        if self.goal is None:
            return True
        return self.value >= self.goal if self.higher_is_better else self.value <= self.goal

    @property
    def goal_text(self) -> str:
        if self.goal is None:
            return "(context)"
        return f"{'≥' if self.higher_is_better else '≤'} {_number(self.goal)} {self.unit}"

    @property
    def value_text(self) -> str:
        return f"{_number(self.value)} {self.unit}"


def _number(value: float) -> str:
    if value >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.2f}" if value >= 1 else f"{value:.3g}"


@dataclass
class BenchContext:
    """What a benchmark may use: a console for notes, and whether the database is scratch."""

    console: Console
    scratch: bool = True
    notes: list[str] = field(default_factory=list)
    # Sizes asked for on the command line (--reports, --cases); parts pick defaults.
    sizes: dict[str, int] = field(default_factory=dict)

    def size(self, name: str, default: int) -> int:
        return self.sizes.get(name, default)

    @contextmanager
    def stage(self, label: str) -> Iterator[None]:
        with self.console.status(label):
            yield


Benchmark = Callable[[BenchContext], list[Figure]]
_REGISTRY: dict[str, list[Benchmark]] = {}


def benchmark(part: str) -> Callable[[Benchmark], Benchmark]:
    """Register a benchmark function under a part name (platform, intel, care, merl...)."""

    def register(func: Benchmark) -> Benchmark:
        functions = _REGISTRY.setdefault(part, [])
        if func not in functions:
            functions.append(func)
        return func

    return register


def discover() -> dict[str, list[Benchmark]]:
    from django.utils.module_loading import autodiscover_modules

    import jaring.bench.platform  # noqa: F401 — registers the platform's benchmarks

    autodiscover_modules("bench")
    return dict(_REGISTRY)


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest sample at or above ``fraction`` of them."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def run(part: str, ctx: BenchContext) -> list[Figure]:
    figures: list[Figure] = []
    for func in discover()[part]:
        figures.extend(func(ctx))
    return figures
