"""Setting up Django from the command line, and turning failures into one clear line."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

import typer
from rich.console import Console

console = Console()
err_console = Console(stderr=True)

_ready = False


def setup_django() -> None:
    global _ready
    if _ready:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
    import django

    django.setup()
    _ready = True


def fail(message: str, code: int = 1) -> None:
    # soft_wrap: one line however long, so scripts and logs see the whole message.
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


class CommandError(Exception):
    """A failure the user can act on; shown as one line without a traceback."""


def friendly(func: Callable) -> Callable:
    """Show expected failures as one line and a non-zero exit, never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from django.core.exceptions import ValidationError
        from django.db import DatabaseError

        from jaring.crypto.keyring import KeyFileError

        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except CommandError as exc:
            fail(str(exc))
        except KeyFileError as exc:
            fail(str(exc))
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                parts = [f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()]
            else:
                parts = exc.messages
            fail("; ".join(parts))
        except DatabaseError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            fail(f"database error: {first} (is the database upgraded? run `jaring db upgrade`)")
        except KeyboardInterrupt:
            fail("interrupted", code=130)
        except OSError as exc:
            fail(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))

    return wrapper


@contextmanager
def cli_audit() -> Iterator[None]:
    from jaring.audit.services import as_system

    with as_system("cli"):
        yield


def is_tty() -> bool:
    return sys.stderr.isatty()
