"""A country's time zone and currency, for an organisation created with only its country.

Time zones come from the IANA time zone database's ``zone.tab`` as the ``tzdata`` package
ships it (maintained with every tzdb release, the data ``zoneinfo`` reads too). A country with
one zone gets it. For a country with several, the zone most of its people live in is named in
``MAIN_ZONE`` where one clearly is (Spain's mainland, not the Canaries); the others (the United
States, Australia, Canada…) must be told which, as no default would be right for most shops.

Currencies (ISO 4217) are a short table of the countries Plannerist's shops sell from; another
country must be told its currency.

VAT: the standard rate of the same countries (the European Commission's "VAT rates applied in
the member states", 2025, and each other country's tax office), and whether a shop's prices
are usually shown VAT included (to consumers in Europe they must be; in North America prices
are shown before the sales tax, which varies by state or province: no single rate is given).
"""

from __future__ import annotations

from decimal import Decimal
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


STANDARD_VAT = {
    "AT": "0.20", "BE": "0.21", "BG": "0.20", "CY": "0.19", "CZ": "0.21", "DE": "0.19", "DK": "0.25",
    "EE": "0.24", "ES": "0.21", "FI": "0.255", "FR": "0.20", "GR": "0.24", "HR": "0.25", "HU": "0.27",
    "IE": "0.23", "IT": "0.22", "LT": "0.21", "LU": "0.17", "LV": "0.21", "MT": "0.18", "NL": "0.21",
    "PL": "0.23", "PT": "0.23", "RO": "0.21", "SE": "0.25", "SI": "0.22", "SK": "0.23",
    "MC": "0.20", "GB": "0.20", "CH": "0.081", "LI": "0.081", "NO": "0.25", "IS": "0.24",
    "AU": "0.10", "NZ": "0.15", "JP": "0.10", "MA": "0.20", "TN": "0.19",
}  # fmt: skip
PRICES_BEFORE_TAX = {"US", "CA"}


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


def vat_rate_of(country: str) -> Decimal | None:
    """The country's standard VAT rate as a share (0.20), or None when it has no single one."""
    rate = STANDARD_VAT.get(country.upper())
    return Decimal(rate) if rate is not None else None


def prices_include_vat_in(country: str) -> bool:
    """Whether the country's shops show their prices VAT included (as European law asks)."""
    return country.upper() not in PRICES_BEFORE_TAX
