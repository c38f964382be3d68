import datetime

import pytest

from jaring.audit.models import AuditEvent
from jaring.intel.models import Alert, FraudReport
from tests.factories import make_user
from tests.intel.factories import centre, submit

pytestmark = pytest.mark.django_db

MULE = ("bank_account", "Maybank 1234 5678 9012")


@pytest.fixture
def analyst_sg(signed_in):
    centre("SG")
    user = make_user("intel_analyst", "SG")
    return signed_in(user)


def _form(**overrides):
    data = {
        "reference": "SPF-1", "reported_on": (datetime.date.today()).isoformat(),
        "scam_type": "investment", "channel": "whatsapp", "loss_amount": "2500",
        "loss_currency": "SGD", "victim_name": "Tan Wei Ming", "narrative": "Lost savings",
        "tlp": "amber", "ind-TOTAL_FORMS": "6", "ind-INITIAL_FORMS": "0",
        "ind-MIN_NUM_FORMS": "0", "ind-MAX_NUM_FORMS": "50",
        "ind-0-kind": "bank_account", "ind-0-value": "Maybank 1234-5678-9012",
        "ind-1-kind": "phone", "ind-1-value": "+66 81 234 5678",
    }
    data.update(overrides)
    return data


def test_submit_through_the_form_links_and_alerts(analyst_sg):
    submit("MY", MULE, tlp="green")
    response = analyst_sg.post("/intel/reports/new", _form())
    assert response.status_code == 302, response.content.decode()[:2000]
    report = FraudReport.objects.get(reference="SPF-1")
    assert report.campaign is not None
    assert report.victim_name and "Tan" not in report.victim_name  # encrypted at rest
    assert set(Alert.objects.values_list("country_id", flat=True)) == {"MY", "SG"}
    page = analyst_sg.get(response.url)
    assert page.status_code == 200
    assert "Tan Wei Ming" in page.content.decode()
    assert AuditEvent.objects.filter(action="intel.report.read_personal_data").exists()


def test_form_names_the_bad_field(analyst_sg):
    response = analyst_sg.post("/intel/reports/new", _form(**{"ind-0-value": "Maybank 12ab"}))
    assert response.status_code == 400
    assert "not a valid bank account" in response.content.decode()
    assert not FraudReport.objects.exists()


def test_pages_render_for_an_analyst(analyst_sg):
    submit("MY", MULE, tlp="green")
    mine = submit("SG", MULE, tlp="amber")
    code = FraudReport.objects.get(pk=mine.pk).campaign.code
    for url in ["/intel/reports/", "/intel/campaigns/", f"/intel/campaigns/{code}/",
                "/intel/alerts/", "/intel/search?q=MBBEMYKL%3A123456789012",
                "/intel/warninglist/", "/intel/flagged/"]:
        response = analyst_sg.get(url)
        assert response.status_code == 200, url
    chart = analyst_sg.get(f"/intel/campaigns/{code}/charts/timeline.json").json()
    assert chart["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert len(chart["data"]["values"]) == 2
    found = analyst_sg.get("/intel/search?q=Maybank+1234+5678+9012&kind=bank_account")
    assert code in found.content.decode()


def test_other_countrys_red_report_is_only_a_notice(analyst_sg):
    red = submit("TH", MULE, tlp="red", victim_name="สมชาย ใจดี")
    submit("SG", MULE, tlp="amber")
    response = analyst_sg.get(f"/intel/reports/{red.pk}/")
    assert response.status_code == 404
    found = analyst_sg.get("/intel/search?q=Maybank+1234+5678+9012").content.decode()
    assert "Restricted matches" in found
    assert "Anti-scam centre TH" in found
    assert "สมชาย" not in found
