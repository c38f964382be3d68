"""The MERL indicator database: results framework, values, approval, validation, learning.

A data value is keyed by indicator x country x period x disaggregation, where the
disaggregation is a canonical text key such as ``age-group=18-24;sex=F`` and the
empty key is the total. Dimensions live beside the indicator rather than in the
value's columns, so adding one to an indicator that already has data leaves every
stored value as it was: old values simply name fewer dimensions (decision 0020).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Plan(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField()
    illustrative = models.BooleanField(
        default=False, help_text="Example content shipped with Jaring, not an agreed framework"
    )

    class Meta:
        ordering = ["-start_year", "code"]

    def __str__(self) -> str:
        return self.name


class ResultNode(models.Model):
    """A goal, outcome or output; indicators hang from outcomes and outputs."""

    class Level(models.TextChoices):
        GOAL = "goal", "Goal"
        OUTCOME = "outcome", "Outcome"
        OUTPUT = "output", "Output"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    level = models.CharField(max_length=10, choices=Level.choices)
    code = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="merl_node_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Indicator(models.Model):
    class Unit(models.TextChoices):
        COUNT = "count", "Count"
        PERCENT = "percent", "Percent"
        USD = "usd", "US dollars"
        DAYS = "days", "Days"
        SCORE = "score", "Score"

    class Direction(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"

    class Aggregation(models.TextChoices):
        SUM = "sum", "Sum"
        AVERAGE = "average", "Average"
        WEIGHTED = "weighted", "Weighted average"
        LATEST = "latest", "Latest value"

    class Frequency(models.TextChoices):
        MONTH = "month", "Monthly"
        QUARTER = "quarter", "Quarterly"
        SEMESTER = "semester", "Half-yearly"
        YEAR = "year", "Yearly"

    class Source(models.TextChoices):
        REPORTED = "reported", "Reported by member states"
        COMPUTED = "computed", "Computed from Jaring's own data"
        FORMULA = "formula", "Formula over other indicators"

    node = models.ForeignKey(ResultNode, on_delete=models.PROTECT, related_name="indicators")
    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=300)
    definition = models.TextField()
    unit = models.CharField(max_length=10, choices=Unit.choices)
    direction = models.CharField(max_length=6, choices=Direction.choices,
                                 default=Direction.HIGHER)
    aggregation = models.CharField(max_length=10, choices=Aggregation.choices,
                                   default=Aggregation.SUM)
    weight = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="For a weighted average: the indicator whose values weigh each country",
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices,
                                 default=Frequency.YEAR)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.REPORTED)
    computed_key = models.CharField(
        max_length=60, blank=True, help_text="The registered computation (jaring.merl.computed)"
    )
    numerator = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    denominator = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    factor = models.DecimalField(max_digits=12, decimal_places=4, default=1)
    counts_people = models.BooleanField(
        default=False, help_text="Public outputs apply disclosure control to its values"
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(source="formula")
                | (models.Q(numerator__isnull=False) & models.Q(denominator__isnull=False)),
                name="merl_formula_has_terms",
            ),
            models.CheckConstraint(
                condition=~models.Q(source="computed") | ~models.Q(computed_key=""),
                name="merl_computed_has_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class IndicatorDimension(models.Model):
    """A disaggregation of an indicator over a code list (sex, age group, scam type...)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="dimensions")
    code_list = models.ForeignKey("reference.CodeList", on_delete=models.PROTECT,
                                  related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["indicator", "code_list"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "code_list"], name="merl_dimension_once"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} by {self.code_list_id}"


class TargetValue(models.Model):
    """A baseline or target for one country (or, with no country, the region) and year."""

    class Kind(models.TextChoices):
        BASELINE = "baseline", "Baseline"
        TARGET = "target", "Target"

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    country = models.ForeignKey("reference.Country", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.DecimalField(max_digits=20, decimal_places=4)

    class Meta:
        ordering = ["indicator", "country", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "country", "year", "kind"],
                                    condition=models.Q(country__isnull=False),
                                    name="merl_target_per_country"),
            models.UniqueConstraint(fields=["indicator", "year", "kind"],
                                    condition=models.Q(country__isnull=True),
                                    name="merl_target_regional"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.country_id or 'region'} {self.year} {self.kind}"


