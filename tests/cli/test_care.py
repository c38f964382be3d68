"""`jaring care …` and `jaring keys rotate` in process, on the test database."""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from jaring.care.models import Case
from jaring.care.personal import unseal
from jaring.cli.main import app
from jaring.crypto import keyring
from jaring.crypto.cipher import key_id_of
from jaring.identity.roles import Role
from tests.care.factories import new_case, person, staff

pytestmark = pytest.mark.django_db


def invoke(*args):
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def case():
    worker = staff(Role.CASEWORKER, "KH")
    return new_case(worker, data=person(given_name="Sokha"),
                    consents=("services", "statistics"))


def test_access_request_writes_json_and_pdf(case, tmp_path):
    result = invoke("care", "access-request", case.reference, "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    document = json.loads((tmp_path / f"{case.reference}.json").read_text())
    assert document["person"]["given_name"] == "Sokha"
    assert (tmp_path / f"{case.reference}.pdf").read_bytes().startswith(b"%PDF")


def test_unknown_case_is_one_line_and_non_zero(tmp_path):
    result = invoke("care", "erase", "CW-XX-404")
    assert result.exit_code == 1 and "no case 'CW-XX-404'" in result.output


def test_erase_twice_is_harmless(case):
    assert invoke("care", "erase", str(case.pk)).exit_code == 0
    again = invoke("care", "erase", case.reference)
    assert again.exit_code == 0 and "was anonymised" in again.output
    assert Case.objects.get(pk=case.pk).person.data_enc == ""


def test_exports(case, tmp_path):
    out = tmp_path / "htcds.csv"
    assert invoke("care", "export", "--format", "htcds", "--out", str(out)).exit_code == 0
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 1 and rows[0]["citizenship"] == "ID" and "Sokha" not in out.read_text()
    kpis = tmp_path / "kpis.csv"
    assert invoke("care", "export", "--format", "csv", "--out", str(kpis)).exit_code == 0
    assert "KH" in kpis.read_text()
    bad = invoke("care", "export", "--format", "xml", "--out", str(kpis))
    assert bad.exit_code == 1 and "htcds or csv" in bad.output


def test_apply_retention_runs(case):
    result = invoke("care", "apply-retention")
    assert result.exit_code == 0 and "Anonymised 0 case(s)" in result.output


def test_keys_rotate(case, settings, tmp_path):
    copy = tmp_path / "keys.json"
    keyring.write(copy, keyring.read(settings.KEY_FILE))
    settings.KEY_FILE = str(copy)
    keyring.forget()
    result = invoke("keys", "rotate")
    assert result.exit_code == 0, result.output
    data_enc = Case.objects.get(pk=case.pk).person.data_enc
    assert key_id_of(data_enc) == "KH.2" and unseal("KH", data_enc).given_name == "Sokha"
    resumed = invoke("keys", "rotate", "--reencrypt-only")
    assert resumed.exit_code == 0 and "Re-encrypted 0 values" in resumed.output
    keyring.forget()


@pytest.mark.slow
def test_bench_care_reports_every_figure(tmp_path):
    from tests.cli.conftest import run_jaring

    result = run_jaring("bench", "care", "--cases", "300", cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    for figure in ("Case list with filters p95", "Exact name search p95", "Opening a case p95"):
        assert figure in result.stdout
