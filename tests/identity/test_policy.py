"""The authorization policy: grants, scopes, records and token narrowing."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from jaring.audit.models import AuditEvent
from jaring.core.decorators import public, requires
from jaring.identity import policy, services
from jaring.identity.models import ApiToken
from jaring.identity.policy import Scope
from jaring.identity.roles import Role
from tests.factories import OrganisationFactory, make_user


@dataclass
class Record:
    """Just enough of a domain record for the policy to judge."""

    country_id: str | None = None
    organisation_id: int | None = None
    owner_id: int | None = None
    pk: int = 1


def _user(role=Role.CASEWORKER, country="SG", organisation_id=7, pk=3, token=None):
    user = SimpleNamespace(is_authenticated=True, is_active=True, role=role, pk=pk,
                           country_code=country, organisation_id=organisation_id)
    if token is not None:
        user.api_token = token
    return user


@pytest.fixture
def grants(monkeypatch):
    """Temporarily grant a caseworker the test permission at a chosen scope."""
    monkeypatch.setitem(policy.PERMISSIONS, "test.thing",
                        policy.Permission("test.thing", "A thing for tests", "reference:read"))

    def _grant(scope: Scope, role: str = Role.CASEWORKER) -> None:
        monkeypatch.setitem(policy.GRANTS, role, {**policy.GRANTS[role], "test.thing": scope})

    return _grant


def test_every_grant_names_a_declared_permission_and_a_role():
    assert set(policy.GRANTS) == set(Role.values)
    for role, granted in policy.GRANTS.items():
        assert set(granted) <= set(policy.PERMISSIONS), role
    for permission in policy.PERMISSIONS.values():
        assert permission.token_scope in policy.TOKEN_SCOPES, permission.name


def test_only_administrators_hold_administrative_permissions():
    for role in Role.values:
        holds = set(policy.permissions_for(_user(role=role)))
        assert ("identity.admin" in holds) == (role == Role.ADMINISTRATOR)
        assert ("audit.view" in holds) == (role == Role.ADMINISTRATOR)
        assert "identity.organisation.view" in holds


def test_an_undeclared_permission_is_a_programming_error():
    with pytest.raises(LookupError, match=r"undeclared permission 'no\.such'"):
        policy.allowed(_user(), "no.such")
    with pytest.raises(LookupError):
        policy.grant_scope(None, "no.such")


@pytest.mark.parametrize("who", [
    None, AnonymousUser(), SimpleNamespace(is_authenticated=True, is_active=False,
                                           role=Role.ADMINISTRATOR),
    _user(role="retired-role"),
])
def test_nobody_and_the_inactive_hold_nothing(who):
    assert policy.grant_scope(who, "core.home") == Scope.NONE
    assert not policy.allowed(who, "core.home")


@pytest.mark.parametrize(("scope", "record", "expected"), [
    (Scope.REGION, Record(country_id="TH"), True),
    (Scope.COUNTRY, Record(country_id="SG"), True),
    (Scope.COUNTRY, Record(country_id="TH"), False),
    (Scope.COUNTRY, Record(country_id=None), False),
    (Scope.ORGANISATION, Record(country_id="SG", organisation_id=7), True),
    (Scope.ORGANISATION, Record(country_id="SG", organisation_id=8), False),
    (Scope.OWN, Record(country_id="SG", organisation_id=7, owner_id=3), True),
    (Scope.OWN, Record(country_id="SG", organisation_id=7, owner_id=4), False),
    (Scope.NONE, Record(country_id="SG", organisation_id=7, owner_id=3), False),
])
def test_a_record_is_judged_by_the_granted_scope(grants, scope, record, expected):
    grants(scope)
    assert policy.allowed(_user(), "test.thing", record) is expected
    # Without a record the question is only whether the permission is held at all.
    assert policy.allowed(_user(), "test.thing") is (scope != Scope.NONE)


def test_a_regional_user_has_no_country_to_match(grants):
    grants(Scope.COUNTRY)
    regional = _user(country=None)
    assert not policy.allowed(regional, "test.thing", Record(country_id=None))
    assert policy.country_filter(regional, "test.thing") == policy.Q(pk__in=[])


def test_a_record_may_state_its_own_country(grants):
    grants(Scope.COUNTRY)

    class Case:
        country_id = "TH"  # where it was filed; policy_country says whose it is

        def policy_country(self):
            return "SG"

    assert policy.allowed(_user(), "test.thing", Case())


def test_country_filter(grants):
    grants(Scope.REGION)
    assert policy.country_filter(_user(), "test.thing") is None
    grants(Scope.COUNTRY)
    assert policy.country_filter(_user(), "test.thing", "home") == policy.Q(home_id="SG")
    grants(Scope.NONE)
    assert policy.country_filter(_user(), "test.thing") == policy.Q(pk__in=[])


def test_scope_queryset_narrows_to_the_scope(db, grants):
    me = make_user(Role.CASEWORKER, "SG")
    colleague = make_user(Role.CASEWORKER, "SG")  # same organisation
    compatriot = make_user(Role.VIEWER, "SG")  # same country, another organisation
    foreigner = make_user(Role.CASEWORKER, "TH")
    tokens = {
        user.pk: services.create_token(user, name="t", scopes=["reference:read"]).token
        for user in (me, colleague, compatriot, foreigner)
    }
    fields = {"country_field": "user__organisation__country",
              "organisation_field": "user__organisation", "owner_field": "user"}

    def visible(scope):
        grants(scope)
        rows = policy.scope_queryset(me, "test.thing", ApiToken.objects.all(), **fields)
        return set(rows)

    assert visible(Scope.REGION) == set(tokens.values())
    assert visible(Scope.COUNTRY) == {tokens[u.pk] for u in (me, colleague, compatriot)}
    assert visible(Scope.ORGANISATION) == {tokens[me.pk], tokens[colleague.pk]}
    assert visible(Scope.OWN) == {tokens[me.pk]}
    assert visible(Scope.NONE) == set()
    # The queryset agrees with the per-record answer (a token knows its country and
    # owner, not an organisation of its own, so that scope is left out).
    for scope in (Scope.REGION, Scope.COUNTRY, Scope.OWN, Scope.NONE):
        grants(scope)
        rows = set(policy.scope_queryset(me, "test.thing", ApiToken.objects.all(), **fields))
        assert rows == {t for t in tokens.values() if policy.allowed(me, "test.thing", t)}, scope


def test_a_token_narrows_to_its_scopes():
    token = SimpleNamespace(scopes=["reference:read"])
    admin = _user(role=Role.ADMINISTRATOR, token=token)
    assert policy.allowed(admin, "reference.view")
    assert not policy.allowed(admin, "identity.admin")  # needs the admin scope
    assert not policy.allowed(admin, "identity.token.own")
    token.scopes = ["admin"]
    assert policy.allowed(admin, "identity.admin")
    assert not policy.allowed(admin, "reference.view")
    # A scope never widens a role: a viewer's admin-scoped token grants no admin rights.
    assert not policy.allowed(_user(role=Role.VIEWER, token=token), "identity.admin")


def test_check_refuses_with_403_or_conceals_with_404_and_audits(db):
    viewer = make_user(Role.VIEWER, "SG")
    with pytest.raises(PermissionDenied):
        policy.check(viewer, "audit.view")
    record = OrganisationFactory(country_id="TH", short_name="THX")
    with pytest.raises(Http404):
        policy.check(viewer, "identity.admin", record, conceal=True)
    events = list(AuditEvent.objects.filter(action="access.denied").order_by("seq"))
    assert [e.detail["permission"] for e in events] == ["audit.view", "identity.admin"]
    assert all(e.actor == viewer for e in events)
    assert events[1].object_id == str(record.pk) and events[1].country == "TH"


def test_check_allows_silently(db):
    viewer = make_user(Role.VIEWER, "SG")
    policy.check(viewer, "core.home")
    assert not AuditEvent.objects.exists()


def test_an_anonymous_refusal_is_audited_without_an_actor(db):
    with pytest.raises(PermissionDenied):
        policy.check(AnonymousUser(), "core.home")
    event = AuditEvent.objects.get(action="access.denied")
    assert event.actor is None


# --- The view decorators ------------------------------------------------------------------


def _view(request):
    return HttpResponse("ok")


def _get(user):
    request = RequestFactory().get("/somewhere?x=1")
    request.user = user
    return request


def test_requires_sends_anonymous_users_to_sign_in(db):
    view = requires("audit.view")(_view)
    response = view(_get(AnonymousUser()))
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login?next=")
    assert not AuditEvent.objects.exists()


def test_requires_refuses_and_audits_a_user_without_the_permission(db):
    viewer = make_user(Role.VIEWER, "SG")
    with pytest.raises(PermissionDenied):
        requires("audit.view")(_view)(_get(viewer))
    with pytest.raises(Http404):
        requires("audit.view", conceal=True)(_view)(_get(viewer))
    assert AuditEvent.objects.filter(action="access.denied", actor=viewer).count() == 2
    admin = make_user(Role.ADMINISTRATOR, "SG")
    assert requires("audit.view")(_view)(_get(admin)).content == b"ok"


def test_requires_and_public_mark_the_view_for_the_matrix():
    assert requires("audit.view")(_view).jaring_permission == "audit.view"
    assert public(_view).jaring_public is True


def test_a_misspelt_permission_fails_when_the_view_is_declared():
    with pytest.raises(KeyError):
        requires("audit.veiw")
