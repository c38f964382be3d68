import io

from django.db import connection
from django.test.utils import CaptureQueriesContext

from jaring.audit.models import AuditEvent
from jaring.merl.models import DataValue, LearningEntry, PeriodApproval
from tests.factories import make_user
from tests.merl.factories import approver, enter, officer, publish


def test_entry_grid_saves_and_names_bad_cells(framework, signed_in):
    client = signed_in(officer("SG"))
    page = client.get("/merl/entry/SG/2025-Q1/")
    assert page.status_code == 200 and b"VA.IDENTIFIED" in page.content
    response = client.post("/merl/entry/SG/2025-Q1/", {
        "v|VA.IDENTIFIED|": "40", "v|VA.IDENTIFIED|sex=F": "22", "v|VA.REPATRIATED|": "-1"})
    assert response.status_code == 400 and b"cannot be negative" in response.content
    assert DataValue.objects.count() == 2  # the good cells are kept
    response = client.post("/merl/entry/SG/2025-Q1/", {"v|VA.REPATRIATED|": "3"})
    assert response.status_code == 302
    assert client.get("/merl/entry/TH/2025-Q1/").status_code == 403


def test_template_download_and_upload_report(framework, signed_in):
    client = signed_in(officer("SG"))
    response = client.get("/merl/entry/SG/2025-Q1/template.xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    csv_file = io.BytesIO(b"indicator,country,period,disaggregation,value\n"
                          b"VA.IDENTIFIED,SG,2025-Q1,,12\nVA.IDENTIFIED,TH,2025-Q1,,5\n")
    csv_file.name = "values.csv"
    page = client.post("/merl/upload", {"file": csv_file, "format": ""})
    assert page.status_code == 200
    assert b"1 new" in page.content and b"you may not enter values for TH" in page.content
    assert AuditEvent.objects.filter(action="access.denied", country="TH").exists()


def test_approval_pages(framework, signed_in, client):
    enter(officer("SG"), ("VA.IDENTIFIED", "SG", "2025-Q1", "40"))
    client = signed_in(officer("SG"))
    assert client.post("/merl/approvals/SG/2025-Q1/submit").status_code == 302
    client.logout()
    client = signed_in(approver("SG"))
    assert b"Approve" in client.get("/merl/approvals/").content
    client.post("/merl/approvals/SG/2025-Q1/approve")
    assert PeriodApproval.objects.get(period="2025-Q1").state == "approved"
    client.post("/merl/approvals/SG/2025-Q1/unlock", {"reason": ""})
    assert PeriodApproval.objects.get(period="2025-Q1").state == "approved"
    client.post("/merl/approvals/SG/2025-Q1/unlock", {"reason": "wrong quarter"})
    assert PeriodApproval.objects.get(period="2025-Q1").state == "draft"


def test_scorecard_query_count_is_bounded(framework, signed_in):
    for country in ("SG", "TH", "MY"):
        publish(country, "2025-Q1", ("VA.IDENTIFIED", country, "2025-Q1", "40"),
                ("VA.REFERRED", country, "2025-Q1", "30"))
    client = signed_in(make_user("viewer", "SG"))
    client.get("/merl/scorecard/?area=XR&year=2025")
    with CaptureQueriesContext(connection) as first:
        page = client.get("/merl/scorecard/?area=SG&year=2025")
    assert page.status_code == 200 and b"On track" in page.content
    for country in ("VN", "PH", "ID"):
        publish(country, "2025-Q2", ("VA.IDENTIFIED", country, "2025-Q2", "9"),
                ("VA.REPATRIATED", country, "2025-Q2", "7"))
    with CaptureQueriesContext(connection) as second:
        client.get("/merl/scorecard/?area=XR&year=2025")
    assert len(first) <= 20 and len(second) == len(first)


def test_open_data_is_public_and_controlled(framework, client):
    publish("SG", "2024-Q1", ("VA.IDENTIFIED", "SG", "2024-Q1", "3"))
    publish("TH", "2024-Q1", ("VA.IDENTIFIED", "TH", "2024-Q1", "40"))
    page = client.get("/merl/open-data/")
    assert page.status_code == 200 and b"withheld" in page.content
    text = client.get("/merl/open-data/csv").content.decode()
    assert "VA.IDENTIFIED,SG,2024-Q1,,,C" in text and "VA.IDENTIFIED,TH,2024-Q1,,,C" in text
    assert client.get("/merl/open-data/structure").status_code == 200
    assert client.get("/merl/open-data/nope").status_code == 404


