"""Shared fixtures. pytest-django wraps each test using `db` in a transaction that
is rolled back afterwards, so tests never see each other's rows."""

from __future__ import annotations

import pytest

from jaring.crypto import keyring
from tests.factories import TEST_PASSWORD, make_user


@pytest.fixture(autouse=True)
def _fresh_keyring():
    keyring.forget()
    yield
    keyring.forget()


@pytest.fixture(autouse=True)
def _references_hold(request):
    """After every test that used the database, the references it does not enforce
    (decision 52) still hold: whatever the test did, no row points at nothing."""
    uses_database = ("_django_db_helper" in request.fixturenames
                     or request.node.get_closest_marker("django_db"))
    if uses_database:
        # Set up before this fixture, so its rollback or flush comes after the check.
        request.getfixturevalue("_django_db_helper")
    yield
    if uses_database:
        from jaring.core.integrity import dangling
        from jaring.intel.linking import members_out_of_step

        assert dangling() == []
        assert members_out_of_step() == []


@pytest.fixture
def user_of(db):
    """Build a user: ``user_of("caseworker", "TH")``."""
    return make_user


@pytest.fixture
def signed_in(client):
    """Sign a user in through the real sign-in form and return the client."""

    def _sign_in(user):
        response = client.post("/account/login", {"username": user.username,
                                                  "password": TEST_PASSWORD})
        assert response.status_code == 302, response.content[:500]
        return client

    return _sign_in
