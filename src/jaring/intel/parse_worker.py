"""The entry point of the parsing process of a parallel import.

Kept apart from ``importer`` and free of model imports: a spawned process imports
this module before Django is set up, and only then unpickles its work.
"""

from __future__ import annotations

import os
import pickle
import resource
from typing import Any

DONE = "done"


def run(queue: Any, settings_module: str, key_file: str, payload: bytes) -> None:
    try:
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
                for batch in parse_batches(*pickle.loads(payload)):  # noqa: S301 — from parent
                    queue.put(batch)
                    collect()
        except FormatError as exc:
            queue.put(FormatError(str(exc)))
    except Exception as exc:  # handed to the parent, which raises it
        queue.put(RuntimeError(f"parsing failed: {exc.__class__.__name__}: {exc}"))
    # Its peak memory, for the import's benchmark (the parent sees only the largest
    # child's peak through getrusage).
    queue.put((DONE, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
