"""A country's time zone and currency, for an organisation created with only its country.

Time zones come from the IANA time zone database's ``zone.tab`` as the ``tzdata`` package
ships it (maintained with every tzdb release, the data ``zoneinfo`` reads too). A country with
one zone gets it. For a country with several, the zone most of its people live in is named in
``MAIN_ZONE`` where one clearly is (Spain's mainland, not the Canaries); the others (the United
States, Australia, Canada…) must be told which, as no default would be right for most shops.

Currencies (ISO 4217) are a short table of the countries Plannerist's shops sell from; another
country must be told its currency.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

MAIN_ZONE = {
    "DE": "Europe/Berlin",
    "ES": "Europe/Madrid",
    "PT": "Europe/Lisbon",
    "NZ": "Pacific/Auckland",
    "CY": "Asia/Nicosia",
    "EC": "America/Guayaquil",
    "CL": "America/Santiago",
}

EURO = {"AT", "BE", "CY", "DE", "EE", "ES", "FI", "FR", "GR", "HR", "IE", "IT", "LT", "LU", "LV",
        "MC", "MT", "NL", "PT", "SI", "SK", "AD", "SM", "VA", "ME", "XK", "RE", "GP", "MQ", "GF",
        "YT", "PM", "BL", "MF"}  # fmt: skip
CURRENCY = {
    **dict.fromkeys(EURO, "EUR"),
    "GB": "GBP", "IM": "GBP", "JE": "GBP", "GG": "GBP", "CH": "CHF", "LI": "CHF", "DK": "DKK",
    "SE": "SEK", "NO": "NOK", "IS": "ISK", "PL": "PLN", "CZ": "CZK", "HU": "HUF", "RO": "RON",
    "BG": "BGN", "US": "USD", "CA": "CAD", "AU": "AUD", "NZ": "NZD", "JP": "JPY", "MA": "MAD",
    "TN": "TND", "SN": "XOF", "CI": "XOF", "NC": "XPF", "PF": "XPF",
}  # fmt: skip


@cache
def time_zones(country: str) -> tuple[str, ...]:
    """The IANA zones of ``country`` (ISO 3166-1 alpha-2), in tzdb's order; () when unknown."""
    table = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="ascii")
    code = country.upper()
    return tuple(
        columns[2]
        for line in table.splitlines()
        if line and not line.startswith("#") and (columns := line.split("\t"))[0] == code
    )


def time_zone_of(country: str) -> str | None:
    """The zone a shop of ``country`` runs on, or None when the country has none or several."""
    zones = time_zones(country)
    if len(zones) == 1:
        return zones[0]
    return MAIN_ZONE.get(country.upper())


def currency_of(country: str) -> str | None:
    return CURRENCY.get(country.upper())
