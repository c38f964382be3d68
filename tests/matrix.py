"""The authorization matrix: every route, every kind of user, the status each must get.

The platform's rows are :data:`PLATFORM_ROUTES`. Each domain part puts its own in
``tests/<part>/matrix_rows.py`` as a list named ``ROUTES`` (one :class:`Route` per URL
pattern and per API operation), built with the helpers here; :func:`all_routes`
collects them. ``tests/test_authorization_matrix.py`` walks the URL resolver and the
OpenAPI schema and fails, naming the route, when one has no row. For example::

    # tests/intel/matrix_rows.py
    from tests.matrix import Route, World, roles, signed_in

    def _report(world: World, actor: str, variant: str) -> str:
        owner = world.owner(actor, variant)  # the actor, or a same-role user abroad
        return f"/intel/reports/{make_report(owner).pk}/"

    ROUTES = [
        Route("/intel/reports/", roles({"intel_analyst": 200}, 403)),
        Route("/intel/reports/<int:pk>/", roles({"intel_analyst": 200}, 403),
              other=roles({"intel_analyst": 404}, 403), path=_report),
        Route("POST /api/v1/intel/reports", roles({"intel_analyst": 201}, 403, anonymous=401),
              data={"narrative": "..."}),
    ]

A row gives the expected status for each actor: anonymous, every role in the own
country (:data:`OWN_COUNTRY`), and a viewer at the regional secretariat. Routes
that name a record also give ``other``: the statuses when the record belongs to
another country (and another user), built by the row's ``path`` function.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from jaring.identity import services
from jaring.identity.models import User
from jaring.identity.roles import Role
from jaring.reference.models import CodeList
from tests.factories import make_user

ANONYMOUS = "anonymous"
REGIONAL = "regional"  # a viewer at the regional secretariat: no country of their own
ROLES: list[str] = list(Role.values)
SIGNED_IN: list[str] = [*ROLES, REGIONAL]
ACTORS: list[str] = [ANONYMOUS, *SIGNED_IN]
OWN, OTHER = "own", "other"
OWN_COUNTRY, OTHER_COUNTRY = "SG", "TH"

ADMIN_GROUP = "/admin/"  # Django's admin counts as one route: its own login guards it all
LOGIN_REDIRECT = 302


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ACTORS, status)


def signed_in(status: int, *, anonymous: int = LOGIN_REDIRECT) -> dict[str, int]:
    """``status`` for every signed-in user; anonymous users go to the sign-in page."""
    return {ANONYMOUS: anonymous, **dict.fromkeys(SIGNED_IN, status)}


def roles(granted: Mapping[str, int], otherwise: int, *, anonymous: int = LOGIN_REDIRECT,
          regional: int | None = None) -> dict[str, int]:
    """Per-role statuses; roles not named get ``otherwise``, the regional viewer ``regional``."""
    table = {ANONYMOUS: anonymous, **dict.fromkeys(ROLES, otherwise), **granted}
    table[REGIONAL] = otherwise if regional is None else regional
    return table


@dataclass
class World:
    """The users (and records) one matrix run requests with."""

    users: dict[str, User | None]
    others: dict[str, User]  # a user of each role in OTHER_COUNTRY
    cache: dict[str, object] = field(default_factory=dict)

    @classmethod
    def build(cls) -> World:
        users: dict[str, User | None] = {ANONYMOUS: None}
        for role in ROLES:
            users[role] = make_user(role, OWN_COUNTRY)
        users[REGIONAL] = make_user(Role.VIEWER, None)
        others = {role: make_user(role, OTHER_COUNTRY) for role in ROLES}
        return cls(users=users, others=others)

    def user(self, actor: str) -> User | None:
        return self.users[actor]

    def owner(self, actor: str, variant: str) -> User:
        """Who owns the record an actor asks for: themselves, or someone abroad."""
        user = self.users[actor]
        if variant == OWN and user is not None:
            return user
        if variant == OWN:
            return self.users[Role.VIEWER]  # type: ignore[return-value]
        role = user.role if user is not None else Role.VIEWER
        return self.others[role]


PathBuilder = Callable[[World, str, str], str]
DataBuilder = Callable[[World, str, str], dict[str, Any]]


@dataclass(frozen=True)
class Route:
    """One URL pattern or API operation and what each actor gets from it.

    ``method`` is the one the matrix sends: an API key names its own ("POST /api/..."),
    a page is requested with GET unless it only answers POST. ``data`` is the form
    (pages) or JSON body (API) to send, so that a well-formed request meets the policy
    rather than the validator; a builder gets ``(world, actor, variant)`` like ``path``.
    """

    key: str  # "/account/tokens/<int:pk>/revoke" or "GET /api/v1/me"
    expect: Mapping[str, int]
    method: str = "GET"
    other: Mapping[str, int] | None = None  # when the record is another country's
    path: str | PathBuilder | None = None  # a concrete URL; by default the key itself
    data: dict[str, Any] | DataBuilder | None = None

    @property
    def is_api(self) -> bool:
        return " " in self.key

    @property
    def verb(self) -> str:
        return self.key.split(" ", 1)[0] if self.is_api else self.method

    def url(self, world: World, actor: str, variant: str) -> str:
        if callable(self.path):
            return self.path(world, actor, variant)
        if self.path is not None:
            return self.path
        url = self.key.split(" ", 1)[-1]
        if "<" in url or "{" in url:
            raise AssertionError(f"{self.key}: a route with parameters needs a path builder")
        return url

    def send(self, client: Client, world: World, actor: str, variant: str) -> HttpResponse:
        url = self.url(world, actor, variant)
        data = self.data(world, actor, variant) if callable(self.data) else self.data
        if self.is_api and self.verb != "GET":
            return client.generic(self.verb, url, json.dumps(data or {}),
                                  content_type="application/json")
        if self.verb == "POST":
            return client.post(url, data or {})
        if self.verb == "GET":
            return client.get(url, data or {})
        return client.generic(self.verb, url, urlencode(data or {}),
                              content_type="application/x-www-form-urlencoded")

    def variants(self) -> Iterator[tuple[str, Mapping[str, int]]]:
        yield OWN, self.expect
        if self.other is not None:
            yield OTHER, self.other


# --- Record builders ------------------------------------------------------------------


def _token_path(world: World, actor: str, variant: str) -> str:
    owner = world.owner(actor, variant)
    token = services.create_token(owner, name="matrix", scopes=["reference:read"]).token
    return f"/account/tokens/{token.pk}/revoke"


def _code_list_path(world: World, actor: str, variant: str) -> str:
    found, _ = CodeList.objects.get_or_create(code="matrix-list", defaults={"name": "Matrix"})
    return f"/api/v1/reference/code-lists/{found.pk}"


# --- The table ------------------------------------------------------------------------

PLATFORM_ROUTES: list[Route] = [
    # core
    Route("/", signed_in(200)),
    Route("/organisations/", signed_in(200)),
    Route("/health", everyone(200)),
    # identity: sign-in pages are public; the verify step needs a password first
    Route("/account/login", everyone(200)),
    Route("/account/verify", signed_in(200)),
    Route("/account/logout", everyone(302), method="POST"),
    Route("/account/second-factor", signed_in(200)),
    Route("/account/tokens", signed_in(200)),
    # One's own token is revoked; another user's is concealed, whatever the country.
    Route("/account/tokens/<int:pk>/revoke", signed_in(302), method="POST",
          other=signed_in(404), path=_token_path),
    # Django admin: administrators only; everyone else meets the admin's own login.
    Route(ADMIN_GROUP, roles({Role.ADMINISTRATOR: 200}, 302)),
    # API documentation is public, so a national system's developers can read it first.
    Route("/api/v1/", everyone(404)),
    Route("/api/v1/openapi.json", everyone(200)),
    Route("/api/v1/docs", everyone(200)),
    Route("/api/v1/^(?P<rest>.*)$", everyone(404), path="/api/v1/no-such-route"),
    # API operations (session-authenticated here; tests/api covers bearer tokens)
    Route("GET /api/v1/me", signed_in(200, anonymous=401)),
    Route("GET /api/v1/organisations", signed_in(200, anonymous=401)),
    Route("GET /api/v1/reference/countries", signed_in(200, anonymous=401)),
    Route("GET /api/v1/reference/rates", signed_in(200, anonymous=401)),
    Route("GET /api/v1/reference/scam-types", signed_in(200, anonymous=401)),
    Route("GET /api/v1/reference/channels", signed_in(200, anonymous=401)),
    Route("GET /api/v1/reference/code-lists/{code}", signed_in(200, anonymous=401),
          path=_code_list_path),
]




def _part_routes() -> list[Route]:
    """Rows from each domain part's ``tests/<part>/matrix_rows.py`` (a list named ROUTES)."""
    rows: list[Route] = []
    tests_dir = Path(__file__).parent
    for info in sorted(pkgutil.iter_modules([str(tests_dir)]), key=lambda m: m.name):
        if info.ispkg and (tests_dir / info.name / "matrix_rows.py").exists():
            rows.extend(importlib.import_module(f"tests.{info.name}.matrix_rows").ROUTES)
    return rows


def all_routes() -> list[Route]:
    return [*PLATFORM_ROUTES, *_part_routes()]


# --- Discovering what exists ----------------------------------------------------------


@dataclass(frozen=True)
class Found:
    key: str
    callback: Callable
    is_admin: bool
    is_api_operation: bool


def _converters_to_openapi(pattern: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", pattern)


def url_routes(api_paths: set[str]) -> list[Found]:
    """Every URL pattern under the root resolver, keyed as in :class:`Route`."""
    found: list[Found] = []

    def walk(patterns: list, prefix: str, admin: bool) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                is_admin = admin or entry.app_name == "admin"
                walk(entry.url_patterns, prefix + str(entry.pattern), is_admin)
            elif isinstance(entry, URLPattern):
                key = "/" + prefix + str(entry.pattern)
                found.append(Found(
                    key=ADMIN_GROUP if admin else key,
                    callback=entry.callback,
                    is_admin=admin,
                    is_api_operation=_converters_to_openapi(key) in api_paths,
                ))

    walk(get_resolver().url_patterns, "", False)
    return found


def api_operations(schema: dict) -> list[str]:
    methods = {"get", "post", "put", "patch", "delete"}
    return [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
        if method in methods
    ]
