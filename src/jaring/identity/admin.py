"""Organisations, users, API tokens and sign-in attempts in the Django admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from jaring.audit.admin import AuditedAdmin, ReadOnlyAdmin
from jaring.identity import services
from jaring.identity.models import ApiToken, LoginAttempt, Organisation, User
from jaring.identity.roles import Role


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["short_name", "name", "kind", "country", "is_active"]
    list_filter = ["kind", "country", "is_active"]
    search_fields = ["name", "short_name"]
    fields = ["name", "short_name", "kind", "country", "contact_email", "is_active", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "organisation",
                    "totp_enabled", "is_active", "last_login"]
    list_filter = ["role", "organisation__country", "is_active", "totp_enabled"]
    list_select_related = ["organisation"]
    search_fields = ["username", "first_name", "last_name", "email"]
    # Groups, per-user permissions and the staff/superuser flags are left out: the
    # role is the only source of permissions (jaring.identity.policy), and the flags
    # follow it in save_model. The TOTP secret is never shown.
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Person", {"fields": ["first_name", "last_name", "email"]}),
        ("Access", {"fields": ["role", "organisation", "is_active", "totp_enabled"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"],
                "fields": ["username", "password1", "password2", "role", "organisation"]}),
    ]
    readonly_fields = ["totp_enabled", "last_login", "date_joined"]
    actions = ["turn_off_second_factor"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Django's admin site admits staff only; keep that in step with the role.
        obj.is_staff = obj.is_superuser = obj.role == Role.ADMINISTRATOR
        super().save_model(request, obj, form, change)

    @admin.action(description="Turn off two-step sign-in (for a lost phone)")
    def turn_off_second_factor(self, request: HttpRequest, queryset: Any) -> None:
        count = 0
        for user in queryset.filter(totp_enabled=True):
            services.disable_totp(user)
            count += 1
        self.message_user(request, f"Two-step sign-in turned off for {count} user(s).",
                          messages.SUCCESS)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["name", "key_id", "user", "scopes", "created_at", "expires_at",
                    "last_used_at", "revoked_at"]
    list_filter = ["revoked_at", "expires_at"]
    list_select_related = ["user"]
    search_fields = ["name", "key_id", "user__username"]
    # Even the hash of the secret stays out of view: it is all an attacker would need
    # to try guesses offline.
    exclude = ["secret_hash"]
    actions = ["revoke"]

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        count = 0
        for token in queryset.filter(revoked_at__isnull=True).select_related("user"):
            services.revoke_token(token)
            count += 1
        self.message_user(request, f"{count} token(s) revoked.", messages.SUCCESS)


@admin.register(LoginAttempt)
class LoginAttemptAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "ip_address", "succeeded"]
    list_filter = ["succeeded"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "at"
