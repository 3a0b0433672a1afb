"""French promotion rules, checked while a discount is typed: pure, no Django, no clock.

Three rules apply to a French shop every time it announces a discount:

1. **Reference price** — Code de la consommation, art. L112-1-1 (ordonnance n° 2021-1734
   of 22 December 2021, transposing the EU "Omnibus" directive 2019/2161, art. 6 bis of
   directive 98/6/EC), in force since 28 May 2022:

   « I. – Toute annonce d'une réduction de prix indique le prix antérieur pratiqué par le
   professionnel avant l'application de la réduction de prix. Ce prix antérieur correspond
   au prix le plus bas pratiqué par le professionnel à l'égard de tous les consommateurs au
   cours des trente derniers jours précédant l'application de la réduction de prix.
   II. – En cas de réductions de prix successives pendant une période déterminée, le prix
   antérieur est celui pratiqué avant l'application de la première réduction de prix. »

   So a "−20 %" announced two weeks after a −10 % promotion on the same product is measured
   from the −10 % price, and is in fact a smaller reduction than it says.

2. **No resale below cost** — Code de commerce, art. L442-5 I: reselling a product as it
   was bought below its *prix d'achat effectif* is punished by a 75,000 € fine. The
   effective purchase price (L442-5 III) is the net unit price of the purchase invoice,
   plus turnover taxes, specific taxes and transport; comparing a price incl. VAT with a
   cost plus the same VAT is comparing both excl. VAT, which is what :func:`below_cost`
   does. The exceptions (L442-5 II) are:

   1° voluntary or forced sales on the cessation or change of a commercial activity;
   2° products of a marked seasonal character, during the final period of the selling
      season and between two selling seasons (end of season);
   3° products no longer in general demand because fashion changed or a technical
      improvement appeared;
   4° identical products restocked at a lower price (the new invoice's price then counts);
   5° food in shops under 300 m², other products in shops under 1,000 m², whose price is
      aligned on the price lawfully charged by another trader of the same area;
   6° perishable products threatened with rapid deterioration, without advertising outside
      the shop;
   7° products on sale during the legal sales periods (*soldes*, art. L310-3).

   Clearance sales (*liquidations*, art. L310-1) fall under 1°. Only 7° has a date the
   product can check; the others depend on facts it does not hold, so a campaign below cost
   outside a sales period is *warned*, naming them, never blocked.

3. **Legal sales periods** — Code de commerce, art. L310-3: *soldes* take place in two
   periods per calendar year, whose dates and duration are set by decree; outside them the
   word "soldes" or its derivatives may not be used to announce a sale. Art. D310-15-2:
   the winter sales start on the second Wednesday of January at 8 a.m., brought forward to
   the first Wednesday when the second falls after the 12th; the summer sales start on the
   last Wednesday of June at 8 a.m., brought forward to the second-to-last when the last
   falls after the 28th; each lasts four weeks since 2020 (loi PACTE n° 2019-486 of 22 May
   2019, art. 4, and its implementing decree). Art. D310-15-3 sets other dates, for frontier
   or seasonal reasons, in these départements and overseas territories (see
   :data:`DEPARTEMENT_RULES`): Meurthe-et-Moselle, Meuse, Moselle and Vosges (winter);
   Alpes-Maritimes and Pyrénées-Orientales, Corse-du-Sud and Haute-Corse (summer);
   Guadeloupe, Martinique, Guyane, La Réunion, Saint-Pierre-et-Miquelon, Saint-Barthélemy
   and Saint-Martin. Mayotte follows the national dates. Online sales follow the national
   dates whatever the seller's seat (DGCCRF), which is the default here (``departement``
   empty).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

SALES_PERIOD_WEEKS = 4
REFERENCE_WINDOW_DAYS = 30

WINTER = "winter"
SUMMER = "summer"

# L442-5 II exceptions the product cannot check from dates: named in the warning.
BELOW_COST_EXCEPTIONS = (
    "cessation_or_change_of_activity",  # 1°
    "end_of_season",  # 2°
    "out_of_fashion_or_outdated",  # 3°
    "restocked_at_lower_price",  # 4°
    "aligned_on_local_competitor",  # 5°
    "perishable",  # 6°
)


@dataclass(frozen=True)
class SalesPeriod:
    """One legal sales period, both ends inclusive (it starts at 8 a.m. on ``start``)."""

    season: str
    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def overlaps(self, start: date, end: date) -> bool:
        return self.start <= end and start <= self.end


def _weekdays_of(year: int, month: int, weekday: int) -> list[date]:
    """Every ``weekday`` (Monday 0) of a month, in order."""
    first = date(year, month, 1)
    day = first + timedelta(days=(weekday - first.weekday()) % 7)
    found = []
    while day.month == month:
        found.append(day)
        day += timedelta(days=7)
    return found


WEDNESDAY, THURSDAY, SATURDAY = 2, 3, 5


def national_winter_start(year: int) -> date:
    """D310-15-2: second Wednesday of January, the first when the second is after the 12th."""
    wednesdays = _weekdays_of(year, 1, WEDNESDAY)
    return wednesdays[0] if wednesdays[1].day > 12 else wednesdays[1]


def national_summer_start(year: int) -> date:
    """D310-15-2: last Wednesday of June, the second-to-last when the last is after the 28th."""
    wednesdays = _weekdays_of(year, 6, WEDNESDAY)
    return wednesdays[-2] if wednesdays[-1].day > 28 else wednesdays[-1]


def _lorraine_winter_start(year: int) -> date:
    """2 January, or 3 January when the 2nd is a Sunday."""
    second = date(year, 1, 2)
    return second + timedelta(days=1) if second.weekday() == 6 else second


def _nth(month: int, weekday: int, n: int) -> Callable[[int], date]:
    return lambda year: _weekdays_of(year, month, weekday)[n]


def _wednesday_after_15th(month: int) -> Callable[[int], date]:
    def start(year: int) -> date:
        return next(d for d in _weekdays_of(year, month, WEDNESDAY) if d.day > 15)

    return start


# D310-15-3: département (INSEE code) → {season: start rule}. A season not listed keeps
# the national date. Overseas, "winter" and "summer" keep the decree's names even where
# the local season differs (La Réunion's summer sales are in February).
DEPARTEMENT_RULES: dict[str, dict[str, Callable[[int], date]]] = {
    **{code: {WINTER: _lorraine_winter_start} for code in ("54", "55", "57", "88")},
    **{code: {SUMMER: _nth(7, WEDNESDAY, 0)} for code in ("06", "66")},
    **{code: {SUMMER: _nth(7, WEDNESDAY, 1)} for code in ("2A", "2B")},
    "971": {WINTER: _nth(1, SATURDAY, 0), SUMMER: _nth(9, SATURDAY, -1)},  # Guadeloupe
    "972": {SUMMER: _nth(10, THURSDAY, 0)},  # Martinique
    "973": {WINTER: _nth(1, WEDNESDAY, 0), SUMMER: _nth(10, THURSDAY, 0)},  # Guyane
    "974": {SUMMER: _nth(2, SATURDAY, 0), WINTER: _nth(9, SATURDAY, 0)},  # La Réunion
    "975": {WINTER: _wednesday_after_15th(1), SUMMER: _wednesday_after_15th(7)},  # St-Pierre
    **{code: {WINTER: _nth(5, SATURDAY, 0), SUMMER: _nth(10, SATURDAY, 1)} for code in ("977", "978")},
}


def normalise_departement(departement: str | None) -> str:
    """'6', '06', '2a' → '06', '2A'; empty for none (the national dates)."""
    code = (departement or "").strip().upper()
    return code.zfill(2) if code.isdigit() and len(code) < 2 else code


def sales_periods(year: int, departement: str | None = "") -> list[SalesPeriod]:
    """The two legal sales periods of ``year`` in ``departement``, in date order."""
    rules = DEPARTEMENT_RULES.get(normalise_departement(departement), {})
    national = {WINTER: national_winter_start, SUMMER: national_summer_start}
    periods = []
    for season, rule in national.items():
        start = rules.get(season, rule)(year)
        periods.append(SalesPeriod(season, start, start + timedelta(weeks=SALES_PERIOD_WEEKS, days=-1)))
    return sorted(periods, key=lambda period: period.start)


def sales_periods_between(start: date, end: date, departement: str | None = "") -> list[SalesPeriod]:
    """The sales periods that overlap ``start``..``end`` (inclusive)."""
    return [
        period
        for year in range(start.year - 1, end.year + 1)
        for period in sales_periods(year, departement)
        if period.overlaps(start, end)
    ]


_SOLDES = re.compile(r"\bsold(?:e|es|ee|ees)\b")


def mentions_soldes(*texts: str | None) -> bool:
    """Whether a text uses the word "soldes" or a derivative (soldé, soldées…), any case."""
    for text in texts:
        plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
        if _SOLDES.search(plain):
            return True
    return False


@dataclass(frozen=True)
class SalesPeriodCheck:
    """Where a campaign lies against the legal sales periods."""

    periods: tuple[SalesPeriod, ...]  # the periods it overlaps
    within: bool  # every day of the campaign lies inside one period
    mentions_soldes: bool
    misuses_soldes: bool  # says "soldes" and is not wholly within a period


def check_sales_period(
    start: date, end: date, *, departement: str | None = "", name: str = "", description: str = ""
) -> SalesPeriodCheck:
    """L310-3: a campaign named or described as "soldes" must lie within a legal period."""
    periods = tuple(sales_periods_between(start, end, departement))
    within = any(period.start <= start and end <= period.end for period in periods)
    says = mentions_soldes(name, description)
    return SalesPeriodCheck(periods, within, says, says and not within)


def price_per_unit(
    unit_price: np.ndarray | float,
    mechanic_type: str,
    *,
    rate: float = 0.0,
    amount: float = 0.0,
    buy: float = 1.0,
    get: float = 0.0,
    get_discount: float = 1.0,
) -> np.ndarray:
    """What the customer pays per unit received under a mechanic (the prices' VAT convention).

    percent_off: p × (1 − rate); amount_off: max(p − amount, 0); buy_x_get_y: the units
    paid and the units given, over all units received — a "2 pour 1" (buy 1, get 1 free)
    is half the price per unit; none and free_shipping: p (shipping is not the product's
    price, L442-5 compares the product's resale price).
    """
    p = np.asarray(unit_price, dtype=float)
    if mechanic_type == "percent_off":
        return p * (1.0 - rate)
    if mechanic_type == "amount_off":
        return np.maximum(p - amount, 0.0)
    if mechanic_type == "buy_x_get_y":
        return (buy * p + get * p * (1.0 - get_discount)) / (buy + get)
    return p


def reference_prices(
    price_history: pd.DataFrame,
    catalogue_prices: pd.Series,
    start: date,
    *,
    earlier_reductions: list[tuple[date, date]] | None = None,
) -> pd.Series:
    """L112-1-1: per product, the lowest price charged in the 30 days before ``start``.

    ``price_history`` has columns ``product``, ``date``, ``unit_price`` (what was charged
    per unit that day, incl. the shop's own earlier campaigns); ``catalogue_prices`` is
    indexed by product (the price when the product sold nothing in the window). A product
    with no sale in the window uses its catalogue price as well, since that is the price it
    was offered at. ``earlier_reductions`` are the windows of the shop's earlier
    reductions: when the new one follows one without a day at full price between them
    (successive reductions, L112-1-1 II), the window is the 30 days before the first of them.
    """
    window_start, window_end = reference_window(start, earlier_reductions)
    days = pd.to_datetime(price_history["date"]) if len(price_history) else pd.Series([], dtype="datetime64[ns]")
    in_window = price_history[
        (days >= pd.Timestamp(window_start)) & (days < pd.Timestamp(window_end))
    ]
    lowest = in_window.groupby("product")["unit_price"].min().reindex(catalogue_prices.index)
    charged = reference_from_lowest(lowest.to_numpy(dtype=float), catalogue_prices.to_numpy(dtype=float))
    return pd.Series(charged, index=catalogue_prices.index)


def reference_from_lowest(lowest: np.ndarray, catalogue_prices: np.ndarray) -> np.ndarray:
    """L112-1-1 from each product's lowest price charged in its reference window (NaN when
    it sold nothing then): that price, or the catalogue price when lower or when nothing
    sold, since that is the price it was offered at."""
    return np.fmin(lowest, catalogue_prices)


def reference_window(start: date, earlier_reductions: list[tuple[date, date]] | None = None) -> tuple[date, date]:
    """The days a reduction starting on ``start`` takes its reference price from: the 30 days
    before it, or before the first of the back-to-back reductions it follows (L112-1-1 II);
    the first day inclusive, the last exclusive."""
    window_end = _first_of_chain(start, earlier_reductions or [])
    return window_end - timedelta(days=REFERENCE_WINDOW_DAYS), window_end


def _first_of_chain(start: date, reductions: list[tuple[date, date]]) -> date:
    """The start of the run of back-to-back reductions that ends the day before ``start``."""
    first = start
    for begin, end in sorted(reductions, key=lambda window: window[1], reverse=True):
        if begin < first and end >= first - timedelta(days=1):
            first = begin
    return first


@dataclass(frozen=True)
class ProductCheck:
    """The law's view of one product in a campaign's scope."""

    product: str
    regular_price: float  # the catalogue price (incl. VAT when prices include VAT)
    reference_price: float  # L112-1-1: lowest of the 30 days before
    promo_price: float  # per unit received, same VAT convention
    announced_reduction: float  # what the shop announces (vs the regular price)
    lawful_reduction: float  # the reduction measured from the reference price
    overstates: bool  # announced > lawful by more than half a point
    unit_cost: float | None  # excl. VAT; None when unknown
    price_excl_vat: float
    below_cost: bool  # price per unit excl. VAT < unit cost
    below_cost_exempt: bool  # below cost inside a legal sales period (L442-5 II 7°)

    @property
    def warn_below_cost(self) -> bool:
        """Below cost outside a sales period: unlawful unless another L442-5 II exception holds."""
        return self.below_cost and not self.below_cost_exempt


def check_products(
    products: pd.DataFrame,
    mechanic_type: str,
    *,
    vat_rate: float,
    prices_include_vat: bool,
    in_sales_period: bool,
    rate: float = 0.0,
    amount: float = 0.0,
    buy: float = 1.0,
    get: float = 0.0,
    get_discount: float = 1.0,
) -> list[ProductCheck]:
    """Reference price and resale-below-cost checks for the products in scope.

    ``products`` has columns ``product``, ``regular_price``, ``reference_price`` and
    ``unit_cost`` (NaN when unknown). The announced reduction is the mechanic's own
    (``rate`` for percent_off, ``amount / price`` for amount_off, the price per unit's
    reduction for buy_x_get_y); free shipping and none announce no price reduction.
    """
    regular = products["regular_price"].to_numpy(dtype=float)
    reference = products["reference_price"].to_numpy(dtype=float)
    promo = price_per_unit(
        regular, mechanic_type, rate=rate, amount=amount, buy=buy, get=get, get_discount=get_discount
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        announced = np.where(regular > 0, 1.0 - promo / regular, 0.0)
        lawful = np.where(reference > 0, 1.0 - promo / reference, 0.0)
    if mechanic_type in ("none", "free_shipping"):
        announced = np.zeros_like(regular)
        lawful = np.zeros_like(regular)
    excl_vat = promo / (1.0 + vat_rate) if prices_include_vat else promo
    cost = products["unit_cost"].to_numpy(dtype=float)
    known = ~np.isnan(cost)
    below = known & (excl_vat < cost - 1e-9)
    checks = []
    for i, product in enumerate(products["product"]):
        checks.append(
            ProductCheck(
                product=str(product),
                regular_price=float(regular[i]),
                reference_price=float(reference[i]),
                promo_price=float(promo[i]),
                announced_reduction=float(announced[i]),
                lawful_reduction=float(lawful[i]),
                overstates=bool(announced[i] - lawful[i] > 0.005),
                unit_cost=float(cost[i]) if known[i] else None,
                price_excl_vat=float(excl_vat[i]),
                below_cost=bool(below[i]),
                below_cost_exempt=bool(below[i]) and in_sales_period,
            )
        )
    return checks
