import datetime

from hypothesis import given
from hypothesis import strategies as st

from jaring.merl import services
from jaring.merl.models import DataValue, Violation
from jaring.merl.rows import RowIn
from jaring.merl.validation import MIN_HISTORY, is_outlier, robust_score, run_validation
from tests.merl.factories import enter, officer


def test_zero_heavy_history_flags_a_jump_but_not_small_counts():
    history = [0, 0, 0, 1, 0, 0, 2, 0]
    assert not is_outlier(3, history)  # a few victims more is normal variation
    assert is_outlier(60, history)
    assert robust_score(60, [7] * MIN_HISTORY) == float("inf")
    assert robust_score(60, [1, 2]) is None  # too little history to judge


def test_z_scores_would_miss_what_median_and_mad_catch():
    # One earlier outlier inflates the standard deviation; the median and MAD ignore it.
    history = [10, 12, 11, 9, 10, 400, 11, 10]
    assert is_outlier(150, history)
    assert not is_outlier(13, history)


@given(st.lists(st.integers(0, 50), min_size=MIN_HISTORY, max_size=30), st.integers(0, 500),
       st.integers(0, 1000))
def test_the_score_depends_on_distance_not_on_level(history, value, shift):
    """Moving a whole series up by a constant never changes what counts as an outlier."""
    moved = [h + shift for h in history]
    assert robust_score(value, history) == robust_score(value + shift, moved)
    assert not is_outlier(sorted(history)[len(history) // 2], history)


def test_violations_are_stored_resolved_and_reopened_never_dropped(framework):
    user = officer("SG")
    enter(user, ("VA.IDENTIFIED", "SG", "2025-Q1", "10"), ("VA.REFERRED", "SG", "2025-Q1", "14"),
          ("VA.IDENTIFIED", "SG", "2025-Q1", "6", "sex=F"),
          ("VA.IDENTIFIED", "SG", "2025-Q1", "6", "sex=M"))
    summary = run_validation(country="SG", period="2025-Q1")
    kinds = set(Violation.objects.filter(status="open").values_list("kind", flat=True))
    assert {"rule", "sum"} <= kinds and summary.new >= 2
    rule = Violation.objects.get(kind="rule")
    assert "VA.REFERRED = 14" in rule.message and "VA.IDENTIFIED = 10" in rule.message
    enter(user, ("VA.REFERRED", "SG", "2025-Q1", "8"), ("VA.IDENTIFIED", "SG", "2025-Q1", "12"))
    run_validation(country="SG", period="2025-Q1")
    rule.refresh_from_db()
    assert rule.status == "resolved" and rule.resolved_at is not None  # kept, not deleted
    enter(user, ("VA.REFERRED", "SG", "2025-Q1", "30"))
    run_validation(country="SG", period="2025-Q1")
    rule.refresh_from_db()
    assert rule.status == "open"


def test_outliers_in_a_country_series(framework):
    user = officer("TH")
    cells = [("VA.REPATRIATED", "TH", f"{y}-Q{q}", str(v))
             for (y, q), v in zip([(2023, q) for q in range(1, 5)] + [(2024, q) for q in
                                  range(1, 5)], [3, 4, 2, 5, 3, 4, 3, 4], strict=True)]
    enter(user, *cells, ("VA.REPATRIATED", "TH", "2025-Q1", "95"))
    run_validation(country="TH")
    outlier = Violation.objects.get(kind="outlier")
    assert outlier.period == "2025-Q1" and "95" in outlier.message


def test_completeness_and_timeliness(framework, settings):
    settings.MERL_REPORTING_GRACE_DAYS = 30
    at = datetime.datetime(2025, 9, 1, tzinfo=datetime.UTC)
    services.store_values(officer("SG"), [RowIn(1, "VA.REPATRIATED", "SG", "2025-Q1",
                                                         "3")], "web", at=at)
    run_validation(country="SG", period="2025-Q1", today=datetime.date(2025, 10, 1))
    late = Violation.objects.get(kind="timeliness", indicator__code="VA.REPATRIATED")
    assert "days after the deadline" in late.message
    missing = Violation.objects.filter(kind="completeness", period="2025-Q1", country_id="SG")
    assert missing.filter(indicator__code="VA.IDENTIFIED").exists()
    assert not missing.filter(indicator__code="SCAM.REPORTS").exists()  # computed: not due
    assert DataValue.objects.count() == 1
