"""Benchmark of one weekly pack's PDF: Lumière & Cire's last complete week, demo data.

Run from the repository root: ``python benchmarks/bench_pack.py [--runs N]``.

Seeds the demo into a throw-away SQLite database, prepares the review of the last complete
ISO week and times :func:`reviews.render.review_pdf` (the pack gathered from the database,
its HTML, Chromium drawing the three charts and printing A4): the first pack of the process
(Chromium started, plotly.js loaded) apart, then the median of N (default 5) packs with the
browser kept. Needs Debian's /usr/bin/chromium. Target: ≤ 2 s per pack (the median).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from django_setup import setup_demo  # noqa: E402

TARGET_S = 2.0
CHROMIUM = "/usr/bin/chromium"  # reviews.render.CHROMIUM, before Django is set up


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing (apt-get install -y chromium): pack benchmark not run")
        return 0
    setup_demo()
    from kpis.engine.rules import last_complete_week
    from plannerist.models import Organization
    from reviews import render
    from reviews.services import review_draft_get_or_create

    organization = Organization.objects.get(slug="lumiere-et-cire")
    review, _created = review_draft_get_or_create(organization=organization,
                                                  week_start=last_complete_week(organization.today()))

    def one() -> float:
        started = time.perf_counter()
        pdf = render.review_pdf(review)
        elapsed = time.perf_counter() - started
        assert pdf.startswith(b"%PDF"), "not a PDF"
        return elapsed

    first = one()
    samples = [one() for _ in range(args.runs)]
    median = statistics.median(samples)
    print(f"first pack of the process (Chromium started, plotly.js loaded): {first:.2f} s")
    print(f"one pack, browser kept: median {median:.3f} s, max {max(samples):.3f} s (n={len(samples)})")
    verdict = "OK" if median <= TARGET_S else "SLOW"
    print(f"target: median ≤ {TARGET_S:.0f} s per pack -> {verdict}")
    return 0 if median <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
