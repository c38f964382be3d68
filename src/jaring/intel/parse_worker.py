"""The entry point of the parsing process of a parallel import.

Kept apart from ``importer`` and free of model imports: a spawned process imports
this module before Django is set up, and only then unpickles its work.
"""

from __future__ import annotations

import os
import pickle
import resource
import shutil
from pathlib import Path
from queue import Full
from typing import Any

DONE = "done"
PATIENCE = 2.0  # seconds between two checks that the storing process still lives


def _orphaned(parent: int, spool: str) -> bool:
    """Whether the storing process is gone; if so, nobody will read the batches this
    process wrote, and they are removed."""
    if os.getppid() == parent:
        return False
    shutil.rmtree(spool, ignore_errors=True)
    return True


def _put(queue: Any, item: Any, parent: int, spool: str) -> None:
    """Hand ``item`` over, waiting as long as the storing process lives: killed, it
    cannot end this process, which would otherwise wait on a full queue for ever."""
    while True:
        try:
            queue.put(item, timeout=PATIENCE)
            return
        except Full:
            if _orphaned(parent, spool):
                raise SystemExit(1) from None


def _yield_to_storing() -> None:
    """Run only on processor time the storing process and its database server leave.

    They are the import's bottleneck and hand work to each other thousands of times
    a pass; on a machine with fewer cores than processes, each hand-over found both
    cores taken by parsers often enough that, at ``nice`` 10, the two spent a fifth
    of an import waiting for a core. Linux's idle scheduling class gives way at once
    to any ordinary process that wakes; elsewhere the lowest niceness has to do.
    """
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        os.nice(19)


def run(queue: Any, settings_module: str, key_file: str, spool: str, payload: bytes) -> None:
    """Parse this process's share of the file; put on ``queue`` the path of each batch,
    written to a file in ``spool``, then ``(DONE, peak memory)``.

    Batches go through files, not the queue itself, so that this process can run
    ahead while the storing one links (seconds at a time) without holding the
    batches in memory: the operating system's page cache keeps them.
    """
    parent = os.getppid()
    try:
        _yield_to_storing()
        os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
        import django

        django.setup()
        from django.conf import settings

        from jaring.crypto import keyring

        # Reports are sealed here, so with exactly the parent's keys, whatever this
        # process's own settings would have chosen.
        settings.KEY_FILE = key_file
        keyring.forget()
        from jaring.core.bulk import batch_collection
        from jaring.intel.exchange import FormatError
        from jaring.intel.importer import parse_batches

        try:
            with batch_collection() as collect:
                work = pickle.loads(payload)  # noqa: S301 — from the parent
                part, _parts = work[-1]
                for number, batch in enumerate(parse_batches(*work)):
                    path = Path(spool, f"{part}-{number}")
                    # Created anew, readable by this user only (the directory is too).
                    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600),
                              "wb") as handle:
                        pickle.dump(batch, handle, protocol=pickle.HIGHEST_PROTOCOL)
                    _put(queue, str(path), parent, spool)
                    collect()
        except FormatError as exc:
            _put(queue, FormatError(str(exc)), parent, spool)
    except Exception as exc:  # handed to the parent, which raises it
        _put(queue, RuntimeError(f"parsing failed: {exc.__class__.__name__}: {exc}"), parent,
             spool)
    # Its peak memory, for the import's benchmark (the parent sees only the largest
    # child's peak through getrusage).
    _put(queue, (DONE, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss), parent, spool)
    _orphaned(parent, spool)
