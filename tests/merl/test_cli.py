"""`jaring merl …` in process, on the test database."""

import csv

from typer.testing import CliRunner

from jaring.audit.models import AuditEvent
from jaring.cli.main import app
from jaring.merl.models import DataValue, Violation
from tests.merl.factories import publish


def invoke(*args):
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    assert "Traceback" not in result.output
    return result


def test_template_then_import_round_trip(framework, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "th.xlsx"
    result = invoke("merl", "template", "--country", "th", "--period", "2025-Q2",
                    "--out", str(path))
    assert result.exit_code == 0, result.output
    book = load_workbook(path)
    book["Values"]["D2"] = 17
    book["Values"]["D3"] = "x"
    book.save(path)
    errors = tmp_path / "errors.csv"
    result = invoke("merl", "import", str(path), "--errors", str(errors))
    assert result.exit_code == 0 and "1 new" in result.output and "1 refused" in result.output
    assert list(csv.reader(errors.open()))[1][:2] == ["3", "value"]
    assert DataValue.objects.get().source == "xlsx"
    assert AuditEvent.objects.filter(action="merl.values.store", via="cli").exists()
    assert "0 new" in invoke("merl", "import", str(path)).output  # idempotent


def test_errors_are_one_line(framework, tmp_path):
    result = invoke("merl", "template", "--country", "XX", "--period", "2025-Q2",
                    "--out", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 1 and "not a member state" in result.output
    result = invoke("merl", "template", "--country", "TH", "--period", "2025-Q9",
                    "--out", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 1 and "not a period" in result.output
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    result = invoke("merl", "import", str(bad))
    assert result.exit_code == 1 and "dataValues" in result.output
    result = invoke("merl", "import", str(tmp_path / "values.txt"))
    assert result.exit_code == 1 and "--format" in result.output
    result = invoke("merl", "export", "--format", "pdf", "--out", str(tmp_path / "x"))
    assert result.exit_code == 1


def test_validate_and_export(framework, tmp_path):
    publish("SG", "2025-Q1", ("VA.IDENTIFIED", "SG", "2025-Q1", "2"),
            ("VA.REFERRED", "SG", "2025-Q1", "9"))
    result = invoke("merl", "validate", "--country", "SG", "--period", "2025-Q1")
    assert result.exit_code == 0 and "findings" in result.output
    assert Violation.objects.filter(kind="rule", country_id="SG").exists()
    for fmt in ("csv", "sdmx-csv", "sdmx-ml", "structure"):
        out = tmp_path / f"open.{fmt}"
        result = invoke("merl", "export", "--format", fmt, "--out", str(out))
        assert result.exit_code == 0, result.output
    text = (tmp_path / "open.sdmx-csv").read_text()
    assert "VA.IDENTIFIED,SG,Q,_T,_Z,_T,2025-Q1,,COUNT,C" in text


def test_framework_load_is_idempotent(db):
    from jaring.merl.models import Indicator

    assert invoke("merl", "framework").exit_code == 0
    count = Indicator.objects.count()
    assert invoke("merl", "framework").exit_code == 0
    assert Indicator.objects.count() == count > 10
