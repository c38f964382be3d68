import sqlite3

import pytest

from jaring.bench import harness
from jaring.bench.harness import BenchContext, Figure, percentile
from tests.cli.conftest import run_jaring


def test_figure_goal_direction():
    assert Figure("rate", 250, "events/s", goal=200).met
    assert not Figure("rate", 150, "events/s", goal=200).met
    assert Figure("latency", 80, "ms", goal=100, higher_is_better=False).met
    assert not Figure("latency", 120, "ms", goal=100, higher_is_better=False).met
    assert Figure("latency", 80, "ms", goal=100, higher_is_better=False).goal_text == "≤ 100 ms"


def test_percentile_is_nearest_rank():
    samples = list(range(1, 101))
    assert percentile(samples, 0.95) == 95
    assert percentile([5.0], 0.95) == 5.0
    with pytest.raises(ValueError):
        percentile([], 0.5)


def test_parts_register_benchmarks(db):
    def fake(ctx):
        return [Figure("answer", 42, "", goal=40)]

    harness.benchmark("zz-test")(fake)
    try:
        assert "platform" in harness.discover()
        figures = harness.run("zz-test", BenchContext(console=None))
        assert figures == [Figure("answer", 42, "", goal=40)]
    finally:
        harness._REGISTRY.pop("zz-test")


@pytest.mark.slow
def test_bench_platform_reports_every_figure(tmp_path):
    result = run_jaring("bench", "platform", cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    for figure in ("Audit events appended", "Audit chain verified", "Sign-in page render p95",
                   "Password sign-in p95"):
        assert figure in result.stdout
    assert "goals met" in result.stdout
    assert not list(tmp_path.iterdir()), "a scratch run leaves nothing behind"


@pytest.mark.slow
def test_bench_unknown_part(tmp_path):
    result = run_jaring("bench", "nonsense", cwd=tmp_path)
    assert result.returncode == 1
    assert "unknown part 'nonsense'" in result.stderr and "platform" in result.stderr


@pytest.mark.slow
def test_bench_refuses_a_live_database(tmp_path):
    live = tmp_path / "live"
    env = {"JARING_DATA_DIR": str(live), "JARING_NEW_PASSWORD": "correct horse battery staple"}
    assert run_jaring("init", cwd=tmp_path, env=env).returncode == 0
    assert run_jaring("user", "create", "root", "--role", "administrator", cwd=tmp_path,
                      env=env).returncode == 0
    database = live / "jaring.sqlite3"
    result = run_jaring("bench", "platform", "--database", f"sqlite:///{database}",
                        cwd=tmp_path, env=env)
    assert result.returncode == 1
    assert "scratch" in result.stderr
    with sqlite3.connect(database) as db:
        assert db.execute(
            "SELECT COUNT(*) FROM audit_auditevent WHERE action LIKE 'bench.%'").fetchone()[0] == 0
