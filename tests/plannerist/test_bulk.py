"""plannerist.bulk: the statistics of a table a bulk write filled are brought up to date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from forecasting.models import ForecastDay
from plannerist import bulk

pytestmark = pytest.mark.django_db

FIELDS = ["organization_id", "date", "orders", "orders_lo80", "orders_hi80"]


def _days(org, count: int, *, first: dt.date = dt.date(2000, 1, 1)):
    return ([org.id, first + dt.timedelta(days=k), 1.0, 0.5, 1.5] for k in range(count))


def _counted(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        return cursor.fetchone()[0]


postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="ANALYZE is PostgreSQL's (SQLite has no planner statistics to refresh here)")


@postgres_only
def test_a_big_write_to_a_table_never_analysed_is_analysed_after_commit(org, django_capture_on_commit_callbacks):
    rows = bulk.ANALYZE_MIN_ROWS + 123  # (ANALYZE writes its count outside the transaction: one no other test leaves)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sent = bulk.insert_rows(ForecastDay, FIELDS, _days(org, rows))
    assert sent == rows
    assert len(callbacks) == 1
    assert _counted(ForecastDay._meta.db_table) == rows


@postgres_only
def test_a_write_below_the_row_threshold_leaves_the_statistics_to_autovacuum(org, django_capture_on_commit_callbacks):
    counted = _counted(ForecastDay._meta.db_table)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        bulk.insert_rows(ForecastDay, FIELDS, _days(org, bulk.ANALYZE_MIN_ROWS - 1))
    assert callbacks == []
    assert _counted(ForecastDay._meta.db_table) == counted


@postgres_only
def test_a_write_that_is_a_small_share_of_a_counted_table_is_not_analysed(org, django_capture_on_commit_callbacks,
                                                                         monkeypatch):
    with django_capture_on_commit_callbacks(execute=True):
        bulk.insert_rows(ForecastDay, FIELDS, _days(org, bulk.ANALYZE_MIN_ROWS))
    table = ForecastDay._meta.db_table
    assert _counted(table) == bulk.ANALYZE_MIN_ROWS
    share = int(bulk.ANALYZE_MIN_SHARE * bulk.ANALYZE_MIN_ROWS)  # 1,000 of the 10,000 counted
    monkeypatch.setattr(bulk, "ANALYZE_MIN_ROWS", 100)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert not bulk.analyze_after_commit(connection, table, share - 1)
        assert bulk.analyze_after_commit(connection, table, share)
    assert len(callbacks) == 1


def test_sqlite_writes_ask_for_no_analyze(org, django_capture_on_commit_callbacks):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite pass's")
    with django_capture_on_commit_callbacks() as callbacks:
        sent = bulk.insert_rows(ForecastDay, FIELDS, _days(org, bulk.ANALYZE_MIN_ROWS))
    assert sent == bulk.ANALYZE_MIN_ROWS == ForecastDay.objects.count()
    assert callbacks == []
    assert not bulk.analyze_after_commit(connection, ForecastDay._meta.db_table, 10**6)
