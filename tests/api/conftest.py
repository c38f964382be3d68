"""Fixtures for calling the JSON API as a national system would: with a bearer token."""

from __future__ import annotations

import pytest

from jaring.identity.policy import TOKEN_SCOPES
from jaring.identity.roles import Role
from tests.factories import make_bearer


@pytest.fixture
def admin_bearer(db) -> dict[str, str]:
    """Headers for an administrator's token holding every scope."""
    return make_bearer(Role.ADMINISTRATOR, list(TOKEN_SCOPES))


@pytest.fixture
def analyst_bearer(db) -> dict[str, str]:
    """Headers for an intelligence analyst's token with the intel scopes."""
    return make_bearer(Role.INTEL_ANALYST, ["intel:read", "intel:write", "reference:read"])
