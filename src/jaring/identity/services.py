"""State changes for organisations, users, sign-in and API tokens.

Each function is one transaction and writes its own audit event.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jaring.audit.services import record_event
from jaring.crypto.cipher import decrypt, encrypt
from jaring.crypto.keyring import REGIONAL_SCOPE
from jaring.identity.models import ApiToken, LoginAttempt, Organisation, User
from jaring.identity.policy import TOKEN_SCOPES
from jaring.identity.roles import OrganisationKind, Role


class ThrottledError(Exception):
    """Too many failed sign-ins; try again later."""


@transaction.atomic
def create_organisation(
    *, name: str, short_name: str, kind: str, country_code: str | None, contact_email: str = ""
) -> Organisation:
    organisation = Organisation(
        name=name, short_name=short_name, kind=kind, country_id=country_code,
        contact_email=contact_email,
    )
    organisation.full_clean()
    organisation.save()
    record_event("organisation.create", target=organisation, detail={"kind": kind})
    return organisation


@transaction.atomic
def create_user(
    *,
    username: str,
    password: str | None,
    role: str,
    organisation: Organisation | None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    check_password: bool = True,
) -> User:
    if role not in Role.values:
        raise ValidationError({"role": f"unknown role {role!r}"})
    if role != Role.ADMINISTRATOR and organisation is None:
        raise ValidationError({"organisation": "every user but an administrator needs one"})
    regional = (
        organisation is not None and organisation.kind == OrganisationKind.REGIONAL_SECRETARIAT
    )
    if regional and role in (Role.CASEWORKER, Role.CASE_SUPERVISOR, Role.INTEL_ANALYST):
        raise ValidationError({"role": "a regional body has no national caseload"})
    user = User(
        username=username, role=role, organisation=organisation, email=email,
        first_name=first_name, last_name=last_name,
        is_staff=role == Role.ADMINISTRATOR, is_superuser=role == Role.ADMINISTRATOR,
    )
    if password is None:
        user.set_unusable_password()
    else:
        if check_password:
            validate_password(password, user)
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    record_event("user.create", target=user, country=user.country_code or "",
                 detail={"role": role})
    return user


def _recent_failures(username: str, ip_address: str | None) -> int:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    by_name = LoginAttempt.objects.filter(username=username, succeeded=False, at__gte=since)
    count = by_name.count()
    if ip_address:
        by_ip = LoginAttempt.objects.filter(ip_address=ip_address, succeeded=False, at__gte=since)
        # An address may try several accounts, but not many times more than one account.
        count = max(count, by_ip.count() // 4)
    return count


def sign_in(request: Any, username: str, password: str) -> User:
    """Check a password with throttling; raise ThrottledError or return the user, or None."""
    ip_address = request.META.get("REMOTE_ADDR")
    if _recent_failures(username, ip_address) >= settings.LOGIN_MAX_FAILURES:
        record_event("login.throttled", detail={"username": username}, request=request)
        raise ThrottledError
    user = authenticate(request, username=username, password=password)
    with transaction.atomic():
        LoginAttempt.objects.create(
            username=username, ip_address=ip_address, succeeded=user is not None
        )
        if user is None:
            record_event("login.failed", detail={"username": username}, request=request)
        else:
            record_event("login.password_ok", actor=user, request=request)
    return user  # type: ignore[return-value]


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name="Jaring")


def _accept_code(secret: str, code: str, last_step: int) -> int | None:
    """The time step the code belongs to, if valid now (±1 step) and not yet used."""
    code = "".join(code.split())
    if not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(timezone.now())
    for step in (now_step - 1, now_step, now_step + 1):
        if step > last_step and secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


@transaction.atomic
def enable_totp(user: User, secret: str, code: str) -> bool:
    step = _accept_code(secret, code, 0)
    if step is None:
        return False
    user.totp_secret = encrypt(REGIONAL_SCOPE, secret) or ""
    user.totp_enabled = True
    user.totp_last_step = step
    user.save(update_fields=["totp_secret", "totp_enabled", "totp_last_step"])
    record_event("user.totp_enabled", target=user, country=user.country_code or "")
    return True


@transaction.atomic
def disable_totp(user: User) -> None:
    user.totp_secret = ""
    user.totp_enabled = False
    user.save(update_fields=["totp_secret", "totp_enabled"])
    record_event("user.totp_disabled", target=user, country=user.country_code or "")


@transaction.atomic
def verify_totp(user: User, code: str, request: Any = None) -> bool:
    user = User.objects.select_for_update().get(pk=user.pk)
    secret = decrypt(REGIONAL_SCOPE, user.totp_secret) or ""
    step = _accept_code(secret, code, user.totp_last_step)
    if step is None:
        record_event("login.totp_failed", actor=user, request=request)
        return False
    user.totp_last_step = step
    user.save(update_fields=["totp_last_step"])
    record_event("login.totp_ok", actor=user, request=request)
    return True


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


@transaction.atomic
def create_token(
    user: User, *, name: str, scopes: list[str], days: int | None = None
) -> IssuedToken:
    unknown = sorted(set(scopes) - set(TOKEN_SCOPES))
    if unknown:
        raise ValidationError({"scopes": f"unknown scope(s): {', '.join(unknown)}"})
    if not scopes:
        raise ValidationError({"scopes": "a token needs at least one scope"})
    if "admin" in scopes and user.role != Role.ADMINISTRATOR:
        raise ValidationError({"scopes": "only administrators may hold the admin scope"})
    days = settings.API_TOKEN_DEFAULT_DAYS if days is None else days
    if not 1 <= days <= 366:
        raise ValidationError({"days": "a token lives between 1 and 366 days"})
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken(
        user=user, name=name.strip() or "token", key_id=key_id,
        secret_hash=ApiToken.hash_secret(secret), scopes=sorted(set(scopes)),
        expires_at=timezone.now() + timedelta(days=days),
    )
    # SQLite would store an overlong name silently where PostgreSQL fails mid-request.
    token.full_clean()
    token.save()
    record_event("token.create", target=token, country=user.country_code or "",
                 detail={"scopes": token.scopes, "days": days})
    return IssuedToken(token, f"{ApiToken.PREFIX}_{key_id}_{secret}")


@transaction.atomic
def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event("token.revoke", target=token, country=token.user.country_code or "")


_KEY_ID = re.compile(r"[0-9a-f]{12}")


def resolve_token(raw: str) -> ApiToken | None:
    """The usable token for a bearer string, or None. Constant-time on the secret."""
    parts = raw.strip().split("_", 2)
    # Only a well-formed key id reaches the database (PostgreSQL refuses NUL bytes).
    if len(parts) != 3 or parts[0] != ApiToken.PREFIX or not _KEY_ID.fullmatch(parts[1]):
        return None
    token = ApiToken.objects.select_related("user__organisation").filter(key_id=parts[1]).first()
    if token is None or not secrets.compare_digest(
        token.secret_hash, ApiToken.hash_secret(parts[2])
    ):
        return None
    if not token.is_usable():
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        # Coarse on purpose: a write on every call would serialise SQLite readers.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
