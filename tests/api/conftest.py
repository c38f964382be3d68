"""Fixtures for calling the JSON API as a national system would: with a bearer token."""

from __future__ import annotations

import pytest

from jaring.identity import services
from jaring.identity.policy import TOKEN_SCOPES
from jaring.identity.roles import Role
from tests.factories import make_user


@pytest.fixture
def admin_bearer(db) -> dict[str, str]:
    """Headers for an administrator's token holding every scope."""
    user = make_user(Role.ADMINISTRATOR, "SG")
    issued = services.create_token(user, name="all scopes", scopes=list(TOKEN_SCOPES))
    return {"Authorization": f"Bearer {issued.secret}"}



@pytest.fixture
def analyst_bearer(db) -> dict[str, str]:
    """Headers for an intelligence analyst's token with the intel scopes."""
    user = make_user(Role.INTEL_ANALYST, "SG")
    issued = services.create_token(user, name="intel", scopes=["intel:read", "intel:write",
                                                               "reference:read"])
    return {"Authorization": f"Bearer {issued.secret}"}
