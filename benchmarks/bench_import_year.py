"""Benchmark: the UCI Online Retail year (541,909 order lines, one CSV) through ``import_orders``.

Run from the repository root::

    python benchmarks/bench_import_year.py                      # the embedded SQLite
    DATABASE_URL=postgres://… python benchmarks/bench_import_year.py   # PostgreSQL

The year comes from ``../shared/data/online_retail_uci352_by_day_2010-12-01_2011-12-09.tar.gz``
(305 daily files, joined into one file under a temporary folder); the benchmark says so and
exits 0 when it is absent. One import, all or nothing, read in chunks: prints the wall time,
the CPU time and the process's peak memory (maximum resident set). Targets: ≤ 1 GiB peak
for 1 M lines (so well under for 541,909), and the whole import under 5 minutes. Then the
web page's preview of the year's first 1 MB (the size above which the worker previews an
upload) and of its first 200,000 lines (the page's row limit).
"""

from __future__ import annotations

import os
import resource
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
YEAR = ROOT.parent / "shared" / "data" / "online_retail_uci352_by_day_2010-12-01_2011-12-09.tar.gz"
COLUMNS = "order=InvoiceNo,date=InvoiceDate,sku=StockCode,quantity=Quantity,unit_price=UnitPrice,customer=CustomerID"
MAX_PEAK_MIB = 1024
MAX_SECONDS = 300


def year_file(folder: Path) -> Path:
    path = folder / "online_retail_year.csv"
    with tarfile.open(YEAR) as archive, path.open("wb") as out:
        # Read in the archive's order, then sorted: extracting by sorted name seeks back in
        # the gzip stream, which decompresses it again from the start each time (40 s).
        days = {m.name: archive.extractfile(m).read() for m in archive if m.name.endswith(".csv")}
        for i, name in enumerate(sorted(days)):
            out.write(days[name] if i == 0 else days[name].split(b"\n", 1)[1])
    return path


def preview_seconds(path: Path, organization) -> list[tuple[float, int, float]]:
    """How long the web page's preview of the year's first 1 MB, and of its first 200,000 lines
    (the page's row limit), takes in one request (what sets
    sales.services.previews.PREVIEW_IN_WORKER_BYTES)."""
    from sales.readers import OrderFile, parse_column_mapping
    from sales.services import orders_import

    content = path.read_bytes()
    measured = []
    row_limit_end = 0
    for _ in range(200_001):  # the header and 200,000 lines
        row_limit_end = content.index(b"\n", row_limit_end) + 1
    for end in (content.rfind(b"\n", 0, 1024 * 1024) + 1, row_limit_end):
        part = content[:end]
        start = time.perf_counter()
        outcome = orders_import(organization=organization, files=[OrderFile("part.csv", part)], format="lines",
                                mapping=parse_column_mapping(COLUMNS), cancel_prefix="C", prices_include_vat=False,
                                dry_run=True)
        assert outcome.ok, outcome.errors[:3]
        measured.append((len(part) / 2**20, part.count(b"\n") - 1, time.perf_counter() - start))
    return measured


def main() -> int:
    if not YEAR.exists():
        print(f"skipped: the UCI year is absent from {YEAR.parent}")
        return 0
    folder = Path(tempfile.mkdtemp(prefix="plannerist-year-"))
    path = year_file(folder)
    sys.path.insert(0, str(ROOT))
    for name in ("CELERY_BROKER_URL", "REDIS_URL", "DJANGO_DEBUG"):
        os.environ.pop(name, None)
    database = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    if database == "SQLite":
        os.environ["SQLITE_PATH"] = str(folder / "bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plannerist.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from plannerist.models import Organization

    Organization.objects.filter(slug="uci-bench").delete()
    Organization.objects.create(name="UCI", slug="uci-bench", currency="GBP", country="GB",
                                timezone="Europe/London", prices_include_vat=False)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start, cpu = time.perf_counter(), time.process_time()
    call_command("import_orders", "--org", "uci-bench", "--format", "lines", "--columns", COLUMNS,
                 "--cancel-prefix", "C", "--prices", "excl-vat", str(path))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{database}: UCI year, 541,909 lines: {seconds:.1f} s (CPU {cpu:.1f} s), peak memory {peak:.0f} MiB "
          f"(before the import {before:.0f} MiB)")
    previews = preview_seconds(path, Organization.objects.get(slug="uci-bench"))
    print("web preview (read and checked, nothing saved) of the year's first "
          + ", ".join(f"{mib:.1f} MB ({rows:,} lines): {took:.1f} s" for mib, rows, took in previews))
    Organization.objects.filter(slug="uci-bench").delete()
    ok = peak <= MAX_PEAK_MIB and seconds <= MAX_SECONDS
    if not ok:
        print(f"MISSED: targets ≤ {MAX_PEAK_MIB} MiB and ≤ {MAX_SECONDS} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
