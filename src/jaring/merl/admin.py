"""Admin pages for the results framework: plans, results, indicators, targets and rules.

Values, approvals, findings and the learning log change only through the MERL
pages and services, so they are read-only here. Removing a disaggregation from an
indicator is not offered: it would orphan the values stored under it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jaring.audit.admin import AuditedAdmin as BaseAuditedAdmin
from jaring.audit.admin import ReadOnlyAdmin
from jaring.merl.models import (
    DataValue,
    DataValueChange,
    Indicator,
    IndicatorDimension,
    PeriodApproval,
    Plan,
    ResultNode,
    TargetValue,
    ValidationRule,
    Violation,
)


class AuditedAdmin(BaseAuditedAdmin):
    """Names events ``merl.<model>.create|change|delete``."""

    def audit_action(self, verb: str) -> str:
        return f"merl.{self.model._meta.model_name}.{verb}"


class DimensionInline(admin.TabularInline):
    model = IndicatorDimension
    extra = 1

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TargetInline(admin.TabularInline):
    model = TargetValue
    extra = 1


@admin.register(Plan)
class PlanAdmin(AuditedAdmin):
    list_display = ["code", "name", "start_year", "end_year", "illustrative"]


@admin.register(ResultNode)
class ResultNodeAdmin(AuditedAdmin):
    list_display = ["code", "level", "title", "plan", "parent"]
    list_filter = ["plan", "level"]
    search_fields = ["code", "title"]


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    list_display = ["code", "name", "unit", "frequency", "source", "aggregation",
                    "counts_people"]
    list_filter = ["source", "frequency", "unit"]
    search_fields = ["code", "name"]
    inlines = [DimensionInline, TargetInline]


@admin.register(ValidationRule)
class ValidationRuleAdmin(AuditedAdmin):
    list_display = ["code", "left", "operator", "right", "factor", "description"]


class ChangeInline(admin.TabularInline):
    model = DataValueChange
    extra = 0
    can_delete = False
    readonly_fields = ["old_value", "new_value", "source", "changed_by", "changed_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DataValue)
class DataValueAdmin(ReadOnlyAdmin):
    inlines = [ChangeInline]
    list_display = ["indicator", "country", "period", "disaggregation", "value", "source",
                    "entered_by", "entered_at"]
    list_filter = ["source", "country"]
    search_fields = ["indicator__code", "period"]


@admin.register(PeriodApproval)
class PeriodApprovalAdmin(ReadOnlyAdmin):
    list_display = ["country", "period", "state", "approved_by", "accepted_by"]
    list_filter = ["state", "country"]


@admin.register(Violation)
class ViolationAdmin(ReadOnlyAdmin):
    list_display = ["kind", "country", "period", "indicator", "status", "message"]
    list_filter = ["kind", "status", "country"]
