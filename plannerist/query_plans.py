"""How PostgreSQL reads the tables behind a page: the statements a block of code runs, and
the scans of their plans (``EXPLAIN (FORMAT JSON)``).

Used by the index guard (``tests/test_indexes.py``) and the scale benchmark
(``benchmarks/bench_scale_pages.py``, with ``ANALYZE`` for the timings). PostgreSQL only:
SQLite's ``EXPLAIN QUERY PLAN`` names tables by their aliases and has no statistics to be
stale.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Iterator, Sequence

from django.db import DEFAULT_DB_ALIAS, connections


@dataclasses.dataclass(frozen=True)
class Scan:
    """One plan node reading a table: ``method`` is PostgreSQL's node type (``Seq Scan``,
    ``Index Scan``, ``Index Only Scan``, ``Bitmap Heap Scan``); ``index`` the index it reads
    (for a bitmap scan, the one of its ``Bitmap Index Scan``)."""

    table: str
    method: str
    index: str = ""

    @property
    def reads_every_row(self) -> bool:
        return self.method == "Seq Scan"


@dataclasses.dataclass(frozen=True)
class Plan:
    sql: str
    scans: tuple[Scan, ...]
    execution_ms: float | None = None  # with ``analyze`` only
    rows: int | None = None

    def scans_of(self, tables: Sequence[str]) -> list[Scan]:
        return [scan for scan in self.scans if scan.table in tables]


@contextlib.contextmanager
def statements(using: str = DEFAULT_DB_ALIAS) -> Iterator[list[tuple[str, Sequence | None]]]:
    """Collects ``(sql, params)`` of every statement run on ``using`` inside the block."""
    seen: list[tuple[str, Sequence | None]] = []

    def wrapper(execute, sql, params, many, context):
        if not many:
            seen.append((sql, params))
        return execute(sql, params, many, context)

    with connections[using].execute_wrapper(wrapper):
        yield seen


def explain(sql: str, params: Sequence | None = None, *, analyze: bool = False, using: str = DEFAULT_DB_ALIAS) -> Plan:
    """The plan of one ``SELECT`` (``analyze``: run, with its execution time)."""
    options = "ANALYZE, BUFFERS, FORMAT JSON" if analyze else "FORMAT JSON"
    with connections[using].cursor() as cursor:
        cursor.execute(f"EXPLAIN ({options}) {sql}", params)
        document = cursor.fetchone()[0]
    top = (json.loads(document) if isinstance(document, str) else document)[0]
    return Plan(sql=sql, scans=tuple(_scans(top["Plan"])), execution_ms=top.get("Execution Time"),
                rows=top["Plan"].get("Actual Rows") if analyze else None)


def _scans(node: dict) -> Iterator[Scan]:
    children = node.get("Plans", [])
    if "Relation Name" in node:
        index = node.get("Index Name", "")
        if node["Node Type"] == "Bitmap Heap Scan":
            index = ", ".join(child.get("Index Name", "") for child in _bitmap_indexes(children))
        yield Scan(table=node["Relation Name"], method=node["Node Type"], index=index)
    for child in children:
        yield from _scans(child)


def _bitmap_indexes(nodes: list[dict]) -> Iterator[dict]:
    for node in nodes:
        if node["Node Type"] == "Bitmap Index Scan":
            yield node
        yield from _bitmap_indexes(node.get("Plans", []))


def reads_of(captured: Sequence[tuple[str, Sequence | None]], tables: Sequence[str]) -> list[tuple[str, Sequence | None]]:
    """The ``SELECT`` statements of ``captured`` that name one of ``tables``."""
    return [(sql, params) for sql, params in captured
            if sql.lstrip().upper().startswith("SELECT") and any(f'"{table}"' in sql for table in tables)]
