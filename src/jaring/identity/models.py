from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone

from jaring.identity.roles import OrganisationKind, Role


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=40)
    kind = models.CharField(max_length=30, choices=OrganisationKind.choices)
    country = models.ForeignKey(
        "reference.Country", on_delete=models.PROTECT, null=True, blank=True,
        related_name="organisations",
        help_text="Empty for a regional body, such as the ASEAN Secretariat",
    )
    contact_email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["country_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["country", "short_name"], name="org_short_name_unique"),
            models.CheckConstraint(
                condition=models.Q(kind="regional_secretariat", country__isnull=True)
                | (~models.Q(kind="regional_secretariat") & models.Q(country__isnull=False)),
                name="org_regional_iff_no_country",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.short_name} ({self.country_id or 'regional'})"

    @property
    def is_regional(self) -> bool:
        return self.country_id is None


class User(AbstractUser):
    role = models.CharField(max_length=30, choices=Role.choices, default=Role.VIEWER)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    # Encrypted with the regional key; see jaring.identity.services.enable_totp.
    totp_secret = models.TextField(blank=True, default="")
    totp_enabled = models.BooleanField(default=False)
    totp_last_step = models.BigIntegerField(
        default=0, help_text="Last accepted TOTP time step, so a code is never accepted twice"
    )

    objects: UserManager = UserManager()  # type: ignore[misc]

    class Meta:
        ordering = ["username"]

    @property
    def country_code(self) -> str | None:
        return self.organisation.country_id if self.organisation_id else None  # type: ignore[union-attr]

    @property
    def is_regional(self) -> bool:
        return self.organisation_id is not None and self.country_code is None


class ApiToken(models.Model):
    """A bearer token for national systems. Only a SHA-256 hash of the secret is kept."""

    PREFIX = "jrg"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_id = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_id})"

    @staticmethod
    def hash_secret(secret: str) -> str:
        # The secret is 256 bits of randomness, so a fast hash is enough; a slow
        # password hash would only add latency to every API call.
        return hashlib.sha256(secret.encode()).hexdigest()

    @property
    def owner_id(self) -> int:
        return self.user_id

    def policy_country(self) -> str | None:
        return self.user.country_code

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now and self.user.is_active


class LoginAttempt(models.Model):
    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    succeeded = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["ip_address", "at"])]

    def __str__(self) -> str:
        return f"{self.username} {'ok' if self.succeeded else 'failed'} {self.at:%Y-%m-%d %H:%M}"
