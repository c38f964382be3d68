"""Alerts: one per campaign, country and day, refreshed only when there is news."""

import pytest
from django.utils import timezone

from jaring.intel import alerts, services
from jaring.intel.models import Alert, Campaign, CampaignMember, FraudReport
from tests.factories import make_user
from tests.intel.factories import submit

pytestmark = pytest.mark.django_db

MULE = ("bank_account", "Maybank 1234 5678 9012")


def _feed() -> dict[str, tuple[int, str]]:
    return {country: (sequence, state) for country, sequence, state
            in Alert.objects.values_list("country_id", "sequence", "state")}


def _acknowledged_in_singapore():
    """Reports from Singapore and Malaysia sharing a mule account, and Singapore's
    alert acknowledged; returns Malaysia's report."""
    submit("SG", MULE, tlp="green")
    mine = submit("MY", MULE, tlp="green")
    services.set_alert_state(make_user("intel_analyst", "SG"),
                             Alert.objects.get(country_id="SG"), "acknowledged")
    return mine


def test_an_alert_with_nothing_new_keeps_its_place_in_the_feed():
    _acknowledged_in_singapore()
    before = _feed()
    campaign = CampaignMember.objects.values_list("campaign_id", flat=True).first()

    assert alerts.raise_for([campaign], today=timezone.localdate()) == 0
    assert _feed() == before


def test_a_changed_loss_moves_the_alert_up_the_feed_and_keeps_its_state():
    _acknowledged_in_singapore()
    before = _feed()
    campaign = Campaign.objects.get(status=Campaign.Status.ACTIVE)
    Campaign.objects.filter(pk=campaign.pk).update(total_loss_usd=campaign.total_loss_usd + 1)

    assert alerts.raise_for([campaign.pk], today=timezone.localdate()) == 2

    after = _feed()
    assert min(sequence for sequence, _ in after.values()) > max(
        sequence for sequence, _ in before.values())
    assert after["SG"][1] == Alert.State.ACKNOWLEDGED  # same reports, same countries
    assert Alert.objects.get(country_id="SG").total_loss_usd == campaign.total_loss_usd + 1


def test_a_narrative_edit_raises_no_alert():
    mine = _acknowledged_in_singapore()
    before = _feed()

    # The same reference again, from the same centre: an update, not a new report.
    submit("MY", MULE, tlp="green", reference=mine.reference,
           narrative="They called again from the same number.")

    assert FraudReport.objects.count() == 2
    assert _feed() == before
