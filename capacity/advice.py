"""Recommendations in words from a capacity plan: pure, no database.

"Preparation: 14 extra hours on 28–30 Nov, 350 €; infeasible on 1 Dec: move the campaign
end or add a freelancer."
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plannerist.templatetags.plannerist import money0, num

if TYPE_CHECKING:
    from capacity.selectors import PeakReport


def runs(days: Sequence[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive calendar days grouped into (first, last) runs."""
    groups: list[tuple[dt.date, dt.date]] = []
    for day in sorted(days):
        if groups and (day - groups[-1][1]).days == 1:
            groups[-1] = (groups[-1][0], day)
        else:
            groups.append((day, day))
    return groups


def day_range(first: dt.date, last: dt.date) -> str:
    """``28 Nov`` or ``28–30 Nov`` or ``30 Nov–2 Dec`` in the active language."""
    if first == last:
        return date_format(first, "j F")
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{date_format(last, 'j F')}"
    return f"{date_format(first, 'j F')}–{date_format(last, 'j F')}"


MAX_RUNS = 5


def ranges(days: Sequence[dt.date]) -> str:
    """The days as runs, the first five of them and how many more days follow."""
    groups = runs(days)
    text = ", ".join(day_range(a, b) for a, b in groups[:MAX_RUNS])
    rest = sum((b - a).days + 1 for a, b in groups[MAX_RUNS:])
    if rest:
        text += " " + ngettext("and %(n)d more day", "and %(n)d more days", rest) % {"n": rest}
    return text


def resource_sentence(
    name: str,
    dates: Sequence[dt.date],
    extra_hours: Sequence[float],
    extra_cost: Sequence[float],
    feasible: Sequence[bool],
    unfinished_hours: float,
    currency: str,
) -> str | None:
    """One resource's advice, or None when it stays under its target utilisation."""
    hours = np.asarray(extra_hours, dtype=float)
    needed = [d for d, h in zip(dates, hours, strict=True) if h > 1e-9]
    blocked = [d for d, ok in zip(dates, feasible, strict=True) if not ok]
    parts = []
    if needed:
        parts.append(
            ngettext("%(hours)s extra hour on %(days)s, %(cost)s", "%(hours)s extra hours on %(days)s, %(cost)s",
                     max(1, round(hours.sum())))
            % {
                "hours": num(hours.sum()),
                "days": ranges(needed),
                "cost": money0(float(np.sum(extra_cost)), currency),
            }
        )
    if blocked:
        parts.append(
            _("infeasible on %(days)s: move the campaign end or add a freelancer")
            % {"days": ranges(blocked)}
        )
    if unfinished_hours > 1e-9:
        parts.append(
            _("%(hours)s hours of work still waiting at the end of the period")
            % {"hours": num(unfinished_hours, 1)}
        )
    if not parts:
        return None
    return f"{name}: " + "; ".join(parts) + "."


def stock_sentence(name: str, stockout: dt.date, min_units: float, order_by: dt.date | None, today: dt.date) -> str:
    short = ngettext(
        "%(name)s runs out on %(day)s (%(units)s unit short)",
        "%(name)s runs out on %(day)s (%(units)s units short)",
        max(1, int(round(-min_units))),
    ) % {"name": name, "day": date_format(stockout, "j F"), "units": num(-min_units)}
    if order_by is None:
        return short + "."
    if order_by < today:
        return short + ": " + _("too late for a normal delivery, order now and ask for express.")
    return short + ": " + _("order by %(day)s.") % {"day": date_format(order_by, "j F")}


def recommendations(report: PeakReport, *, currency: str, today: dt.date | None = None) -> list[str]:
    sentences = []
    plan = report.plan
    dates = [d.astype(dt.date) for d in plan.dates]
    for r, item in enumerate(report.resources):
        sentence = resource_sentence(
            item.resource.name,
            dates,
            plan.extra_hours[:, r],
            plan.extra_cost[:, r],
            plan.feasible[:, r],
            float(plan.unfinished_minutes[r]) / 60.0,
            currency,
        )
        if sentence:
            sentences.append(sentence)
    for row in report.stock:
        if row.stockout_date is not None:
            sentences.append(
                stock_sentence(row.item.product.name, row.stockout_date, row.min_units, row.order_by,
                               today or report.period.start)
            )
    if not report.resources:
        sentences.insert(0, _("Capacity unknown: no team is described yet. Describe your resources and who works on them to check the peak."))
    elif not sentences:
        sentences.append(_("Every resource stays under its target utilisation and no stock runs out: nothing to add."))
    return sentences
