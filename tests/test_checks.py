"""Django's own checks: migrations match the models, and production settings are safe."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent

# Deploy-check warnings that are deliberate, each explained in docs/security.md.
ACCEPTED_DEPLOY_WARNINGS = {
    "security.W005",  # HSTS includeSubDomains: the operator's domain policy, not ours
    "security.W008",  # HTTPS redirect: done by the TLS proxy in front of waitress
    "security.W021",  # HSTS preload: an irreversible choice for the operator
}


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = StringIO()
    try:
        call_command("makemigrations", check=True, dry_run=True, stdout=out, stderr=out)
    except SystemExit:
        pytest.fail("models changed without a migration; run makemigrations:\n" + out.getvalue())


def test_system_checks_pass_without_warnings():
    call_command("check", fail_level="WARNING", stdout=StringIO())


def _deploy_check(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JARING_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="jaring.settings",
        JARING_DATA_DIR=str(tmp_path),
        JARING_ALLOWED_HOSTS="jaring.example.org",
        **extra,
    )
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    """Configured as docs/configuration.md says for production, only accepted warnings remain."""
    result = _deploy_check(
        tmp_path, JARING_HSTS_SECONDS="31536000", JARING_BEHIND_TLS_PROXY="true"
    )
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    found = set(re.findall(r"\((\w+\.[EW]\d+)\)", output))
    assert found <= ACCEPTED_DEPLOY_WARNINGS, output


def test_deploy_check_catches_debug_mode(tmp_path):
    """The check above can fail: switching on DEBUG is reported."""
    result = _deploy_check(tmp_path, JARING_DEBUG="true")
    assert "security.W018" in result.stdout + result.stderr


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _closure(requirements: list[str]) -> set[str]:
    """The declared distributions and everything they require, as installed here."""
    from importlib import metadata

    from packaging.requirements import Requirement

    seen: set[str] = set()
    pending = [(Requirement(r), {""}) for r in requirements]
    while pending:
        requirement, _ = pending.pop()
        name = _normalise(requirement.name)
        extras = {"", *requirement.extras}
        key = f"{name}[{','.join(sorted(extras))}]"
        if key in seen:
            continue
        seen.add(key)
        seen.add(name)
        try:
            needs = metadata.requires(requirement.name) or []
        except metadata.PackageNotFoundError:
            continue
        for line in needs:
            sub = Requirement(line)
            if sub.marker is None or any(sub.marker.evaluate({"extra": e}) for e in extras):
                pending.append((sub, extras))
    return {n for n in seen if "[" not in n}


def _imported_modules(root: Path) -> dict[str, str]:
    """Top-level modules imported anywhere under root -> one file importing each."""
    import ast

    found: dict[str, str] = {}
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return found


def _undeclared(root: Path, allowed: set[str]) -> list[str]:
    from importlib import metadata

    providers = metadata.packages_distributions()
    problems = []
    for module, where in sorted(_imported_modules(root).items()):
        if module in sys.stdlib_module_names or module in {"jaring", "tests", "__future__"}:
            continue
        dists = {_normalise(d) for d in providers.get(module, [])}
        if not dists & allowed:
            problems.append(f"{module} (imported in {where}; from {sorted(dists) or '?'})")
    return problems


def test_every_imported_package_is_a_declared_dependency():
    """A fresh `pip install` must bring every import: no module that only happens to be here."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = _closure(project["dependencies"])
    dev = _closure([*project["dependencies"], *project["optional-dependencies"]["dev"]])
    problems = [f"src: {p}" for p in _undeclared(ROOT / "src", runtime)]
    problems += [f"tests: {p}" for p in _undeclared(ROOT / "tests", dev)]
    assert not problems, "imported but not declared in pyproject.toml:\n" + "\n".join(problems)
