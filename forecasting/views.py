"""The organisation's forecast page: what the last refit stored; nothing is fitted here."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forecasting import charts, selectors, services, sources
from forecasting.engine import compare
from forecasting.models import HORIZON_DAYS
from plannerist.templatetags.plannerist import pct
from plannerist.tenancy import Access, org_view

HISTORY_SHOWN_DAYS = 120
FORECAST_SHOWN_DAYS = 120
METHOD_NAMES = {
    "weekday_average": gettext_lazy("the weekday average of the last 8 weeks"),
    "seasonal_naive": gettext_lazy("last year's same weekday"),
    "calendar_regression": gettext_lazy("a calendar model (weekdays, season, holidays, trend)"),
    "holt_winters": gettext_lazy("exponential smoothing (Holt-Winters)"),
    "combined": gettext_lazy("the average of the calendar model and exponential smoothing"),
}

MECHANIC_NAMES = {
    "none": gettext_lazy("No promotion"),
    "percent_off": gettext_lazy("Percentage off"),
    "amount_off": gettext_lazy("Amount off per unit"),
    "buy_x_get_y": gettext_lazy("Buy X, get Y"),
    "free_shipping": gettext_lazy("Free shipping"),
}


def note_sentence(note: dict) -> str:
    values = note.get("values", {})
    code = note.get("code")
    if code == "short_history":
        return _("Only %(days)s days of history: under 8 weeks, the forecast is the average of what there is.") % values
    if code == "no_yearly_seasonality":
        return _("%(days)s days of history: under a year, no yearly seasonality yet.") % values
    if code == "no_seasonal_naive":
        return _("Under a year before the tested weeks: last year's same weekday could not be tried.")
    if code == "promotion_days_left_out":
        return _("%(days)s days of past campaigns left out, so that promotions do not inflate the baseline.") % values
    if code == "closed_weekdays":
        return _("Days you never open are forecast at 0.")
    if code == "interval_poisson_only":
        return _("Too little history to measure its errors: the band only holds day-to-day chance.")
    if code == "country_not_supported":
        return _("No public holidays known for your country (%(country)s): France's are used.") % values
    return ""


def backtest_sentence(backtest: dict) -> str:
    wape, average = backtest.get("wape"), backtest.get("weekday_average_wape")
    weeks = backtest.get("folds", 0) * backtest.get("horizon", 0) // 7
    if wape is None or not weeks:
        return _("Too little history to test the forecast on weeks it had not seen.")
    sentence = _("On your last %(weeks)s weeks, this forecast was off by %(wape)s") % {"weeks": weeks, "wape": pct(wape, 0)}
    if average is not None:
        sentence += _("; the weekday average by %(average)s") % {"average": pct(average, 0)}
    return sentence + "."


EVENT_NAMES = {
    "black_friday": gettext_lazy("Black Friday"),
    "cyber_monday": gettext_lazy("Cyber Monday"),
    "christmas_eve": gettext_lazy("Christmas Eve"),
    "winter_sales": gettext_lazy("First day of the winter sales"),
    "summer_sales": gettext_lazy("First day of the summer sales"),
}


def next_weeks(days, last_year) -> list[dict]:
    """Orders expected per calendar week (the first from the forecast's first day), beside the
    same days a year before (aligned by weekday; None when the history does not hold them all)."""
    weeks = []
    for k, (_period, rows) in enumerate(days.groupby(days.index.to_period("W-SUN"))):
        if k and len(rows) < 7:  # the last week cut short by the 8 weeks: left out, not shown small
            continue
        before = last_year.reindex(rows.index)
        weeks.append({
            "start": rows.index[0].date(), "orders": float(rows["orders"].sum()),
            "last_year": None if before.isna().any() else float(before.sum()),
        })
    return weeks


def event_rows(history, days, campaigns, *, country: str) -> list[dict]:
    """Each event ahead beside the same event a year before (and the campaign that ran on
    that day, whose orders are then not a baseline)."""
    rows = []
    for event in compare.event_comparisons(history, days, country=country):
        during = next((c.name for c in campaigns if c.start <= event.last_day <= c.end), None)
        rows.append({**event.__dict__, "name": EVENT_NAMES[event.code], "campaign": during})
    return rows


@org_view()
def forecast_page(request: HttpRequest, access: Access) -> HttpResponse:
    organization = access.organization
    stored = selectors.stored_forecast(organization.id)
    context: dict = {"stored": stored}
    if stored is not None:
        start = stored.fitted_for
        days = selectors.forecast_days(organization.id, start=start, end=start + dt.timedelta(days=HORIZON_DAYS - 1))
        history, campaigns = sources.organisation_history(organization, start)  # a read, not a fit
        full = services.history_series(history, before=start)
        shown = days.iloc[:FORECAST_SHOWN_DAYS]
        last_year = compare.same_weekday_last_year(full, shown.index)
        context.update(
            chart=charts.forecast(full.iloc[-HISTORY_SHOWN_DAYS:], shown, last_year),
            events=event_rows(full, days, campaigns, country=services.country_of(organization)[0]),
            method=METHOD_NAMES.get(stored.method, stored.method),
            backtest=backtest_sentence(stored.backtest),
            notes=[s for s in (note_sentence(n) for n in stored.notes) if s],
            next_weeks=next_weeks(days.iloc[:56], last_year),
            pooled=[{**p, "label": MECHANIC_NAMES.get(p["mechanic"], p["mechanic"])}
                    for p in (stored.promotions or {}).get("pooled", [])],
        )
    return render(request, "forecasting/forecast.html", context)
