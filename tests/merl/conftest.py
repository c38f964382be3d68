import pytest

from tests.merl.factories import framework as _framework


@pytest.fixture
def framework(db):
    return _framework()
