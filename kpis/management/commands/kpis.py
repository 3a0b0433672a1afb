"""``manage.py kpis --org SLUG --from DATE --to DATE [--json]``: the KPIs of a period.

Computed by the same engine and selectors as the snapshots, directly from the actuals (so
never stale). ``--json`` prints a list of objects ``{scope, scope_id, period, period_start,
kpi, value}`` (``value`` null when not defined); without it, one line per KPI.
``--cohorts`` prints instead the cohort retention by first-order month of the customers
whose first order falls in the period (from the imported orders).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kpis.selectors import cohort_retention, organisation_kpis
from plannerist.commands import INVALID_INPUT
from plannerist.models import Organization


class Command(BaseCommand):
    help = "KPIs per organisation, campaign and channel, per day, ISO week and month."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="the organisation's slug")
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--json", action="store_true", help="print a JSON list")
        parser.add_argument("--cohorts", action="store_true",
                            help="print the cohort retention by first-order month instead (JSON with --json)")

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = _date(options["start"], "--from"), _date(options["end"], "--to")
        if start > end:
            raise CommandError(f"--from {start} is after --to {end}", returncode=INVALID_INPUT)
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            raise CommandError(f"no organisation with slug {options['org']!r}", returncode=INVALID_INPUT)
        if options["cohorts"]:
            self._cohorts(organization, start, end, as_json=options["json"])
            return
        kpis = organisation_kpis(organization, start=start, end=end)
        rows = [
            {
                "scope": row.scope, "scope_id": row.scope_id, "period": row.period,
                "period_start": row.period_start.isoformat(), "kpi": row.kpi,
                "value": None if math.isnan(row.value) else float(row.value),
            }
            for row in kpis.itertuples(index=False)
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2, allow_nan=False))
            return
        for row in rows:
            value = "—" if row["value"] is None else f"{row['value']:.2f}"
            self.stdout.write(
                f"{row['scope']} {row['scope_id'] or '-'} {row['period']} {row['period_start']} {row['kpi']}: {value}"
            )


    def _cohorts(self, organization: Organization, start: dt.date, end: dt.date, *, as_json: bool) -> None:
        table = cohort_retention(organization, since=start)
        table = table.loc[table["cohort_month"] <= end] if not table.empty else table
        rows = [
            {"cohort_month": row.cohort_month.isoformat(), "months_since_first": int(row.months_since_first),
             "cohort_customers": int(row.cohort_customers), "active_customers": int(row.active_customers),
             "retention": float(row.retention)}
            for row in table.itertuples(index=False)
        ]
        if as_json:
            self.stdout.write(json.dumps(rows, indent=2, allow_nan=False))
            return
        for row in rows:
            self.stdout.write(f"{row['cohort_month']} +{row['months_since_first']}: "
                              f"{row['active_customers']}/{row['cohort_customers']} ({row['retention']:.1%})")


def _date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"{option}: {text!r} is not a date (YYYY-MM-DD)", returncode=INVALID_INPUT) from error
