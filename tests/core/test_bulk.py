"""``jaring.core.bulk``: the settings of bulk work last only while it runs."""

import pytest
from django.db import connection
from django.utils import timezone

from jaring.core.bulk import BULK_CACHE_KIB, BULK_CHECKPOINT_PAGES, bulk_writes


def pragma(name):
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own settings")
def test_bulk_writes_checkpoint_less_often_and_sort_in_memory_then_restore(transactional_db):
    before = pragma("wal_autocheckpoint"), pragma("temp_store"), pragma("cache_size")
    assert before != (BULK_CHECKPOINT_PAGES, 2, -BULK_CACHE_KIB)
    with bulk_writes():
        assert pragma("wal_autocheckpoint") == BULK_CHECKPOINT_PAGES
        assert pragma("temp_store") == 2  # MEMORY
        assert pragma("cache_size") == -BULK_CACHE_KIB
    assert (pragma("wal_autocheckpoint"), pragma("temp_store"), pragma("cache_size")) == before


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own settings")
def test_bulk_writes_restore_the_settings_when_the_work_fails(transactional_db):
    before = pragma("wal_autocheckpoint"), pragma("temp_store"), pragma("cache_size")
    with pytest.raises(RuntimeError), bulk_writes():
        raise RuntimeError("the import failed")
    assert (pragma("wal_autocheckpoint"), pragma("temp_store"), pragma("cache_size")) == before


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own settings")
def test_bulk_writes_inside_a_transaction_keep_the_temporary_storage(db):
    before = pragma("temp_store")
    with bulk_writes():
        assert pragma("wal_autocheckpoint") == BULK_CHECKPOINT_PAGES
        assert pragma("temp_store") == before


def test_rows_inserted_and_updated_in_bulk_keep_their_values(db, monkeypatch):
    """Both databases' paths (on PostgreSQL, whole columns as typed arrays, in
    chunks): dates as objects or as text, amounts, nulls, and conflicts skipped."""
    import datetime
    from decimal import Decimal

    from jaring.core import bulk
    from jaring.intel.models import Campaign

    monkeypatch.setattr(bulk, "ARRAY_CHUNK", 2)
    now = timezone.now()
    fields = ["anchor_report_id", "status", "report_count", "countries", "total_loss_usd",
              "first_seen", "created_at", "updated_at"]
    bulk.insert_rows(Campaign, fields, [
        (1, "active", 1, "SG", Decimal("1.50"), "2026-01-02", now, now),
        (2, "active", 2, "MY,SG", Decimal("0"), None, now, now),
        (3, "merged", 0, "", Decimal("3"), datetime.date(2026, 3, 4), now, now),
    ])
    bulk.insert_rows(Campaign, fields, [
        (3, "active", 9, "TH", Decimal("9"), None, now, now),  # anchor 3 exists: skipped
        (4, "active", 4, "TH", Decimal("4.25"), "2026-04-05", now, now),
    ], ignore_conflicts=True)
    ids = dict(Campaign.objects.values_list("anchor_report_id", "pk"))
    assert sorted(ids) == [1, 2, 3, 4]
    bulk.update_rows(Campaign, ["status", "merged_into", "first_seen", "total_loss_usd"], [
        ("merged", ids[1], "2026-05-06", Decimal("12.34"), ids[2]),
        ("active", None, None, Decimal("0.01"), ids[3]),
        ("dissolved", None, datetime.date(2026, 7, 8), Decimal("5"), ids[4]),
    ])
    rows = {a: (status, merged, first, loss, count) for a, status, merged, first, loss, count in
            Campaign.objects.values_list("anchor_report_id", "status", "merged_into",
                                         "first_seen", "total_loss_usd", "report_count")}
    assert rows == {
        1: ("active", None, datetime.date(2026, 1, 2), Decimal("1.50"), 1),
        2: ("merged", ids[1], datetime.date(2026, 5, 6), Decimal("12.34"), 2),
        3: ("active", None, None, Decimal("0.01"), 0),
        4: ("dissolved", None, datetime.date(2026, 7, 8), Decimal("5"), 4),
    }


def test_among_selects_by_ids_and_by_text_on_either_database(db):
    from jaring.core.bulk import among, fetch
    from jaring.reference.models import Country

    codes = sorted(Country.objects.values_list("code", flat=True))[:3]
    inside, params = among([*codes, "ZZ"], "text")
    assert sorted(c for (c,) in fetch(
        f"SELECT code FROM {Country._meta.db_table} WHERE code IN ({inside})", params)) == codes
    inside, params = among(list(range(1, 2001)))
    assert fetch(f"SELECT COUNT(*) FROM (SELECT 1 AS x) t WHERE 1500 IN ({inside}) "
                 f"AND 2001 NOT IN ({inside})", params + params) == [(1,)]