def test_learning_log(framework, signed_in):
    client = signed_in(officer("SG"))
    response = client.post("/merl/learning/", {"kind": "lesson", "title": "Shelters first",
                                               "text": "Refer on the day of screening.",
                                               "indicators": "VA.REFERRED, NOPE"})
    assert response.status_code == 400 and b"NOPE" in response.content
    client.post("/merl/learning/", {"kind": "lesson", "title": "Shelters first",
                                    "text": "Refer on the day.", "indicators": "VA.REFERRED"})
    entry = LearningEntry.objects.get()
    assert [i.code for i in entry.indicators.all()] == ["VA.REFERRED"]
    client.post(f"/merl/learning/{entry.pk}/", {"status": "in_progress", "follow_up": "MoU"})
    entry.refresh_from_db()
    assert entry.status == "in_progress" and entry.follow_up == "MoU"


def test_api_values_and_dhis2(framework, client):
    from jaring.identity.services import create_token

    token = create_token(officer("SG"), name="t", scopes=["merl:write", "merl:read"]).secret
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = {"values": [{"indicator": "VA.IDENTIFIED", "country": "SG", "period": "2025-Q1",
                        "value": "12"},
                       {"indicator": "VA.IDENTIFIED", "country": "SG", "period": "2025",
                        "value": "12"}]}
    import json

    response = client.post("/api/v1/merl/values", json.dumps(body),
                           content_type="application/json", **headers)
    assert response.status_code == 200
    assert response.json()["created"] == 1
    assert response.json()["errors"][0]["row"] == 2
    dhis = {"dataValues": [{"dataElement": "VA.REFERRED", "period": "2025Q1", "orgUnit": "SG",
                            "value": "9"}]}
    response = client.post("/api/v1/merl/dhis2/dataValueSets", json.dumps(dhis),
                           content_type="application/json", **headers)
    assert response.json()["created"] == 1
    values = client.get("/api/v1/merl/values?country=SG", **headers).json()
    assert {v["source"] for v in values} == {"api", "dhis2"}


def test_administrators_edit_the_framework_in_the_admin(framework, client):
    admin = make_user("administrator", "SG")
    client.force_login(admin)
    indicator = framework.nodes.get(code="O2.1").indicators.get(code="VA.REPATRIATED")
    assert client.get(f"/admin/merl/indicator/{indicator.pk}/change/").status_code == 200
    assert client.get("/admin/merl/datavalue/add/").status_code == 403  # values: services only


def test_a_values_history_shows_in_the_admin(framework, client):
    enter(officer("SG"), ("VA.IDENTIFIED", "SG", "2025-Q1", "40"))
    enter(officer("SG"), ("VA.IDENTIFIED", "SG", "2025-Q1", "44"))
    client.force_login(make_user("administrator", "SG"))
    value = DataValue.objects.get()
    page = client.get(f"/admin/merl/datavalue/{value.pk}/change/")
    assert page.status_code == 200 and b"40.0000" in page.content and b"44.0000" in page.content


def test_api_files_template_explain_and_follow_up(framework, client):
    import json

    from jaring.identity.services import create_token
    from jaring.merl.models import Violation

    user = officer("SG")
    token = create_token(user, name="t", scopes=["merl:write", "merl:read"]).secret
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    template = client.get("/api/v1/merl/template/SG/2025-Q1", **headers)
    assert template.status_code == 200 and template.content[:2] == b"PK"
    response = client.post("/api/v1/merl/files/xlsx", template.content,
                           content_type="application/octet-stream", **headers)
    assert response.status_code == 200 and response.json()["created"] == 0
    csv_body = b"indicator,country,period,disaggregation,value\nVA.IDENTIFIED,SG,2025-Q1,,7\n"
    response = client.post("/api/v1/merl/files/csv", csv_body, content_type="text/csv",
                           **headers)
    assert response.json()["created"] == 1
    assert client.post("/api/v1/merl/files/pdf", b"", content_type="text/plain",
                       **headers).status_code == 400
    finding = Violation.objects.create(fingerprint="x", kind="outlier", country_id="SG",
                                       period="2025-Q1", message="far off")
    response = client.post(f"/api/v1/merl/violations/{finding.pk}/explain",
                           json.dumps({"note": "A shelter opened"}),
                           content_type="application/json", **headers)
    assert response.json()["status"] == "explained"
    entry = client.post("/api/v1/merl/learning", json.dumps(
        {"kind": "lesson", "title": "t", "text": "x", "indicators": ["VA.REFERRED"]}),
        content_type="application/json", **headers).json()
    response = client.post(f"/api/v1/merl/learning/{entry['id']}/follow-up",
                           json.dumps({"status": "done", "follow_up": "Agreed"}),
                           content_type="application/json", **headers)
    assert response.json()["status"] == "done" and response.json()["follow_up"] == "Agreed"
