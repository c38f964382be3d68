"""Admin pages for the reference tables.

Shipped rows are maintained by data migrations, but administrators may correct
or extend them here (a national currency rate, a new MERL code list), so every
change made through the admin is written to the audit log like any other.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from jaring.audit.admin import AuditedAdmin as BaseAuditedAdmin
from jaring.audit.services import record_event
from jaring.reference.models import (
    Code,
    CodeList,
    ContactChannel,
    Country,
    Currency,
    ExchangeRate,
    ScamType,
)


class AuditedAdmin(BaseAuditedAdmin):
    """Names events ``reference.<model>.create|change|delete``."""

    def audit_action(self, verb: str) -> str:
        return f"reference.{self.model._meta.model_name}.{verb}"


@admin.register(Currency)
class CurrencyAdmin(AuditedAdmin):
    list_display = ["code", "name", "minor_units"]
    search_fields = ["code", "name"]


@admin.register(Country)
class CountryAdmin(AuditedAdmin):
    list_display = ["code", "iso3", "name", "calling_code", "currency", "is_member_state",
                    "joined"]
    list_filter = ["is_member_state"]
    search_fields = ["code", "iso3", "name"]


@admin.register(ExchangeRate)
class ExchangeRateAdmin(AuditedAdmin):
    list_display = ["currency", "year", "units_per_usd", "source"]
    list_filter = ["year", "currency"]
    search_fields = ["currency__code", "currency__name", "source"]
    autocomplete_fields = ["currency"]


@admin.register(ScamType)
class ScamTypeAdmin(AuditedAdmin):
    list_display = ["code", "name", "mitre_f3", "gsma", "sort_order"]
    search_fields = ["code", "name", "description", "mitre_f3", "gsma"]
    list_editable = ["sort_order"]


@admin.register(ContactChannel)
class ContactChannelAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "sort_order"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    list_editable = ["sort_order"]


class CodeInline(admin.TabularInline):
    model = Code
    fields = ["code", "label", "lower", "upper", "sort_order"]
    extra = 0


@admin.register(CodeList)
class CodeListAdmin(AuditedAdmin):
    list_display = ["code", "name", "is_system", "code_count"]
    list_filter = ["is_system"]
    search_fields = ["code", "name", "description"]
    inlines = [CodeInline]

    @admin.display(description="Codes")
    def code_count(self, obj: CodeList) -> int:
        return obj.codes.count()

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # Inline code rows are saved here, not in save_model, so audit them here too.
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            touched = [f.instance.code for f in formset.forms if f.has_changed()]
            removed = [obj.code for obj in formset.deleted_objects]
            if touched or removed:
                record_event(
                    "reference.code.change",
                    actor=request.user,
                    object_type="reference.codelist",
                    object_id=form.instance.pk,
                    detail={"codes": sorted(set(touched) - set(removed)),
                            "deleted": sorted(removed)},
                    request=request,
                )


@admin.register(Code)
class CodeAdmin(AuditedAdmin):
    list_display = ["code_list", "code", "label", "lower", "upper", "sort_order"]
    list_filter = ["code_list"]
    search_fields = ["code", "label", "code_list__code", "code_list__name"]
