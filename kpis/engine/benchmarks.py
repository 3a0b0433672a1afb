"""Benchmarks between the clients of one portfolio: the quartiles of each measure across the
clients that have it, and where each client stands.

Pure pandas (no Django). A measure is benchmarked only when at least :data:`MIN_CLIENTS`
clients have a figure for it, so that no single client's number can be read from the
quartiles. Quartiles are numpy's linear interpolation between the sorted figures (with five
clients: the second, third and fourth). A client stands in the *top quarter* when its figure
is strictly better than the upper quartile (higher, or lower for a measure where lower is
better), in the *bottom quarter* when strictly worse than the lower quartile, else in the
*middle half*.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

MIN_CLIENTS = 5
STANDINGS = ("top", "middle", "bottom")
BENCHMARK_COLUMNS = ["measure", "n", "q1", "median", "q3"]
STANDING_COLUMNS = ["client", "measure", "value", "standing"]


def quartiles(figures: pd.DataFrame, *, minimum: int = MIN_CLIENTS) -> pd.DataFrame:
    """``figures`` (``client, measure, value``; one row per client and measure, NaN or missing
    where the client has no figure) → per measure: ``n`` clients with a figure and the
    quartiles ``q1, median, q3`` (NaN below ``minimum`` clients), indexed by measure."""
    known = figures.loc[np.isfinite(figures["value"].astype("float64")), ["client", "measure", "value"]]
    known = known.drop_duplicates(["client", "measure"], keep="last")
    if known.empty:
        return pd.DataFrame(columns=BENCHMARK_COLUMNS[1:], index=pd.Index([], name="measure"), dtype="float64")
    values = known.assign(value=known["value"].astype("float64")).groupby("measure")["value"]
    table = pd.DataFrame({
        "n": values.size(),
        "q1": values.quantile(0.25),
        "median": values.quantile(0.5),
        "q3": values.quantile(0.75),
    })
    table.loc[table["n"] < minimum, ["q1", "median", "q3"]] = np.nan
    return table


def standings(figures: pd.DataFrame, table: pd.DataFrame, higher_is_better: Mapping[str, bool]) -> pd.DataFrame:
    """Each client's figure per benchmarked measure (``table`` from :func:`quartiles`) and
    where it stands: ``top``, ``middle`` or ``bottom``; None where the client has no figure or
    the measure too few clients."""
    frame = figures.loc[:, ["client", "measure", "value"]].drop_duplicates(["client", "measure"], keep="last")
    frame = frame.join(table[["q1", "q3"]], on="measure")
    value = frame["value"].astype("float64")
    higher = frame["measure"].map(lambda m: bool(higher_is_better.get(m, True))).astype(bool)
    above, below = value > frame["q3"], value < frame["q1"]
    best = np.where(higher, above, below)
    worst = np.where(higher, below, above)
    known = np.isfinite(value) & np.isfinite(frame["q1"].astype("float64"))
    standing = pd.Series(np.select([best, worst], ["top", "bottom"], default="middle"), index=frame.index, dtype=object)
    out = frame.assign(value=value, standing=standing.where(known, None))
    return out[STANDING_COLUMNS].reset_index(drop=True)
