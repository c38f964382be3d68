import datetime

import pytest

from jaring.demo.generator import DemoGenerator
from jaring.merl.models import DataValue, LearningEntry, PeriodApproval, Plan, Violation
from jaring.merl.scorecard import scorecard


@pytest.fixture
def built(db):
    gen = DemoGenerator(seed=3, today=datetime.date(2026, 11, 20))
    gen.build(only=["platform.accounts", "merl.submissions"])
    return gen


def test_three_years_with_gaps_late_reports_and_outliers(built):
    assert Plan.objects.get().illustrative
    years = {p[:4] for p in DataValue.objects.values_list("period", flat=True)}
    assert {"2023", "2024", "2025"} <= years
    states = set(PeriodApproval.objects.values_list("state", flat=True))
    assert {"draft", "submitted", "approved", "accepted"} <= states or \
        {"submitted", "approved", "accepted"} <= states
    kinds = set(Violation.objects.values_list("kind", flat=True))
    assert {"completeness", "timeliness", "outlier"} <= kinds
    assert LearningEntry.objects.count() == 4
    rows = {r.indicator.code: r for r in scorecard("XR", 2025)}
    assert rows["VA.REFERRAL_RATE"].value is not None
    assert rows["VA.REFERRAL_RATE"].status in ("on_track", "at_risk", "off_track")
