import itertools

import pytest
from django.db import connection

from jaring.audit.models import AppendOnlyError, AuditEvent
from jaring.audit.services import record_event, verify_chain


@pytest.fixture
def chain(db):
    return [record_event(f"test.event{i}", object_type="x", object_id=str(i)) for i in range(5)]


def test_events_link_to_their_predecessor(chain):
    assert chain[0].prev_hash == "0" * 64
    for before, after in itertools.pairwise(chain):
        assert after.prev_hash == before.hash
        assert after.seq == before.seq + 1
    assert verify_chain().ok
    assert verify_chain().checked == 5


def test_model_refuses_update_and_delete(chain):
    event = chain[2]
    event.action = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_direct_database_edit_breaks_the_chain_at_that_row(chain):
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET action = %s WHERE seq = %s", ["forged", 3])
    result = verify_chain()
    assert not result.ok
    assert result.broken_at == 3
    assert result.checked == 2


def test_deleted_row_is_reported(chain):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE seq = %s", [4])
    result = verify_chain()
    assert result.broken_at == 5
    assert "sequence gap" in result.reason


def test_truncated_tail_is_reported(chain):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE seq = %s", [5])
    result = verify_chain()
    assert not result.ok
    assert "missing" in result.reason
