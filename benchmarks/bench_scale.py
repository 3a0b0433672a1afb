"""The nightly jobs at a thousand shops (issue 18): KPI recompute and forecast refit of every
organisation of the scale seed, by a real Celery worker.

Run from the repository root, on the database ``benchmarks/scale_seed.py`` filled, under the
measurement lock::

    flock /work/tools/measure.lock python benchmarks/bench_scale.py --workers 1 [--organisations N]
        [--jobs recompute,refit] [--database postgres://…/plannerist_scale_bench]
        [--broker redis://127.0.0.1:6379/14] [--output figures.json]

Starts ``celery -A plannerist worker -c WORKERS`` with production settings
(``PLANNERIST_PRODUCTION=1``, no debug, JSON tasks, the settings' time limits) against the
broker (its Redis database is flushed first: give it one of its own) and the database, then
for each job:

- ``cold`` (not run by default): empties the snapshots table, then as ``recompute``: every
  snapshot is written again, as the first recompute after a big import;
- ``recompute``: queues ``kpis.tasks.nightly_recompute`` (with ``--organisations`` below the
  seed's count, one ``recompute_request`` for each of the first N, as the nightly task does
  for all) and waits until each organisation's ``RecomputeState.last_computed_at`` is past
  the start;
- ``refit``: queues ``forecasting.tasks.nightly_refit`` (or the first N ``refit_request``)
  and waits until each organisation's ``Forecast.fitted_at`` is past the start (the refit),
  then until the recompute each stored forecast queues is done too (refit + recomputes).

Measures per job: wall time, organisations per minute, the peak resident memory of the
worker (its pool processes sampled every half second: the largest one, and all together),
the database size before and after and the tables that grew, and failures (organisations
not done when the queue went quiet for ``--stall`` seconds, tasks the worker logged as
failed, recompute and refit errors stored). Prints them, and writes them as JSON with
``--output``. Exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale_seed import DEFAULT_DATABASE  # noqa: E402

DEFAULT_BROKER = "redis://127.0.0.1:6379/14"
GROWING_TABLES = ("kpis_kpisnapshot", "forecasting_forecastday", "forecasting_counterfactualday", "kpis_signal",
                  "forecasting_forecast")  # fmt: skip


def environment(database: str, broker: str) -> dict[str, str]:
    """The worker's environment: production settings on the scale database and broker."""
    env = {**os.environ, "DATABASE_URL": database, "CELERY_BROKER_URL": broker, "PLANNERIST_PRODUCTION": "1",
           "DJANGO_SECRET_KEY": "scale-bench-" + "k" * 50, "DJANGO_ALLOWED_HOSTS": "localhost",
           "DJANGO_SETTINGS_MODULE": "plannerist.settings", "LOG_LEVEL": "WARNING"}  # fmt: skip
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(variable, "1")
    for variable in ("DJANGO_DEBUG", "REDIS_URL"):
        env.pop(variable, None)
    return env


