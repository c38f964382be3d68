from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jaring.audit.models import AuditEvent
from jaring.merl import services
from jaring.merl.models import DataValue, DataValueChange, Indicator, PeriodApproval
from jaring.reference.models import CodeList
from tests.factories import make_user
from tests.merl.factories import approver, enter, officer


def test_values_are_stored_once_and_changes_kept(framework):
    user = officer("SG")
    first = enter(user, ("VA.IDENTIFIED", "SG", "2025-Q1", "40"),
                  ("VA.IDENTIFIED", "SG", "2025-Q1", "25", "sex=F"))
    assert (first.created, first.errors) == (2, [])
    again = enter(user, ("VA.IDENTIFIED", "SG", "2025-Q1", "40"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    changed = enter(user, ("VA.IDENTIFIED", "SG", "2025-Q1", "42"), source="csv")
    assert changed.updated == 1
    value = DataValue.objects.get(indicator__code="VA.IDENTIFIED", disaggregation="")
    assert value.value == Decimal("42") and value.source == "csv" and value.entered_by == user
    history = list(value.changes.values_list("old_value", "new_value"))
    assert history == [(None, Decimal("40")), (Decimal("40"), Decimal("42"))]
    assert AuditEvent.objects.filter(action="merl.values.store").count() == 2


def test_bad_rows_are_named_and_good_rows_kept(framework):
    result = enter(officer("SG"),
                   ("VA.IDENTIFIED", "SG", "2025-Q1", "12"),
                   ("NO.SUCH", "SG", "2025-Q1", "1"),
                   ("VA.IDENTIFIED", "SG", "2025-03", "1"),
                   ("VA.IDENTIFIED", "SG", "2025-Q2", "-3"),
                   ("VA.IDENTIFIED", "SG", "2025-Q2", "2.5"),
                   ("VA.IDENTIFIED", "SG", "2025-Q2", "3", "colour=red"),
                   ("VA.IDENTIFIED", "SG", "2025-Q2", "3", "sex=Z"),
                   ("SCAM.REPORTS", "SG", "2025-03", "3"),
                   ("VA.IDENTIFIED", "TH", "2025-Q2", "3"))
    assert result.created == 1
    reasons = {(e.line, e.field) for e in result.errors}
    assert reasons == {(2, "indicator"), (3, "period"), (4, "value"), (5, "value"),
                       (6, "disaggregation"), (7, "disaggregation"), (8, "indicator"),
                       (9, "country")}
    assert "not disaggregated by colour" in str(result.errors[4])


def test_approval_flow_locks_and_unlocking_needs_a_reason(framework):
    enter(officer("SG"), ("VA.IDENTIFIED", "SG", "2025-Q1", "40"))
    services.submit_period(officer("SG"), "SG", "2025-Q1")
    with pytest.raises(PermissionDenied):
        services.approve_period(approver("TH"), "SG", "2025-Q1")
    services.approve_period(approver("SG"), "SG", "2025-Q1")
    locked = enter(officer("SG"), ("VA.IDENTIFIED", "SG", "2025-Q1", "41"))
    assert locked.errors[0].field == "period" and "locked" in locked.errors[0].reason
    with pytest.raises(PermissionDenied):  # a national focal point cannot accept
        services.accept_period(approver("SG"), "SG", "2025-Q1")
    secretariat = approver(None)
    services.accept_period(secretariat, "SG", "2025-Q1")
    with pytest.raises(ValidationError):
        services.unlock_period(secretariat, "SG", "2025-Q1", " ")
    with pytest.raises(PermissionDenied):  # accepted: only the secretariat unlocks
        services.unlock_period(approver("SG"), "SG", "2025-Q1", "typo")
    services.unlock_period(secretariat, "SG", "2025-Q1", "Ministry corrected Q1 figures")
    approval = PeriodApproval.objects.get(country_id="SG", period="2025-Q1")
    assert approval.state == "draft" and approval.unlock_reason.startswith("Ministry")
    event = AuditEvent.objects.filter(action="merl.period.unlock").get()
    assert event.detail["reason"] == "Ministry corrected Q1 figures"
    assert enter(officer("SG"), ("VA.IDENTIFIED", "SG", "2025-Q1", "41")).updated == 1


def test_submit_needs_values_and_the_right_state(framework):
    with pytest.raises(ValidationError):
        services.submit_period(officer("SG"), "SG", "2025-Q1")
    enter(officer("SG"), ("VA.IDENTIFIED", "SG", "2025-Q1", "4"))
    with pytest.raises(ValidationError):
        services.approve_period(approver("SG"), "SG", "2025-Q1")
    with pytest.raises(PermissionDenied):
        services.submit_period(make_user("viewer", "SG"), "SG", "2025-Q1")
    services.submit_period(officer("SG"), "SG", "2025-Q1")
    services.return_period(approver("SG"), "SG", "2025-Q1", "Q1 total missing")
    assert PeriodApproval.objects.get(country_id="SG", period="2025-Q1").state == "draft"


def test_adding_a_dimension_keeps_existing_values(framework):
    enter(officer("SG"), ("VA.REPATRIATED", "SG", "2025-Q1", "9"),
          ("VA.REPATRIATED", "SG", "2025-Q2", "11"))
    indicator = Indicator.objects.get(code="VA.REPATRIATED")
    before = list(DataValue.objects.filter(indicator=indicator)
                  .values_list("period", "disaggregation", "value"))
    admin = make_user("administrator", "SG")
    services.add_dimension(admin, indicator, CodeList.objects.get(code="sex"))
    after = list(DataValue.objects.filter(indicator=indicator)
                 .values_list("period", "disaggregation", "value"))
    assert after == before  # the old values are the totals, untouched
    result = enter(officer("SG"), ("VA.REPATRIATED", "SG", "2025-Q2", "6", "sex=F"),
                   ("VA.REPATRIATED", "SG", "2025-Q2", "5", "sex=M"))
    assert result.created == 2 and not result.errors
    assert DataValueChange.objects.filter(data_value__indicator=indicator).count() == 4
    with pytest.raises(PermissionDenied):
        services.add_dimension(officer("SG"), indicator, CodeList.objects.get(code="age-group"))
