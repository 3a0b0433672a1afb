"""The ``--org`` modes of ``forecast`` and ``promo_history`` (docs/forecasting.md § 4): the
same answers as the file contract, from an organisation's actuals and campaigns (through
:mod:`forecasting.sources`). Bad input raises :class:`plannerist.validation.InputError`
naming the option."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.utils import timezone

from forecasting import contract, services, sources
from forecasting.engine import Period
from forecasting.engine.promotions import DIP_DAYS
from plannerist import validation as v
from plannerist.models import Organization


def organisation(slug: Any) -> Organization:
    name = v.string(slug, "--org")
    found = Organization.objects.filter(slug=name).first()
    if found is None:
        raise v.InputError("--org", f"no organisation with the slug {name!r}")
    return found


def forecast(slug: Any, first: Any, last: Any) -> dict[str, Any]:
    """The baseline of each day from ``--from`` to ``--to``, fitted on the organisation's
    actuals before ``--from``, its campaigns left out."""
    if first is None:
        raise v.InputError("--from", "is required with --org")
    if last is None:
        raise v.InputError("--to", "is required with --org")
    start, end = contract._period(first, last, "--from", "--to")
    found = organisation(slug)
    history, campaigns = sources.organisation_history(found, start)
    series = services.history_series(history, before=start)
    if series.empty:
        raise v.InputError("--from", f"the organisation {found.slug!r} has no actuals before {start}")
    country, _notes = services.country_of(found)
    promotions = [Period(c.start, c.end) for c in campaigns]
    return contract.run_forecast(series, country=country, start=start, end=end, promotions=promotions)


def promo_history(slug: Any, *, today: dt.date | None = None) -> dict[str, Any]:
    """Each of the organisation's finished or live campaigns, measured on its actuals before
    today (its own calendar day), pooled by kind."""
    found = organisation(slug)
    today = today or timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(found.timezone)).date()
    history, campaigns = sources.organisation_history(found, today)
    series = services.history_series(history, before=today)
    if series.empty:
        raise v.InputError("--org", f"the organisation {found.slug!r} has no actuals")
    measurable = services.engine_campaigns(campaigns, series)
    if not measurable:
        return {"campaigns": [], "pooled": []}
    country, _notes = services.country_of(found)
    return contract.run_promo_history(series, measurable, country=country, dip_days=DIP_DAYS)
