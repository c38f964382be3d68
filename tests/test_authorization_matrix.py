"""Every route, for every role, own country against another: the status the policy promises.

The table lives in ``tests/matrix.py`` (the platform's rows) and in each part's
``tests/<part>/matrix_rows.py``; a new URL pattern or API operation without a row
fails :func:`test_every_route_has_a_row`, which names it.
"""

from __future__ import annotations

import pytest
from django.test import Client

from jaring.api import api
from jaring.audit.models import AuditEvent
from jaring.identity import policy
from jaring.identity.middleware import SESSION_KEY
from jaring.identity.models import Organisation
from tests import matrix
from tests.factories import OrganisationFactory

SCHEMA = api.get_openapi_schema()
API_PATHS = set(SCHEMA["paths"])
ROUTES = matrix.all_routes()
ROUTES_BY_KEY = {route.key: route for route in ROUTES}


def _existing_keys() -> set[str]:
    urls = {found.key for found in matrix.url_routes(API_PATHS) if not found.is_api_operation}
    return urls | set(matrix.api_operations(SCHEMA))


def test_every_route_has_a_row():
    missing = sorted(_existing_keys() - set(ROUTES_BY_KEY))
    assert not missing, (
        "These routes have no row in the authorization matrix; add one to ROUTES in "
        f"tests/<part>/matrix_rows.py (see tests/matrix.py) for each: {missing}"
    )


def test_every_row_is_a_route():
    stale = sorted(set(ROUTES_BY_KEY) - _existing_keys())
    assert not stale, f"the authorization matrix lists routes that no longer exist: {stale}"
    twice = sorted({r.key for r in ROUTES if [x.key for x in ROUTES].count(r.key) > 1})
    assert not twice, f"listed more than once in the authorization matrix: {twice}"


def test_every_row_names_every_actor():
    for route in ROUTES:
        for variant, expect in route.variants():
            assert set(expect) == set(matrix.ACTORS), f"{route.key} ({variant})"


def test_every_view_declares_its_permission_or_is_public():
    undeclared = []
    for found in matrix.url_routes(API_PATHS):
        module = getattr(found.callback, "__module__", "") or ""
        if found.is_admin or found.is_api_operation or module.startswith(("ninja", "functools")):
            continue  # the admin guards itself; API operations call policy.check
        permission = getattr(found.callback, "jaring_permission", None)
        public = getattr(found.callback, "jaring_public", False)
        if (permission is None) == (not public):
            undeclared.append(found.key)
        if permission is not None:
            assert permission in policy.PERMISSIONS, f"{found.key}: {permission}"
    assert not undeclared, f"views need exactly one of @requires or @public: {undeclared}"


def test_ninja_views_are_only_the_documented_ones():
    # Ninja's own views (schema, docs, root) are exempt above; make sure nothing else is.
    ninja_views = {
        found.key for found in matrix.url_routes(API_PATHS)
        if not found.is_api_operation
        and (getattr(found.callback, "__module__", "") or "").startswith(("ninja", "functools"))
    }
    assert ninja_views == {"/api/v1/", "/api/v1/openapi.json", "/api/v1/docs"}


@pytest.fixture
def world(db):
    return matrix.World.build()


def _client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
        session = client.session
        session[SESSION_KEY] = True
        session.save()
    return client


def _denials() -> int:
    return AuditEvent.objects.filter(action="access.denied").count()


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.key)
def test_route(route, world):
    wrong = []
    for variant, expect in route.variants():
        for actor in matrix.ACTORS:
            client = _client_for(world.user(actor))
            before = _denials()
            response = route.send(client, world, actor, variant)
            status = response.status_code
            url = response.request["PATH_INFO"]
            if status != expect[actor]:
                wrong.append(f"{actor} ({variant}) {route.verb} {url}: "
                             f"got {status}, expected {expect[actor]}")
            by_policy = status == 403 or (status == 404 and variant == matrix.OTHER)
            if by_policy and _denials() <= before:
                wrong.append(f"{actor} ({variant}) {url}: refused without an audit event")
    assert not wrong, "\n".join(wrong)


def test_revoking_another_users_token_leaves_it_usable(world):
    owner = world.others["viewer"]
    route = ROUTES_BY_KEY["/account/tokens/<int:pk>/revoke"]
    url = route.url(world, "viewer", matrix.OTHER)
    _client_for(world.user("viewer")).post(url)
    token = owner.api_tokens.get()
    assert token.revoked_at is None
    event = AuditEvent.objects.filter(action="access.denied").latest("seq")
    assert event.actor == world.user("viewer")
    assert event.object_id == str(token.pk)
    assert event.detail == {"permission": "identity.token.own"}


@pytest.mark.parametrize("actor", matrix.SIGNED_IN)
def test_organisations_returned_follow_the_policy(world, actor):
    OrganisationFactory(country_id="VN", short_name="GONE", is_active=False)
    user = world.user(actor)
    scope = policy.grant_scope(user, "identity.organisation.view")
    expected = Organisation.objects.filter(is_active=True)
    if scope < policy.Scope.REGION:
        expected = expected.filter(country_id=user.country_code)
    client = _client_for(user)

    listed = {row["id"] for row in client.get("/api/v1/organisations").json()}
    assert listed == set(expected.values_list("pk", flat=True))
    # Organisations are regional reference data for everyone: other countries show.
    assert {matrix.OWN_COUNTRY, matrix.OTHER_COUNTRY} <= set(
        Organisation.objects.filter(pk__in=listed).values_list("country_id", flat=True)
    )

    page = client.get("/organisations/").content.decode()
    for organisation in Organisation.objects.filter(is_active=True):
        assert organisation.name in page
    assert "GONE" not in page


@pytest.mark.parametrize("actor", [matrix.ANONYMOUS, "viewer", matrix.REGIONAL])
def test_the_admin_sends_everyone_else_to_its_own_login(world, actor):
    response = _client_for(world.user(actor)).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