class Worker:
    """A ``celery worker`` child process, its log, and its pool's memory sampled meanwhile."""

    def __init__(self, concurrency: int, env: dict[str, str], log: Path) -> None:
        self.log_path = log
        self.log = log.open("w")
        command = [str(ROOT / ".venv/bin/celery"), "-A", "plannerist", "worker", "-c", str(concurrency),
                   "--loglevel", "INFO", "-n", f"scale-bench-{os.getpid()}@%h", "--without-gossip",
                   "--without-mingle"]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.peak_one = self.peak_all = 0
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while "ready." not in self.log_path.read_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start:\n{self.log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        self._sampler.start()

    def _sample(self) -> None:
        import psutil

        root = psutil.Process(self.process.pid)
        while not self._stop.wait(0.5):
            try:
                rss = [p.memory_info().rss for p in (root, *root.children(recursive=True))]
            except psutil.Error:
                continue
            self.peak_one, self.peak_all = max(self.peak_one, max(rss)), max(self.peak_all, sum(rss))

    def reset_peaks(self) -> None:
        self.peak_one = self.peak_all = 0

    def failures_logged(self) -> list[str]:
        return [line for line in self.log_path.read_text().splitlines()
                if "raised unexpected" in line or "TimeLimitExceeded" in line or "WorkerLostError" in line]

    def stop(self) -> None:
        self._stop.set()
        self.process.send_signal(signal.SIGTERM)  # warm shutdown
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def uptime_now() -> str:
    """``uptime`` in UTC (Django set the process's TZ to its TIME_ZONE)."""
    return subprocess.run(["uptime"], capture_output=True, text=True, env={**os.environ, "TZ": "UTC"}).stdout.strip()


def database_sizes() -> tuple[int, dict[str, int]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        total = cursor.fetchone()[0]
        cursor.execute("SELECT relname, pg_total_relation_size(oid) FROM pg_class WHERE relname = ANY(%s)",
                       [list(GROWING_TABLES)])
        tables = dict(cursor.fetchall())
    return total, tables


def queue_length(broker: str) -> int:
    """Messages waiting in every queue of the broker's Redis database (its lists)."""
    import redis

    client = redis.Redis.from_url(broker)
    return sum(client.llen(key) for key in client.scan_iter() if client.type(key) == b"list")


def wait_for(done, count: int, *, broker: str, stall: float, label: str, until: float = float("inf")) -> tuple[float, int]:
    """Poll ``done()`` (how many organisations are done) every second until it reaches
    ``count``, until nothing moved for ``stall`` seconds with the queue empty, or until the
    perf_counter ``until``; returns when the last one finished (perf_counter) and how many did."""
    last, moved, shown = -1, time.perf_counter(), 0.0
    while True:
        now = time.perf_counter()
        finished = done()
        if finished != last:
            last, moved = finished, now
        if now - shown >= 60:
            print(f"    {label}: {finished:,}/{count:,}, {queue_length(broker):,} queued", flush=True)
            shown = now
        if finished >= count:
            return now, finished
        if (now - moved > stall and queue_length(broker) == 0) or now > until:
            return moved, finished
        time.sleep(1.0)


def truncate_snapshots() -> None:
    """No snapshot left: the next recompute writes every row, as the first after an import."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE kpis_kpisnapshot")


def queue_recomputes(ids: list[int], everyone: bool) -> None:
    from django.db import transaction

    from kpis import tasks
    from kpis.services import recompute_request
    from plannerist.models import Organization

    if everyone:
        tasks.nightly_recompute.delay()
        return
    with transaction.atomic():
        for organization in Organization.objects.filter(pk__in=ids):
            recompute_request(organization=organization)


def queue_refits(ids: list[int], everyone: bool) -> None:
    from django.db import transaction

    from forecasting import tasks
    from forecasting.services import refit_request
    from plannerist.models import Organization

    if everyone:
        tasks.nightly_refit.delay()
        return
    with transaction.atomic():
        for organization in Organization.objects.filter(pk__in=ids):
            refit_request(organization=organization)


def run_job(job: str, worker: Worker, ids: list[int], *, everyone: bool, broker: str, stall: float,
            limit: float) -> dict:
    from django.db.models import F
    from django.utils import timezone

    from forecasting.models import Forecast, RefitState
    from kpis.models import RecomputeState

    size_before, tables_before = database_sizes()
    failures_before = len(worker.failures_logged())
    worker.reset_peaks()
    started_at = timezone.now()
    began = time.perf_counter()
    until = began + limit
    figures: dict = {"job": job, "organisations": len(ids)}

    def recomputed(since: dt.datetime):
        return lambda: RecomputeState.objects.filter(organization_id__in=ids, last_computed_at__gte=since).count()

    if job in ("cold", "recompute"):
        if job == "cold":
            truncate_snapshots()
        queue_recomputes(ids, everyone)
        finished_at, done = wait_for(recomputed(started_at), len(ids), broker=broker, stall=stall, label="recomputed",
                                       until=until)
        figures.update(wall_s=finished_at - began, done=done)
        errors = RecomputeState.objects.filter(organization_id__in=ids).exclude(last_error="").count()
    else:
        queue_refits(ids, everyone)
        refitted = Forecast.objects.filter(organization_id__in=ids, fitted_at__gte=started_at)
        finished_at, done = wait_for(refitted.count, len(ids), broker=broker, stall=stall, label="refitted",
                                       until=until)
        figures.update(wall_s=finished_at - began, done=done)
        # Each stored forecast queues a recompute of its organisation (forecast_store): done
        # when every organisation was recomputed after its forecast was stored.
        after_refit = lambda: RecomputeState.objects.filter(  # noqa: E731
            organization_id__in=ids, organization__forecast__fitted_at__gte=started_at,
            last_computed_at__gte=F("organization__forecast__fitted_at")).count()
        settled_at, settled = wait_for(after_refit, len(ids), broker=broker, stall=stall,
                                      label="recomputed after", until=until)
        figures.update(with_recomputes_wall_s=settled_at - began, recomputed_after=settled)
        errors = (RefitState.objects.filter(organization_id__in=ids).exclude(last_error="").count()
                  + RecomputeState.objects.filter(organization_id__in=ids).exclude(last_error="").count())
    figures["timed_out"] = time.perf_counter() > until
    size_after, tables_after = database_sizes()
    logged = worker.failures_logged()[failures_before:]
    figures.update(
        per_minute=done / figures["wall_s"] * 60 if figures["wall_s"] else None,
        peak_rss_one_mb=worker.peak_one / 2**20, peak_rss_all_mb=worker.peak_all / 2**20,
        db_before_mb=size_before / 2**20, db_after_mb=size_after / 2**20,
        tables_grew_mb={name: (tables_after.get(name, 0) - tables_before.get(name, 0)) / 2**20 for name in GROWING_TABLES},
        failures=(0 if figures["timed_out"] else len(ids) - done) + len(logged) + errors, failures_logged=logged[:5], errors_stored=errors,
        load_after=os.getloadavg(),
    )  # fmt: skip
    return figures


def report(figures: dict) -> str:
    lines = [
        f"  {figures['job']:<9} {figures['done']:,}/{figures['organisations']:,} organisations in "
        f"{figures['wall_s']:,.1f} s = {figures['per_minute']:,.1f} organisations/min"
        + (" (stopped at --job-limit)" if figures["timed_out"] else ""),
    ]
    if "with_recomputes_wall_s" in figures:
        lines.append(f"            with the recompute each stored forecast queues: {figures['with_recomputes_wall_s']:,.1f} s "
                     f"({figures['recomputed_after']:,} recomputed after their refit)")
    grew = ", ".join(f"{name} +{mb:,.0f} MB" for name, mb in figures["tables_grew_mb"].items() if mb >= 0.5)
    lines += [
        f"            peak RSS: largest worker process {figures['peak_rss_one_mb']:,.0f} MB, all together "
        f"{figures['peak_rss_all_mb']:,.0f} MB",
        f"            PostgreSQL {figures['db_before_mb']:,.0f} MB -> {figures['db_after_mb']:,.0f} MB ({grew or 'no table grew'})",
        f"            failures: {figures['failures']} (logged {len(figures['failures_logged'])}, "
        f"errors stored {figures['errors_stored']}); load average after {figures['load_after'][0]:.2f}",
    ]  # fmt: skip
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1, help="the worker's concurrency (-c)")
    parser.add_argument("--organisations", type=int, default=0, help="the first N only (default: all)")
    parser.add_argument("--jobs", default="recompute,refit")
    parser.add_argument("--database", default=os.environ.get("SCALE_DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--broker", default=DEFAULT_BROKER)
    parser.add_argument("--stall", type=float, default=300.0, help="seconds without progress that end a job")
    parser.add_argument("--job-limit", type=float, default=float("inf"),
                        help="seconds after which a job is reported with the organisations done so far")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()

    env = environment(args.database, args.broker)
    os.environ.update({k: v for k, v in env.items() if k not in ("PLANNERIST_PRODUCTION",)})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import redis
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from forecasting.models import RefitState
    from kpis.models import RecomputeState
    from plannerist.models import Organization

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        print(f"{args.database} is not migrated: run `DATABASE_URL={args.database} manage.py migrate` first",
              file=sys.stderr)
        return 2
    all_ids = list(Organization.objects.order_by("id").values_list("id", flat=True))
    ids = all_ids[: args.organisations] if args.organisations else all_ids
    everyone = len(ids) == len(all_ids)
    redis.Redis.from_url(args.broker).flushdb()
    RecomputeState.objects.update(pending=False, stale=False, stale_since=None, last_error="")
    RefitState.objects.update(pending=False, last_error="")
    uptime = uptime_now()
    print(f"{len(ids):,} of {len(all_ids):,} organisations, worker -c {args.workers}, {args.database}, {args.broker}")
    print(f"  before: {uptime}")
    log = Path(tempfile.gettempdir()) / f"bench-scale-worker-{os.getpid()}.log"
    worker = Worker(args.workers, env, log)
    results = []
    try:
        worker.wait_ready()
        for job in [j.strip() for j in args.jobs.split(",") if j.strip()]:
            figures = run_job(job, worker, ids, everyone=everyone, broker=args.broker, stall=args.stall,
                              limit=args.job_limit)
            figures["workers"] = args.workers
            results.append(figures)
            print(report(figures), flush=True)
            if args.output:
                args.output.write_text(json.dumps(results, indent=2, default=str))
            if figures["timed_out"]:
                print(f"  {job} stopped after --job-limit {args.job_limit:g} s: the jobs after it are not run")
                break
    finally:
        worker.stop()
    uptime = uptime_now()
    print(f"  after: {uptime}; worker log {log}")
    return 1 if any(r["failures"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
