"""Identity services: organisations, users, passwords, sign-in throttling, TOTP, tokens."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pyotp
import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory, override_settings
from django.utils import timezone

from jaring import settings as production_settings
from jaring.audit.models import AuditEvent
from jaring.identity import services
from jaring.identity.models import ApiToken, LoginAttempt, Organisation, User
from jaring.identity.roles import OrganisationKind, Role
from tests.factories import (
    TEST_PASSWORD,
    OrganisationFactory,
    RegionalOrganisationFactory,
    make_user,
)

PASSWORD = "correct horse battery staple"


def _actions() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


# --- Organisations and users ------------------------------------------------------------


def test_create_organisation_validates_and_audits(db):
    organisation = services.create_organisation(
        name="Philippine National Police", short_name="PNP", kind=OrganisationKind.POLICE,
        country_code="PH",
    )
    assert organisation.country_id == "PH"
    event = AuditEvent.objects.get(action="organisation.create")
    assert event.object_id == str(organisation.pk) and event.country == "PH"


@pytest.mark.parametrize(("kind", "country", "field"), [
    (OrganisationKind.POLICE, None, "__all__"),  # a national body needs its country
    (OrganisationKind.REGIONAL_SECRETARIAT, "SG", "__all__"),  # and a regional one none
    ("ministry_of_magic", "SG", "kind"),
    (OrganisationKind.POLICE, "XX", "country"),
])
def test_create_organisation_refuses_bad_input(db, kind, country, field):
    with pytest.raises(ValidationError) as caught:
        services.create_organisation(name="X", short_name="X", kind=kind, country_code=country)
    assert field in caught.value.message_dict
    assert not Organisation.objects.filter(short_name="X").exists()
    assert not AuditEvent.objects.exists()


def test_create_user_stores_an_argon2_hash_and_audits(db):
    organisation = OrganisationFactory(country_id="MY")
    user = services.create_user(username="aisyah", password=PASSWORD, role=Role.CASEWORKER,
                                organisation=organisation, email="aisyah@example.org")
    assert user.password.startswith("argon2")
    assert PASSWORD not in user.password
    assert user.check_password(PASSWORD)
    assert not user.is_staff and not user.is_superuser
    event = AuditEvent.objects.get(action="user.create")
    assert event.country == "MY"
    assert event.detail == {"role": Role.CASEWORKER}


def test_production_hashes_passwords_with_argon2():
    assert production_settings.PASSWORD_HASHERS[0] == (
        "django.contrib.auth.hashers.Argon2PasswordHasher"
    )


def test_an_administrator_needs_no_organisation_and_is_staff(db):
    user = services.create_user(username="root", password=None, role=Role.ADMINISTRATOR,
                                organisation=None)
    assert user.is_staff and user.is_superuser
    assert not user.has_usable_password()


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"role": "wizard"}, "role"),
    ({"role": Role.VIEWER, "organisation": None}, "organisation"),
    ({"role": Role.CASEWORKER, "organisation": "regional"}, "role"),
    ({"role": Role.INTEL_ANALYST, "organisation": "regional"}, "role"),
    ({"role": Role.VIEWER, "email": "not-an-address"}, "email"),
    ({"role": Role.VIEWER, "password": "short"}, "__all__"),
    ({"role": Role.VIEWER, "username": "bad name!"}, "username"),
])
def test_create_user_refuses_bad_input_naming_the_field(db, kwargs, field):
    organisation = OrganisationFactory(country_id="SG")
    if kwargs.get("organisation") == "regional":
        kwargs["organisation"] = RegionalOrganisationFactory()
    arguments = {"username": "newcomer", "password": PASSWORD, "organisation": organisation,
                 **kwargs}
    with pytest.raises(ValidationError) as caught:
        services.create_user(**arguments)
    assert field in getattr(caught.value, "message_dict", {"__all__": caught.value.messages})
    assert not User.objects.filter(username=arguments["username"]).exists()
    assert not AuditEvent.objects.exists()


def test_a_regional_body_may_have_monitoring_and_viewing_roles(db):
    regional = RegionalOrganisationFactory()
    for role in (Role.ME_OFFICER, Role.ME_APPROVER, Role.VIEWER):
        user = services.create_user(username=f"asec-{role}", password=None, role=role,
                                    organisation=regional)
        assert user.is_regional and user.country_code is None


def test_a_duplicate_username_is_refused(db):
    make_user(Role.VIEWER, "SG", username="taken")
    with pytest.raises(ValidationError) as caught:
        services.create_user(username="taken", password=PASSWORD, role=Role.VIEWER,
                             organisation=OrganisationFactory())
    assert "username" in caught.value.message_dict


def test_nothing_half_written_when_the_audit_write_fails(db, monkeypatch):
    """The user row and its audit event commit together or not at all."""

    def broken(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(services, "record_event", broken)
    with pytest.raises(RuntimeError):
        services.create_user(username="ghost", password=PASSWORD, role=Role.VIEWER,
                             organisation=OrganisationFactory())
    with pytest.raises(RuntimeError):
        services.create_token(make_user(Role.VIEWER), name="ghost", scopes=["reference:read"])
    assert not User.objects.filter(username="ghost").exists()
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.exists()


# --- Sign-in and throttling -------------------------------------------------------------


def _request(ip="203.0.113.9"):
    request = RequestFactory().post("/account/login", REMOTE_ADDR=ip)
    request.session = {}
    return request


def test_sign_in_records_every_attempt(db):
    user = make_user(Role.VIEWER, "SG")
    assert services.sign_in(_request(), user.username, "wrong") is None
    assert services.sign_in(_request(), user.username, TEST_PASSWORD) == user
    attempts = LoginAttempt.objects.order_by("at")
    assert [a.succeeded for a in attempts] == [False, True]
    assert attempts[0].ip_address == "203.0.113.9"
    assert _actions() == ["login.failed", "login.password_ok"]
    failed = AuditEvent.objects.get(action="login.failed")
    assert "wrong" not in str(failed.detail)  # the attempted password is never kept


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_SECONDS=600)
def test_sign_in_is_throttled_after_repeated_failures(db):
    user = make_user(Role.VIEWER, "SG")
    for _ in range(3):
        assert services.sign_in(_request(), user.username, "wrong") is None
    with pytest.raises(services.ThrottledError):
        services.sign_in(_request(), user.username, TEST_PASSWORD)  # even the right one
    assert _actions()[-1] == "login.throttled"
    assert LoginAttempt.objects.count() == 3  # throttled attempts do not extend the lock

    LoginAttempt.objects.update(at=timezone.now() - timedelta(seconds=601))
    assert services.sign_in(_request(), user.username, TEST_PASSWORD) == user


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_SECONDS=600)
def test_successes_do_not_count_towards_the_throttle(db):
    user = make_user(Role.VIEWER, "SG")
    for _ in range(5):
        assert services.sign_in(_request(), user.username, TEST_PASSWORD) == user
    assert services.sign_in(_request(), user.username, "wrong") is None


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_SECONDS=600)
def test_one_address_spraying_many_accounts_is_throttled(db):
    user = make_user(Role.VIEWER, "SG")
    # Four times the limit across other accounts locks the address out...
    for n in range(11):
        services.sign_in(_request(), f"guess{n}", "wrong")
    assert services.sign_in(_request(), user.username, TEST_PASSWORD) == user
    services.sign_in(_request(), "guess-last", "wrong")
    with pytest.raises(services.ThrottledError):
        services.sign_in(_request(), user.username, TEST_PASSWORD)
    # ...but not the account from elsewhere.
    assert services.sign_in(_request("198.51.100.7"), user.username, TEST_PASSWORD) == user


# --- TOTP -------------------------------------------------------------------------------

SECRET = pyotp.random_base32()


@pytest.fixture
def frozen(monkeypatch):
    """Pin the clock, so a test never straddles a 30-second TOTP step."""
    now = timezone.now()
    monkeypatch.setattr(services.timezone, "now", lambda: now)
    return pyotp.TOTP(SECRET).timecode(now)


def _code(step: int) -> str:
    return pyotp.TOTP(SECRET).generate_otp(step)


def test_a_code_is_accepted_one_step_either_side(frozen):
    for offset in (-1, 0, 1):
        assert services._accept_code(SECRET, _code(frozen + offset), 0) == frozen + offset
    for offset in (-2, 2):
        assert services._accept_code(SECRET, _code(frozen + offset), 0) is None


def test_a_code_is_never_accepted_twice(frozen):
    assert services._accept_code(SECRET, _code(frozen), frozen) is None
    assert services._accept_code(SECRET, _code(frozen - 1), frozen) is None
    assert services._accept_code(SECRET, _code(frozen + 1), frozen) == frozen + 1


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12a456"])
def test_a_malformed_code_is_refused(frozen, code):
    assert services._accept_code(SECRET, code, 0) is None


def test_spaces_in_a_code_are_ignored(frozen):
    code = _code(frozen)
    assert services._accept_code(SECRET, f" {code[:3]} {code[3:]} ", 0) == frozen


def test_enable_verify_and_disable_totp(db, frozen):
    user = make_user(Role.CASEWORKER, "VN")
    assert not services.enable_totp(user, SECRET, "000000" if _code(frozen) != "000000" else "1")
    assert services.enable_totp(user, SECRET, _code(frozen - 1))
    user.refresh_from_db()
    assert user.totp_enabled
    assert SECRET not in user.totp_secret  # kept encrypted with the regional key
    assert user.totp_last_step == frozen - 1

    assert services.verify_totp(user, _code(frozen))
    assert not services.verify_totp(user, _code(frozen))  # replay
    assert not services.verify_totp(user, _code(frozen - 1))  # older than the last one
    assert _actions() == ["user.totp_enabled", "login.totp_ok", "login.totp_failed",
                          "login.totp_failed"]

    services.disable_totp(user)
    user.refresh_from_db()
    assert not user.totp_enabled and user.totp_secret == ""


def test_the_provisioning_uri_names_the_user_and_issuer(db):
    user = make_user(Role.VIEWER, "SG")
    uri = services.totp_uri(user, SECRET)
    assert uri.startswith("otpauth://totp/Jaring:") and user.username in uri


# --- API tokens -------------------------------------------------------------------------


def test_create_token_stores_only_a_hash(db):
    user = make_user(Role.VIEWER, "ID")
    issued = services.create_token(user, name="  ", scopes=["reference:read", "reference:read"])
    prefix, key_id, secret = issued.secret.split("_", 2)
    token = ApiToken.objects.get()
    assert (prefix, key_id) == ("jrg", token.key_id)
    assert token.name == "token"
    assert token.scopes == ["reference:read"]
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in token.secret_hash and issued.secret not in token.secret_hash
    assert len(secret) >= 40  # 32 random bytes
    event = AuditEvent.objects.get(action="token.create")
    assert secret not in str(event.detail)
    assert event.detail == {"scopes": ["reference:read"], "days": 90}
    assert abs(token.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)


@pytest.mark.parametrize(("scopes", "days", "field"), [
    (["reference:read", "everything"], 30, "scopes"),
    ([], 30, "scopes"),
    (["admin"], 30, "scopes"),  # a viewer may not hold the admin scope
    (["reference:read"], 0, "days"),
    (["reference:read"], 367, "days"),
])
def test_create_token_refuses_bad_input(db, scopes, days, field):
    user = make_user(Role.VIEWER, "SG")
    with pytest.raises(ValidationError) as caught:
        services.create_token(user, name="x", scopes=scopes, days=days)
    assert field in caught.value.message_dict
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.exists()


def test_create_token_refuses_an_overlong_name(db):
    with pytest.raises(ValidationError) as caught:
        services.create_token(make_user(Role.VIEWER), name="x" * 101, scopes=["reference:read"])
    assert "name" in caught.value.message_dict


@pytest.mark.parametrize("days", [1, 366])
def test_token_lifetimes_at_the_bounds_are_allowed(db, days):
    issued = services.create_token(make_user(Role.VIEWER), name="x", scopes=["reference:read"],
                                   days=days)
    assert issued.token.expires_at > timezone.now() + timedelta(days=days - 1)


def test_only_administrators_get_the_admin_scope(db):
    admin = make_user(Role.ADMINISTRATOR, "SG")
    issued = services.create_token(admin, name="ops", scopes=["admin", "reference:read"])
    assert issued.token.scopes == ["admin", "reference:read"]


def test_resolve_token_accepts_only_a_usable_token(db):
    user = make_user(Role.VIEWER, "SG")
    issued = services.create_token(user, name="x", scopes=["reference:read"])
    assert services.resolve_token(issued.secret) == issued.token
    assert services.resolve_token(f"  {issued.secret}\n") == issued.token

    ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now())
    assert services.resolve_token(issued.secret) is None

    other = services.create_token(user, name="y", scopes=["reference:read"])
    services.revoke_token(other.token)
    services.revoke_token(other.token)  # revoking twice is harmless and audited once
    assert services.resolve_token(other.secret) is None
    assert _actions().count("token.revoke") == 1


def test_resolve_token_compares_secrets_in_constant_time(db, monkeypatch):
    issued = services.create_token(make_user(Role.VIEWER), name="x", scopes=["reference:read"])
    compared = []
    real = services.secrets.compare_digest

    def spy(a, b):
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(services.secrets, "compare_digest", spy)
    assert services.resolve_token(issued.secret[:-2] + "zz") is None
    assert compared == [(issued.token.secret_hash,
                         hashlib.sha256((issued.secret.split("_", 2)[2][:-2] + "zz").encode())
                         .hexdigest())]


@pytest.mark.parametrize("raw", ["jrg_\x00_secret", "jrg_ABCDEF012345_secret", "jrg_abc_secret",
                                 "jrg_0123456789abc_secret"])
def test_resolve_token_does_not_query_for_a_malformed_key_id(db, raw,
                                                             django_assert_num_queries):
    with django_assert_num_queries(0):
        assert services.resolve_token(raw) is None
