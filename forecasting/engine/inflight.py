"""A live campaign's days so far against its stored counterfactual, and its projection to the
end (docs/forecasting.md § 3, "a campaign in progress"). Pure: pandas and numpy in, a
dataclass out.

The uplift so far is the ratio estimator ``Σ actual / Σ counterfactual − 1`` over the days
with actuals. Its 80 % interval comes from the day-to-day spread of the residuals
``actual − (1 + uplift) · counterfactual`` (a Student t with ``n − 1`` degrees of freedom:
wide when few days are known). The rest of the campaign is projected at that uplift; the
projected orders' interval adds, to the uncertainty of the uplift, the residual spread of the
days still to come (scaled by each day's level).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

MIN_DAYS = 3  # days with actuals before the pace says anything (and a signal may be raised)
LEVEL = 0.80


@dataclass(frozen=True)
class InFlight:
    """What the days so far say about a campaign in progress. ``enough`` is False under
    :data:`MIN_DAYS` days with actuals: the figures are then shown as "too early" and no
    signal rests on them (the uplift and projection fields are then None)."""

    days: pd.DataFrame  # index: every day of the campaign; columns baseline, actual (NaN: no actual yet)
    days_elapsed: int  # days with actuals (days in between without a row count 0)
    days_total: int
    actual_orders: float  # over the days elapsed
    baseline_so_far: float  # counterfactual over the same days
    baseline_total: float  # counterfactual over the whole campaign
    enough: bool
    uplift: float | None = None
    uplift_lo80: float | None = None
    uplift_hi80: float | None = None
    projected_orders: float | None = None
    projected_lo80: float | None = None
    projected_hi80: float | None = None

    def projected_uplift(self, orders: float | None) -> float | None:
        """The campaign's uplift over its whole period if it ends with ``orders``."""
        if orders is None or self.baseline_total <= 0:
            return None
        return orders / self.baseline_total - 1


def in_flight(baseline: pd.Series, actual: pd.Series, *, last_day: pd.Timestamp, min_days: int = MIN_DAYS) -> InFlight:
    """``baseline``: the counterfactual of every day of the campaign (indexed by day);
    ``actual``: the orders of the days that have actuals; ``last_day``: the last day whose
    actuals count (the day before the organisation's today). Days after the last day with an
    actual are still to come."""
    baseline = baseline.astype("float64").sort_index()
    known = actual[(actual.index >= baseline.index[0]) & (actual.index <= min(baseline.index[-1], last_day))]
    last_known = known.index.max() if len(known) else None
    elapsed = baseline.index <= last_known if last_known is not None else np.zeros(len(baseline), dtype=bool)
    observed = known.reindex(baseline.index[elapsed], fill_value=0.0).astype("float64")
    days = pd.DataFrame({"baseline": baseline, "actual": observed.reindex(baseline.index)})
    n = int(elapsed.sum())
    so_far_base = float(baseline[elapsed].sum())
    so_far = float(observed.sum())
    result = dict(days=days, days_elapsed=n, days_total=len(baseline), actual_orders=so_far,
                  baseline_so_far=so_far_base, baseline_total=float(baseline.sum()))
    if n < min_days or so_far_base <= 0:
        return InFlight(**result, enough=False)
    b = baseline[elapsed].to_numpy()
    a = observed.to_numpy()
    ratio = so_far / so_far_base
    residuals = a - ratio * b
    spread = float(np.sqrt((residuals**2).sum() / (n - 1)))  # per day, at the mean day's level
    mean_level = so_far_base / n
    ratio_se = spread / (mean_level * np.sqrt(n))
    t = float(stats.t.ppf(0.5 + LEVEL / 2, n - 1))
    rest = baseline[~elapsed].to_numpy()
    projected = so_far + ratio * float(rest.sum())
    rest_noise = float(((spread * rest / mean_level) ** 2).sum())
    projected_se = float(np.sqrt((float(rest.sum()) * ratio_se) ** 2 + rest_noise))
    return InFlight(
        **result, enough=True,
        uplift=ratio - 1, uplift_lo80=ratio - 1 - t * ratio_se, uplift_hi80=ratio - 1 + t * ratio_se,
        projected_orders=projected, projected_lo80=max(so_far, projected - t * projected_se),
        projected_hi80=projected + t * projected_se,
    )
