"""`jaring demo`: build a demo database from scratch and serve it."""

from __future__ import annotations

import os
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from jaring.cli import runtime
from jaring.cli.runtime import CommandError, console, friendly, setup_django

DATABASE_NAME = "jaring.sqlite3"
# The only files `jaring demo` ever deletes, and only inside its own directory.
DATABASE_FILES = (DATABASE_NAME, f"{DATABASE_NAME}-wal", f"{DATABASE_NAME}-shm",
                  f"{DATABASE_NAME}-journal")


class Scale(StrEnum):
    small = "small"
    medium = "medium"
    large = "large"


def demo_environment(directory: Path) -> dict[str, str]:
    return {
        "JARING_DATA_DIR": str(directory),
        "DATABASE_URL": f"sqlite:///{directory / DATABASE_NAME}",
        "JARING_KEY_FILE": str(directory / "jaring-keys.json"),
        "JARING_DEBUG": "false",
        # The demo is served over plain http on the loopback interface; Secure
        # cookies would never be sent back, and nobody could sign in.
        "JARING_SECURE_COOKIES": "false",
    }


def remove_old_database(directory: Path) -> None:
    for name in DATABASE_FILES:
        path = directory / name
        if path.is_symlink() or (path.exists() and not path.is_file()):
            raise CommandError(f"{path} is not a plain file; remove it yourself")
        if path.exists():
            path.unlink()


def prepare(directory: Path) -> Path:
    """Point this process's settings at the demo directory; must run before Django starts."""
    directory = directory.expanduser().resolve()
    if directory.exists() and not directory.is_dir():
        raise CommandError(f"{directory} is not a directory")
    directory.mkdir(parents=True, exist_ok=True)
    environment = demo_environment(directory)
    if runtime._ready:
        # Settings are read once, at start-up: changing the environment now would
        # leave this process on another database, so refuse rather than guess.
        from django.conf import settings

        if str(settings.DATABASES["default"]["NAME"]) != str(directory / DATABASE_NAME):
            raise CommandError("`jaring demo` must start in a fresh process")
    os.environ.update(environment)
    return directory


class _BarProgress:
    def __init__(self, progress: Progress, task: TaskID) -> None:
        self._progress = progress
        self._task = task

    def total(self, n: int) -> None:
        self._progress.update(self._task, total=n)

    def advance(self, n: int = 1) -> None:
        self._progress.advance(self._task, n)


def accounts_table(accounts: list) -> Table:
    table = Table(title="Demo accounts", title_justify="left")
    table.add_column("Username", no_wrap=True)
    table.add_column("Role", no_wrap=True)
    table.add_column("Organisation", overflow="fold")
    table.add_column("Country")
    table.add_column("Password", no_wrap=True)
    for account in accounts:
        table.add_row(account.username, account.role, account.organisation, account.country,
                      account.password)
    return table


@friendly
def demo(
    seed: int = typer.Option(1, help="Random seed: the same seed builds the same data."),
    scale: Annotated[Scale, typer.Option(help="How much data to generate.")] = Scale.small,
    no_serve: bool = typer.Option(False, "--no-serve",
                                  help="Build the demo database and stop."),
    directory: Annotated[Path, typer.Option(
        "--dir", help="Directory for the demo database and key file.")] = Path("jaring-demo"),
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
) -> None:
    """Build a demo database from scratch (it replaces the last one) and serve it."""
    started = time.monotonic()
    directory = prepare(directory)
    remove_old_database(directory)
    setup_django()
    from jaring.cli.main import initialise, start_server, upgrade_database
    from jaring.demo.generator import DEMO_PASSWORD, DemoGenerator

    initialise()
    with console.status("Creating the database"):
        upgrade_database()
    generator = DemoGenerator(seed=seed, scale=scale.value)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:

        def on_step(step):
            return _BarProgress(progress, progress.add_task(step.label, total=None))

        generator.build(on_step=on_step)
    console.print(accounts_table(generator.accounts))
    console.print(
        f"Demo database: {directory / DATABASE_NAME} (seed {seed}, scale {scale.value}), "
        f"built in {time.monotonic() - started:.1f} s. Every demo account's password is "
        f"[bold]{DEMO_PASSWORD}[/]: demo only, never use it for real data."
    )
    if no_serve:
        console.print(f"To serve it later: JARING_DATA_DIR={directory} "
                      "JARING_SECURE_COOKIES=false jaring serve", highlight=False)
        return
    start_server(host, port)
