"""The documentation keeps up with the code.

Every CLI command, option and argument has its section in docs/cli.md; every
environment variable the code reads is in docs/configuration.md; the README shows
the two commands; and no document links to a file that is not there.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import typer.main

from jaring.cli.main import app
from jaring.conf import ENV_SETTINGS

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SRC = ROOT / "src" / "jaring"
ENV_READERS = {"env", "env_bool", "env_int", "env_list"}
HEADING = re.compile(r"^(#{1,6})\s+`jaring(?P<path>(?: [a-z0-9-]+)*)`", re.MULTILINE)


# Typer vendors its own copy of click, so commands and parameters are recognised by
# their attributes rather than by click's classes.
def leaf_commands(command: Any, path: tuple[str, ...] = ()) -> dict[str, Any]:
    if hasattr(command, "commands"):
        found: dict[str, Any] = {}
        for name, sub in command.commands.items():
            found.update(leaf_commands(sub, (*path, name)))
        return found
    return {" ".join(("jaring", *path)): command}


def cli_sections() -> dict[str, str]:
    """docs/cli.md split at headings naming a command: "jaring x y" -> its section."""
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    headings = [
        (m.start(), len(m.group(1)), f"jaring{m.group('path')}") for m in HEADING.finditer(text)
    ]
    all_headings = [
        (m.start(), len(m.group(1))) for m in re.finditer(r"^(#{1,6})\s", text, re.MULTILINE)
    ]
    sections = {}
    for start, level, name in headings:
        end = next(
            (pos for pos, lvl in all_headings if pos > start and lvl <= level), len(text)
        )
        sections[name] = text[start:end]
    return sections


def documented_names(command: Any) -> list[str]:
    """What a reader must find in the command's section: options and arguments."""
    names = []
    for param in command.params:
        if param.param_type_name == "option":
            names += [o for o in (*param.opts, *param.secondary_opts) if o.startswith("--")]
        elif param.param_type_name == "argument":
            names.append((param.name or "").upper())
    return [n for n in names if n != "--help"]


def test_every_cli_command_and_option_is_in_docs_cli_md():
    commands = leaf_commands(typer.main.get_command(app))
    assert len(commands) >= 8, sorted(commands)
    sections = cli_sections()
    problems = []
    for path, command in sorted(commands.items()):
        if path not in sections:
            problems.append(f"`{path}` has no section (a heading \"## `{path}`\") in docs/cli.md")
            continue
        problems += [
            f"`{path}`: {name} is not documented in its section of docs/cli.md"
            for name in documented_names(command)
            if not re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", sections[path])
        ]
    groups = {" ".join(p.split()[:n]) for p in commands for n in range(1, len(p.split()))}
    problems += [
        f"docs/cli.md documents `{name}`, which is not a command"
        for name in sorted(sections)
        if name not in commands and name not in groups
    ]
    assert not problems, "\n".join(problems)


def env_names_in_source() -> set[str]:
    """Names passed as literals to env()/env_bool()/... or os.environ.get()/os.getenv()."""
    names = set()
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            first = node.args[0]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if called in ENV_READERS or (
                called in {"get", "getenv", "setdefault"} and first.value.startswith("JARING_")
            ):
                names.add(first.value)
    return names


def test_every_environment_variable_is_in_docs_configuration_md():
    assert "JARING_DATA_DIR" in ENV_SETTINGS, "jaring.settings was not imported"
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\|\s*`([A-Z][A-Z0-9_]+)`", text, re.MULTILINE))
    read = set(ENV_SETTINGS) | env_names_in_source()
    missing = sorted(read - documented)
    assert not missing, (
        "read by the code but missing from the tables in docs/configuration.md: "
        + ", ".join(missing)
    )
    scripts = " ".join(p.read_text(encoding="utf-8") for p in (ROOT / "scripts").glob("*.sh"))
    stale = sorted(n for n in documented - read if n not in scripts)
    assert not stale, "docs/configuration.md documents variables nothing reads: " + ", ".join(
        stale
    )


def test_readme_shows_the_two_commands_and_ci_runs_the_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in ("scripts/demo.sh", "scripts/test.sh"):
        assert command in readme, f"README.md does not show {command}"
        assert (ROOT / command).is_file(), f"{command} is missing"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "scripts/test.sh" in ci, ".ci/run must run the README's test command"


def test_relative_links_in_docs_point_to_files():
    broken = []
    for doc in [ROOT / "README.md", *DOCS.rglob("*.md")]:
        text = doc.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:|#", target):
                continue
            if not (doc.parent / target.split("#", 1)[0]).exists():
                broken.append(f"{doc.relative_to(ROOT)} -> {target}")
    assert not broken, "links to missing files: " + ", ".join(broken)


def test_every_decision_record_has_status_and_context():
    records = sorted((DOCS / "decisions").glob("[0-9][0-9][0-9][0-9]-*.md"))
    assert records, "docs/decisions/ holds no decision records"
    for record in records:
        text = record.read_text(encoding="utf-8")
        for part in ("## Context", "## Decision", "## Consequences"):
            assert part in text, f"{record.name} lacks a '{part}' section"