class ValueSource(models.TextChoices):
    WEB = "web", "Web data-entry grid"
    XLSX = "xlsx", "Excel template"
    CSV = "csv", "CSV"
    API = "api", "JSON API"
    DHIS2 = "dhis2", "DHIS2 dataValueSets"
    ADX = "adx", "ADX"
    DEMO = "demo", "Demo data"


class DataValue(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    country = models.ForeignKey("reference.Country", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=8)
    disaggregation = models.CharField(max_length=200, blank=True, default="")
    value = models.DecimalField(max_digits=20, decimal_places=4)
    source = models.CharField(max_length=10, choices=ValueSource.choices)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)
    first_entered_at = models.DateTimeField(
        default=timezone.now, help_text="When the value was first entered: timeliness"
    )
    comment = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["indicator", "country", "period", "disaggregation"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "country", "period", "disaggregation"],
                name="merl_value_unique",
            ),
        ]
        indexes = [models.Index(fields=["country", "period"])]

    def __str__(self) -> str:
        key = f" [{self.disaggregation}]" if self.disaggregation else ""
        return f"{self.indicator.code} {self.country_id} {self.period}{key} = {self.value}"


class DataValueChange(models.Model):
    """Every change of a value: the old and new figure, by whom, when, from where."""

    data_value = models.ForeignKey(DataValue, on_delete=models.CASCADE, related_name="changes")
    old_value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    new_value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    source = models.CharField(max_length=10, choices=ValueSource.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["data_value", "changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.old_value} → {self.new_value}"


class PeriodApproval(models.Model):
    """Where one country's figures for one period stand: draft to accepted."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved by the national focal point"
        ACCEPTED = "accepted", "Accepted by the regional secretariat"

    country = models.ForeignKey("reference.Country", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=8)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    unlock_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-period", "country"]
        constraints = [
            models.UniqueConstraint(fields=["country", "period"], name="merl_approval_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.country_id} {self.period}: {self.state}"

    @property
    def locked(self) -> bool:
        return self.state in (self.State.APPROVED, self.State.ACCEPTED)


PUBLISHED_STATES = (PeriodApproval.State.APPROVED, PeriodApproval.State.ACCEPTED)


class ValidationRule(models.Model):
    """``left`` compared with ``right`` x factor, on the totals of one country and period."""

    class Operator(models.TextChoices):
        LE = "le", "≤"
        LT = "lt", "<"
        GE = "ge", "≥"
        GT = "gt", ">"
        EQ = "eq", "="

    code = models.CharField(max_length=40, unique=True)
    description = models.CharField(max_length=300)
    left = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    operator = models.CharField(max_length=2, choices=Operator.choices)
    right = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    factor = models.DecimalField(max_digits=12, decimal_places=4, default=1)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Violation(models.Model):
    """A validation finding. Kept until someone acts: a finding that no longer holds is
    marked resolved, never deleted, so follow-up has a history."""

    class Kind(models.TextChoices):
        RULE = "rule", "Rule between values"
        SUM = "sum", "Parts do not add up to the total"
        OUTLIER = "outlier", "Outlier"
        COMPLETENESS = "completeness", "Missing value"
        TIMELINESS = "timeliness", "Late value"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        EXPLAINED = "explained", "Explained: the value is right"
        RESOLVED = "resolved", "Resolved"

    fingerprint = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    country = models.ForeignKey("reference.Country", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=8)
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="violations")
    disaggregation = models.CharField(max_length=200, blank=True, default="")
    message = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    note = models.CharField(max_length=500, blank=True)
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "country", "-period", "kind"]
        indexes = [models.Index(fields=["country", "period", "status"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.country_id} {self.period}: {self.message}"


class LearningEntry(models.Model):
    class Kind(models.TextChoices):
        LESSON = "lesson", "Lesson"
        RECOMMENDATION = "recommendation", "Recommendation"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="learning")
    country = models.ForeignKey("reference.Country", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=15, choices=Kind.choices)
    title = models.CharField(max_length=200)
    text = models.TextField()
    indicators = models.ManyToManyField(Indicator, blank=True, related_name="learning")
    nodes = models.ManyToManyField(ResultNode, blank=True, related_name="learning")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    follow_up = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "learning entries"

    def __str__(self) -> str:
        return self.title
