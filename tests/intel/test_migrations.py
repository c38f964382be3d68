"""Migrations that convert stored data, run forwards over rows written before them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from jaring.intel.ingest import indicator_token
from jaring.intel.models import Indicator, WarninglistEntry

BEFORE = [("intel", "0009_indicator_fillfactor")]


def _migrate(targets=None):
    """Migrate to ``targets``, or back to the latest of every app."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_hex_tokens_become_the_same_hmac_cut_to_16_bytes():
    token = indicator_token("phone", "+6591234567")
    # What intel 0009 stored: the whole HMAC-SHA256 in hexadecimal, whose first 16
    # bytes are the token now.
    stored = token.hex() + "ab" * 16
    apps = _migrate(BEFORE)
    try:
        apps.get_model("intel", "Indicator").objects.create(
            kind="phone", token=stored, value="+6591234567", status="active")
        apps.get_model("intel", "WarninglistEntry").objects.create(
            kind="phone", value="+6591234567", token=stored, reason="bank hotline")
    finally:
        _migrate()
    assert bytes(Indicator.objects.get(kind="phone").token) == token
    assert bytes(WarninglistEntry.objects.get(kind="phone").token) == token
    # Left fully migrated, as every later test expects.
    executor = MigrationExecutor(connection)
    assert not executor.migration_plan(executor.loader.graph.leaf_nodes())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's page layout")
@pytest.mark.django_db
def test_indicator_pages_keep_half_their_room_for_count_updates():
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s",
                       [Indicator._meta.db_table])
        assert cursor.fetchone()[0] == ["fillfactor=50"]
