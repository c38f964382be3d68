"""The demo data generator and the steps that each part of Jaring adds to it.

A part registers a step in its own ``jaring/<app>/demo.py``::

    from jaring.demo.generator import DemoGenerator, StepProgress, demo_step

    @demo_step("care.cases", "Victim cases", order=300)
    def build_cases(gen: DemoGenerator, rng: random.Random, progress: StepProgress) -> None:
        progress.total(gen.count(40))
        ...

Every installed app's ``demo`` module is imported before a build, so no list
here needs editing. Steps run in ``order``; the platform's organisations and
users come first (order 100), so later steps can use ``gen.organisations`` and
``gen.users``. Each step gets its own random generator seeded from the demo seed
and the step's name: adding a step to one part does not change another part's
data for the same seed.

Writes go through the parts' services, as everywhere else, so demo data passes
the same validation and writes the same audit events as real use.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from jaring.demo import names, phones, text

SCALES: dict[str, int] = {"small": 1, "medium": 5, "large": 25}

# Demo only: printed at start so anyone trying the demo can sign in with any account.
DEMO_PASSWORD = "jaring-demo-2026"


class StepProgress:
    """What a step reports while it runs; the CLI shows it as a progress bar."""

    def total(self, n: int) -> None:
        """Declare how many units the step will do."""

    def advance(self, n: int = 1) -> None:
        """Report ``n`` more units done."""


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    func: Callable[[DemoGenerator, random.Random, StepProgress], None]
    order: int


_STEPS: dict[str, Step] = {}


def demo_step(name: str, label: str, order: int = 500) -> Callable:
    """Register a function as a demo-data step (see the module documentation)."""

    def register(func: Callable) -> Callable:
        if name in _STEPS and _STEPS[name].func is not func:
            raise ValueError(f"demo step {name!r} is registered twice")
        _STEPS[name] = Step(name=name, label=label, func=func, order=order)
        return func

    return register


def discover_steps() -> list[Step]:
    """Import every installed app's ``demo`` module and return the steps in order."""
    from django.utils.module_loading import autodiscover_modules

    import jaring.demo.accounts  # noqa: F401 — registers the platform step

    autodiscover_modules("demo")
    return sorted(_STEPS.values(), key=lambda step: (step.order, step.name))


@dataclass
class DemoAccount:
    """A sign-in account printed when the demo starts."""

    username: str
    role: str
    organisation: str
    country: str
    password: str = DEMO_PASSWORD


@dataclass
class DemoGenerator:
    seed: int = 1
    scale: str = "small"
    # Dates in demo records are relative to this day, so a demo looks current;
    # pass a fixed day to make two builds on different days identical.
    today: date = field(default_factory=lambda: datetime.now(UTC).date())
    accounts: list[DemoAccount] = field(default_factory=list)
    # Filled by the platform step: (country code or "", organisation kind) -> Organisation
    organisations: dict[tuple[str, str], Any] = field(default_factory=dict)
    users: list[Any] = field(default_factory=list)
    # Free for steps to share what later steps need, keyed by "<app>.<thing>".
    shared: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.scale not in SCALES:
            raise ValueError(f"scale must be one of {', '.join(SCALES)}, not {self.scale!r}")

    @property
    def factor(self) -> int:
        return SCALES[self.scale]

    def count(self, small: int) -> int:
        """How many of something to make, given how many the small scale makes."""
        return small * self.factor

    def rng(self, step_name: str) -> random.Random:
        # String seeds hash with SHA-512, so this is stable across processes and
        # independent of PYTHONHASHSEED.
        return random.Random(f"jaring-demo:{self.seed}:{step_name}")

    def person(self, country: str, rng: random.Random) -> names.Person:
        return names.person(country, rng)

    def phone(self, country: str, rng: random.Random) -> phones.DemoPhone:
        return phones.mobile_number(country, rng)

    def snippet(self, rng: random.Random, country: str | None = None) -> text.Snippet:
        return text.snippet(rng, country=country)

    def organisation(self, country: str | None, kind: str) -> Any:
        return self.organisations[(country or "", kind)]

    def steps(self) -> list[Step]:
        return discover_steps()

    def build(
        self,
        on_step: Callable[[Step], StepProgress] | None = None,
        only: list[str] | None = None,
    ) -> None:
        """Run every registered step (or those named in ``only``) against the database."""
        from jaring.audit.services import as_system, record_event

        steps = [s for s in self.steps() if only is None or s.name in only]
        with as_system("cli"):
            for step in steps:
                progress = on_step(step) if on_step is not None else StepProgress()
                step.func(self, self.rng(step.name), progress)
            # Marks the database as demo data; `jaring bench` only writes to such databases.
            record_event("demo.build", detail={"seed": self.seed, "scale": self.scale,
                                               "steps": [s.name for s in steps]})

    def build_platform(self, progress: StepProgress | None = None) -> None:
        """Only the platform step: organisations and users."""
        from jaring.audit.services import as_system
        from jaring.demo.accounts import build_platform

        with as_system("cli"):
            build_platform(self, self.rng("platform.accounts"), progress or StepProgress())
