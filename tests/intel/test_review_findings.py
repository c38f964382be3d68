"""Regression tests for the data-protection review of the intelligence part."""

import pytest

from jaring.audit.models import AuditEvent
from jaring.intel import services
from jaring.intel.models import Alert, FraudReport, Indicator, Sighting
from tests.factories import make_user
from tests.intel.factories import submit

pytestmark = pytest.mark.django_db

MULE = ("bank_account", "Maybank 1234 5678 9012")
WALLET = ("crypto_wallet", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")


@pytest.fixture
def analyst(client):
    def _as(country):
        user = make_user("intel_analyst", country)
        client.force_login(user)
        return client, user
    return _as


def test_report_list_hides_other_countries_references(analyst):
    submit("SG", MULE, tlp="green", reference="SG-SECRET-REF-42")
    client, _ = analyst("TH")
    page = client.get("/intel/reports/").content.decode()
    assert "SG-SECRET-REF-42" not in page
    assert ">1</td>" in page  # the shared report's one indicator is counted


def test_cross_border_views_are_audited(analyst):
    report = submit("SG", MULE, tlp="green")
    client, user = analyst("TH")
    client.get(f"/intel/reports/{report.pk}/")
    client.get("/api/v1/intel/reports")
    client.get("/intel/search", {"q": "Maybank 1234 5678 9012"})
    actions = list(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
    assert "intel.report.view_shared" in actions
    assert "intel.reports.view_shared" in actions
    assert "intel.search.view_shared" in actions


@pytest.mark.parametrize("url", ["/intel/campaigns/C-²/", "/api/v1/intel/campaigns/²",
                                 "/api/v1/intel/reports?campaign=²"])
def test_odd_campaign_codes_are_not_found_not_errors(analyst, url):
    client, _ = analyst("TH")
    assert client.get(url).status_code in (200, 404)


def test_bad_form_posts_are_400(analyst):
    client, _ = analyst("TH")
    assert client.post("/intel/flagged/", {"indicator": "abc", "reason": "x"}).status_code == 400
    admin = make_user("administrator", "SG")
    client.force_login(admin)
    assert client.post("/intel/warninglist/", {"remove": "abc"}).status_code == 400


def test_bad_api_filters_name_the_field(analyst):
    client, _ = analyst("TH")
    for query, field in (("country=ZZZZ", "country"), ("tlp=bogus", "tlp"),
                         ("scam_type=pyramid", "scam_type")):
        response = client.get(f"/api/v1/intel/reports?{query}")
        assert response.status_code == 400
        assert field in str(response.json())


def test_amber_values_stay_off_the_indicator_and_red_ones_are_withdrawn(analyst):
    submit("SG", WALLET, tlp="amber")
    indicator = Indicator.objects.get()
    assert indicator.value == ""
    report = submit("MY", MULE, tlp="green")
    mule = Indicator.objects.get(kind="bank_account")
    assert mule.value
    from jaring.intel.ingest import ingest
    from jaring.intel.validation import Vocabulary, parse_report
    from tests.intel.factories import raw_report

    raw = raw_report(reference=report.reference, tlp="red",
                     indicators=[{"kind": "bank_account", "value": MULE[1]}])
    item, _ = parse_report(raw, vocabulary=Vocabulary(), organisation_id=report.organisation_id,
                           country="MY")
    ingest([item])
    mule.refresh_from_db()
    assert mule.value == ""


def test_flagged_values_and_decisions_stay_with_the_reporting_country(analyst, settings):
    settings.INTEL_FANOUT_CAP = 1
    submit("SG", WALLET, tlp="red")
    submit("SG", WALLET, tlp="red")
    indicator = Indicator.objects.get()
    assert indicator.status == Indicator.Status.FLAGGED
    client, foreign = analyst("TH")
    assert WALLET[1] not in client.get("/intel/flagged/").content.decode()
    listed = client.get("/api/v1/intel/indicators/flagged").json()
    assert listed == []
    refused = client.post(f"/api/v1/intel/indicators/{indicator.pk}/review",
                          {"approve": True, "reason": "x"}, content_type="application/json")
    assert refused.status_code == 404
    assert AuditEvent.objects.filter(action="access.denied", actor=foreign).exists()
    own_client, _ = analyst("SG")
    approved = own_client.post(f"/api/v1/intel/indicators/{indicator.pk}/review",
                               {"approve": True, "reason": "same syndicate"},
                               content_type="application/json")
    assert approved.status_code == 200


def test_search_keeps_quiet_about_values_the_viewer_cannot_see(analyst):
    submit("SG", WALLET, tlp="amber")
    client, _ = analyst("TH")
    result = client.get("/api/v1/intel/search", {"q": WALLET[1]}).json()
    assert result["status"] is None and result["reports"] == []


def test_restoring_a_link_alerts_like_a_new_report():
    a = submit("SG", MULE, tlp="green")
    b = submit("MY", MULE, tlp="green")
    analyst = make_user("intel_analyst", "MY")
    sighting = Sighting.objects.get(report=b)
    services.mark_link_wrong(analyst, sighting, "mistake")
    Alert.objects.all().delete()
    services.restore_link(analyst, sighting)
    assert FraudReport.objects.get(pk=a.pk).campaign_id is not None
    assert set(Alert.objects.values_list("country_id", flat=True)) == {"MY", "SG"}


def test_news_puts_a_handled_alert_back_in_the_inbox():
    submit("SG", MULE, tlp="green")
    submit("MY", MULE, tlp="green")
    analyst = make_user("intel_analyst", "SG")
    alert = Alert.objects.get(country_id="SG")
    services.set_alert_state(analyst, alert, "actioned")
    submit("TH", MULE, tlp="green")
    alert.refresh_from_db()
    assert alert.state == Alert.State.NEW
    assert alert.report_count == 3


def test_an_unlink_mark_survives_a_role_change():
    from jaring.intel.ingest import ingest
    from jaring.intel.validation import Vocabulary, parse_report
    from tests.intel.factories import raw_report

    submit("SG", MULE, tlp="green")
    b = submit("MY", MULE, tlp="green")
    services.mark_link_wrong(make_user("intel_analyst", "MY"),
                             Sighting.objects.get(report=b), "not theirs\tsee\\notes\n")
    raw = raw_report(reference=b.reference, indicators=[
        {"kind": "bank_account", "value": MULE[1], "role": "other"}])
    item, _ = parse_report(raw, vocabulary=Vocabulary(), organisation_id=b.organisation_id,
                           country="MY")
    ingest([item])
    sighting = Sighting.objects.get(report=b)
    assert sighting.role == "other" and not sighting.linkable
    # Written again as it was (on PostgreSQL, through COPY's escapes).
    assert sighting.unlinked_reason == "not theirs\tsee\\notes"
    assert FraudReport.objects.get(pk=b.pk).campaign_id is None


def test_report_list_filters(analyst):
    submit("SG", MULE, tlp="green")
    submit("MY", WALLET, tlp="green")
    client, _ = analyst("TH")
    assert client.get("/intel/reports/").content.decode().count("intel/reports/") >= 2
    only_my = client.get("/intel/reports/", {"country": "MY"}).content.decode()
    assert ">MY<" in only_my and ">SG<" not in only_my
    bad = client.get("/intel/reports/", {"since": "not-a-date"})
    assert bad.status_code == 400 and "No reports." in bad.content.decode()