def test_integer_arrays_go_as_array_text_and_the_rest_as_lists():
    from jaring.core.bulk import _array

    assert _array([3, None, 12]) == "{3,NULL,12}"
    assert _array([]) == "{}"
    # Booleans are ints to Python, not to PostgreSQL.
    assert _array([True, False]) == [True, False]
    assert _array(["SG", None]) == ["SG", None]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics")
def test_refresh_statistics_of_whole_tables_and_of_columns(db):
    from django.test.utils import CaptureQueriesContext

    from jaring.core.bulk import refresh_statistics
    from jaring.intel.models import FraudReport, Indicator
    from tests.intel.factories import submit

    submit("TH", ("phone", "+66812345678"))

    def sampled(model):
        with connection.cursor() as cursor:
            cursor.execute("SELECT attname FROM pg_stats WHERE tablename = %s",
                           [model._meta.db_table])
            return {name for (name,) in cursor.fetchall()}

    with CaptureQueriesContext(connection) as ran:
        refresh_statistics([(FraudReport, ["id", "reported_on"]), Indicator])
    assert [q["sql"] for q in ran.captured_queries] == [
        'ANALYZE "intel_fraudreport" ("id", "reported_on")', 'ANALYZE "intel_indicator"']
    assert {"id", "reported_on"} <= sampled(FraudReport)
    assert {"id", "token", "status", "report_count"} <= sampled(Indicator)


def test_inserting_no_rows_sends_nothing(db, monkeypatch):
    from jaring.core.bulk import insert_rows
    from jaring.intel.models import PendingLink

    def no_cursor():
        raise AssertionError("no statement was due")

    # Not even a COPY, which Django's query log would not show.
    with monkeypatch.context() as patched:
        patched.setattr(connection, "cursor", no_cursor)
        insert_rows(PendingLink, ["report"], iter([]))
        insert_rows(PendingLink, ["report"], [], ignore_conflicts=True)


def test_batch_collection_collects_once_per_so_many_batches():
    import gc

    from jaring.core.bulk import batch_collection

    runs: list[int] = []

    def count(phase: str, info: dict) -> None:
        if phase == "start":
            runs.append(info["generation"])

    was_enabled = gc.isenabled()
    gc.callbacks.append(count)
    try:
        with batch_collection(every=3) as collect:
            assert not gc.isenabled()
            for _batch in range(7):
                collect()
    finally:
        gc.callbacks.remove(count)
    assert runs == [1, 1]  # after the third and the sixth batch, the young generations
    assert gc.isenabled() == was_enabled


def test_bulk_updates_take_columns_of_mixed_types_and_of_nulls_only(db, monkeypatch):
    import datetime
    from decimal import Decimal

    from jaring.core import bulk
    from jaring.intel.models import Campaign

    now = timezone.now()
    fields = ["anchor_report_id", "status", "report_count", "countries", "total_loss_usd",
              "first_seen", "created_at", "updated_at"]
    bulk.insert_rows(Campaign, fields, [(n, "active", n, "SG", Decimal(n), None, now, now)
                                        for n in (1, 2, 3)])
    ids = dict(Campaign.objects.values_list("anchor_report_id", "pk"))
    bulk.update_rows(Campaign, ["first_seen", "last_seen", "countries", "total_loss_usd"], [
        ("2026-05-06", None, "MY", Decimal("1.5"), ids[1]),
        (datetime.date(2026, 7, 8), None, "TH", Decimal("2"), ids[2]),
        (None, None, "", Decimal("0"), ids[3]),
    ])
    assert sorted(Campaign.objects.values_list(
        "anchor_report_id", "first_seen", "last_seen", "countries", "total_loss_usd")) == [
        (1, datetime.date(2026, 5, 6), None, "MY", Decimal("1.5")),
        (2, datetime.date(2026, 7, 8), None, "TH", Decimal("2")),
        (3, None, None, "", Decimal("0")),
    ]


def test_moving_rows_from_old_values_to_new_ones(db, monkeypatch):
    """Every row holding an old value takes its new one, in chunks on PostgreSQL."""
    from decimal import Decimal

    from jaring.core import bulk
    from jaring.intel.models import Campaign

    monkeypatch.setattr(bulk, "ARRAY_CHUNK", 2)
    now = timezone.now()
    bulk.insert_rows(Campaign, ["anchor_report_id", "status", "report_count", "countries",
                                "total_loss_usd", "created_at", "updated_at"],
                     [(n, "active", n % 3, "SG", Decimal(0), now, now) for n in range(1, 10)])
    bulk.move_rows(Campaign, "report_count", [(7, 1), (8, 2)])
    bulk.move_rows(Campaign, "report_count", [])
    assert sorted(Campaign.objects.values_list("anchor_report_id", "report_count")) == [
        (1, 7), (2, 8), (3, 0), (4, 7), (5, 8), (6, 0), (7, 7), (8, 8), (9, 0)]
