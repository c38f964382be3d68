"""``jaring.core.bulk``: the settings of bulk work last only while it runs."""

import pytest
from django.db import connection

from jaring.core.bulk import BULK_CHECKPOINT_PAGES, bulk_writes


def pragma(name):
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own settings")
def test_bulk_writes_checkpoint_less_often_and_sort_in_memory_then_restore(transactional_db):
    before = pragma("wal_autocheckpoint"), pragma("temp_store")
    assert before != (BULK_CHECKPOINT_PAGES, 2)
    with bulk_writes():
        assert pragma("wal_autocheckpoint") == BULK_CHECKPOINT_PAGES
        assert pragma("temp_store") == 2  # MEMORY
    assert (pragma("wal_autocheckpoint"), pragma("temp_store")) == before


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own settings")
def test_bulk_writes_restore_the_settings_when_the_work_fails(transactional_db):
    before = pragma("wal_autocheckpoint"), pragma("temp_store")
    with pytest.raises(RuntimeError), bulk_writes():
        raise RuntimeError("the import failed")
    assert (pragma("wal_autocheckpoint"), pragma("temp_store")) == before


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own settings")
def test_bulk_writes_inside_a_transaction_keep_the_temporary_storage(db):
    before = pragma("temp_store")
    with bulk_writes():
        assert pragma("wal_autocheckpoint") == BULK_CHECKPOINT_PAGES
        assert pragma("temp_store") == before
