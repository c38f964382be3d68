"""The references the database does not enforce (decision 52), and their check."""

import pytest
from django.db import connection

from jaring.core.integrity import dangling, unenforced
from jaring.intel.models import Sighting
from tests.cli.test_commands import invoke
from tests.intel.factories import submit

# Those that decision 52 and `jaring db check` name; a new one belongs there too.
DOCUMENTED = {
    "intel.FraudReport": {"country", "organisation", "scam_type", "channel", "loss_currency",
                          "victim_nationality", "victim_residence", "created_by"},
    "intel.CampaignMember": {"report", "campaign", "country", "scam_type"},
    "intel.Sighting": {"report", "indicator"},
    "intel.PendingLink": {"report"},
    "intel.Alert": {"campaign", "country"},
    "intel.Campaign": {"merged_into"},
}


def test_the_unenforced_references_are_the_documented_ones():
    found: dict[str, set[str]] = {}
    for model, field in unenforced():
        found.setdefault(model._meta.label, set()).add(field.name)
    assert found == DOCUMENTED


def _point_a_sighting_at_nothing() -> Sighting:
    sighting = Sighting.objects.order_by("pk").first()
    assert sighting is not None
    table = Sighting._meta.db_table
    with connection.cursor() as cursor:
        # Nothing in the database stops this, which is what the check is for.
        cursor.execute(f"UPDATE {table} SET indicator_id = %s WHERE id = %s",
                       [10**9, sighting.pk])
    return sighting


def _repair(sighting: Sighting) -> None:
    Sighting.objects.filter(pk=sighting.pk).update(indicator_id=sighting.indicator_id)


@pytest.mark.django_db
def test_a_sighting_of_no_indicator_is_found():
    submit("TH", ("phone", "+66812345678"), ("url", "https://shop-a.com/x"))
    assert dangling() == []
    sighting = _point_a_sighting_at_nothing()
    try:
        (problem,) = dangling()
        assert (problem.model, problem.field, problem.target) == (
            "intel.Sighting", "indicator", "intel.Indicator")
        assert (problem.rows, problem.first_id) == (1, sighting.pk)
        assert str(problem) == (f"intel.Sighting.indicator: 1 row(s) point at no "
                                f"intel.Indicator (first: id {sighting.pk})")
    finally:
        _repair(sighting)
    assert dangling() == []


@pytest.mark.django_db
def test_db_check_command():
    submit("SG", ("phone", "+6591234567"))
    result = invoke("db", "check")
    assert result.exit_code == 0, result.output
    assert f"All {len(list(unenforced()))} unenforced references hold" in result.output
    sighting = _point_a_sighting_at_nothing()
    try:
        result = invoke("db", "check")
        assert result.exit_code == 1
        assert "intel.Sighting.indicator: 1 row(s) point at no intel.Indicator" in result.output
        assert "1 reference(s) point at rows that do not exist" in result.stderr
    finally:
        _repair(sighting)


@pytest.mark.django_db
def test_db_check_finds_a_campaign_member_out_of_step():
    from jaring.intel.models import CampaignMember

    mule = ("bank_account", "Maybank 1234 5678 9012")
    report = submit("SG", mule)
    submit("MY", mule)
    member = CampaignMember.objects.get(report_id=report.pk)
    CampaignMember.objects.filter(pk=member.pk).update(scam_type_id="romance")
    try:
        result = invoke("db", "check")
        assert result.exit_code == 1
        assert (f"intel.CampaignMember: 1 row(s) differ from their report's country, date "
                f"or scam type (first: report {report.pk})") in " ".join(result.output.split())
        assert "campaign members out of step with their reports" in result.stderr
    finally:
        CampaignMember.objects.filter(pk=member.pk).update(scam_type_id=member.scam_type_id)
