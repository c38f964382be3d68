"""The audit log in the Django admin: readable, never writable.

Also :class:`AuditedAdmin`, the mixin that makes every admin write to a model an
audit event, so changes made through the admin are as traceable as the rest.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from jaring.audit.models import AuditEvent
from jaring.audit.services import record_event


def _country_of(obj: Any) -> str:
    # A user's country comes through their organisation; other records name theirs
    # directly, which record_event finds by itself.
    return getattr(obj, "country_code", None) or ""


class AuditedAdmin(admin.ModelAdmin):
    """Record ``admin.create``, ``admin.change`` and ``admin.delete`` events.

    The detail names the changed fields, never their values: a value may be
    personal data, and the audit log is kept far longer than most records.
    """

    def audit_action(self, verb: str) -> str:
        """The event name for ``create``, ``change`` or ``delete``."""
        return f"admin.{verb}"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record_event(
                self.audit_action("change" if change else "create"),
                target=obj,
                country=_country_of(obj),
                detail={"fields": sorted(form.changed_data)},
                request=request,
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            record_event(self.audit_action("delete"), target=obj, country=_country_of(obj),
                         request=request)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                record_event(self.audit_action("delete"), target=obj,
                             country=_country_of(obj), request=request)
            super().delete_queryset(request, queryset)


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that only the system writes."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["seq", "at", "actor_label", "via", "action", "object_type", "object_id",
                    "country", "ip_address"]
    list_filter = ["via", "country", "action"]
    search_fields = ["action", "actor_label", "object_type", "object_id"]
    date_hierarchy = "at"
    ordering = ["-seq"]
    list_select_related = False
    # The full chain can hold millions of rows; an exact count on every page view is slow.
    show_full_result_count = False
