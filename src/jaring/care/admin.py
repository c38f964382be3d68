"""The service-provider directory and caseworker teams in the Django admin.

Cases are not here: they hold personal data and are reached only through the
audited case pages and API."""

from __future__ import annotations

from django.contrib import admin

from jaring.audit.admin import AuditedAdmin
from jaring.care.models import ServiceProvider, Team


@admin.register(ServiceProvider)
class ServiceProviderAdmin(AuditedAdmin):
    list_display = ["name", "country", "city", "organisation", "is_active"]
    list_filter = ["country", "is_active"]
    search_fields = ["name", "city"]

    def audit_action(self, verb: str) -> str:
        return f"care.provider.{verb}"


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    list_display = ["name", "organisation"]
    list_filter = ["organisation__country"]
    search_fields = ["name"]
    filter_horizontal = ["members"]

    def audit_action(self, verb: str) -> str:
        return f"care.team.{verb}"
