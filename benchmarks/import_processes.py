"""Where a bulk import's time goes, process by process (Linux only).

    .venv/bin/python benchmarks/import_processes.py FILE [--every 0.5]

Runs ``jaring intel import FILE`` on the database the environment names
(``DATABASE_URL``, ``JARING_DATA_DIR``), and meanwhile reads from ``/proc``, every
``--every`` seconds, the CPU time of the storing process, of its parsing
processes, of its PostgreSQL connection and of the server's other processes, and
how long each waited, ready to run, for a core (``/proc/<pid>/task/*/schedstat``).
It prints one table at the end, and the timeline (seconds, then each group's CPU
time so far) with ``--timeline PATH``.

An import on a machine with fewer cores than busy processes is bound by the
cores as a whole: the table tells whether a change saved CPU time or only moved
the waiting from one process to another (see docs/benchmarks.md, eleventh
session). Run it on a quiet machine, on a copy of a migrated database, and
compare the sums of several runs: the wall time of one run varies by several
percent here.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

GROUPS = ("storing", "parsers", "connection", "server")
TICKS = os.sysconf("SC_CLK_TCK")


def _read(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return handle.read().decode(errors="replace")
    except OSError:
        return None


def _sample(storing: int | None) -> dict[int, tuple[str, float, float]]:
    """Each relevant process: (group, CPU seconds, seconds waited for a core).
    Without ``storing``, the server's processes alone."""
    found = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        stat = _read(f"/proc/{name}/stat")
        command = _read(f"/proc/{name}/cmdline")
        if stat is None or command is None:
            continue
        pid = int(name)
        executable = stat[stat.find("(") + 1:stat.rfind(")")]
        fields = stat[stat.rfind(")") + 2:].split()
        parent = int(fields[1])
        if storing is not None and pid == storing:
            group = "storing"
        elif storing is not None and parent == storing:
            group = "parsers"
        elif executable.startswith("postgres"):
            # A server process serving a client names it in its title (``[local]``,
            # or host and port): on a quiet machine, the import is the only client.
            group = "connection" if "[local]" in command or "(" in command else "server"
        else:
            continue
        waited = 0.0
        try:
            tasks = os.listdir(f"/proc/{name}/task")
        except OSError:  # gone meanwhile
            continue
        for task in tasks:
            line = _read(f"/proc/{name}/task/{task}/schedstat")
            if line:
                waited += int(line.split()[1]) / 1e9
        found[pid] = (group, (int(fields[11]) + int(fields[12])) / TICKS, waited)
    return found


def _by_group(latest: dict[int, tuple[str, float, float]]
              ) -> tuple[dict[str, float], dict[str, float]]:
    """CPU seconds and seconds waited, summed by group."""
    cpu_by: dict[str, float] = defaultdict(float)
    waited_by: dict[str, float] = defaultdict(float)
    for group, cpu, waited in latest.values():
        cpu_by[group] += cpu
        waited_by[group] += waited
    return cpu_by, waited_by


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--every", type=float, default=0.5)
    parser.add_argument("--timeline", type=Path)
    args = parser.parse_args()
    if not Path("/proc/self/schedstat").exists():
        print("needs Linux's /proc with scheduler statistics", file=sys.stderr)
        return 1
    jaring = Path(sys.executable).with_name("jaring")
    # What ran before the import (the server's long-lived processes) counts from now.
    before = {pid: (cpu, waited) for pid, (_g, cpu, waited) in _sample(None).items()}
    started = time.perf_counter()
    child = subprocess.Popen([str(jaring), "intel", "import", str(args.file)])
    latest: dict[int, tuple[str, float, float]] = {}
    timeline = []
    while child.poll() is None:
        for pid, (group, cpu, waited) in _sample(child.pid).items():
            cpu0, waited0 = before.get(pid, (0.0, 0.0))
            latest[pid] = (group, cpu - cpu0, waited - waited0)
        totals, _waited = _by_group(latest)
        timeline.append((time.perf_counter() - started, *(totals[g] for g in GROUPS)))
        time.sleep(args.every)
    wall = time.perf_counter() - started
    cpu_by, waited_by = _by_group(latest)
    print(f"{'':<12}{'CPU s':>10}{'waited s':>10}")
    for group in GROUPS:
        print(f"{group:<12}{cpu_by[group]:>10.1f}{waited_by[group]:>10.1f}")
    print(f"{'all':<12}{sum(cpu_by.values()):>10.1f}")
    print(f"wall {wall:.1f} s on {os.cpu_count()} cores; exit status {child.returncode}")
    if args.timeline:
        args.timeline.write_text("".join(" ".join(f"{v:.2f}" for v in row) + "\n"
                                         for row in timeline))
    return child.returncode


if __name__ == "__main__":
    raise SystemExit(main())
