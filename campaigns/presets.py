"""Typical costs per order that a French shop can start from: payment providers, carriers and
marketplace commissions, offered as editable suggestions on a channel's costs.

Each preset says where its figures were read and when (published prices change: they are a
starting point, never a truth). Rates are shares (0.015 = 1.5 %), amounts in euros excl. VAT.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    values: dict[str, Decimal] = field(default_factory=dict)  # CostProfile field → value
    source: str = ""
    read_on: str = ""  # ISO date the source was read


PAYMENT_PRESETS: tuple[Preset, ...] = (
    Preset("stripe", _("Stripe (standard EU cards)"),
           {"payment_fee_rate": Decimal("0.015"), "payment_fee_fixed": Decimal("0.25")},
           "support.stripe.com, pricing updates for businesses in the EEA: standard EU cards 1.5 % + 0.25 €",
           "2026-12-03"),
    Preset("paypal", _("PayPal (domestic sales)"),
           {"payment_fee_rate": Decimal("0.029"), "payment_fee_fixed": Decimal("0.35")},
           "PayPal merchant fees as published for France: commercial transactions 2.90 % + 0.35 € fixed fee",
           "2026-12-03"),
    Preset("sumup", _("SumUp (card reader)"),
           {"payment_fee_rate": Decimal("0.0175"), "payment_fee_fixed": Decimal("0")},
           "help.sumup.com (fr): 1.75 % per transaction in France, no fixed fee (virtual terminal 2.95 % + 0.25 €)",
           "2026-12-03"),
    Preset("shopify_payments", _("Shopify Payments (Basic plan)"),
           {"payment_fee_rate": Decimal("0.018"), "payment_fee_fixed": Decimal("0.25")},
           "Shopify's French pricing page, Basic plan, EU cards online (help.shopify.com says the rate depends "
           "on the plan; the figure was not confirmed in the pages read: check your admin)",
           "2026-12-03"),
)

MARKETPLACE_PRESETS: tuple[Preset, ...] = (
    Preset("amazon", _("Amazon (referral fee, most categories)"),
           {"commission_rate": Decimal("0.15"), "payment_fee_rate": Decimal("0"), "payment_fee_fixed": Decimal("0")},
           "Amazon's referral fee of about 15 % in most categories (8 to 15 % by category), as reported by "
           "siecledigital.fr and phonandroid.com, August 2023", "2026-12-03"),
    Preset("etsy", _("Etsy (transaction and payment fees)"),
           {"commission_rate": Decimal("0.065"), "payment_fee_rate": Decimal("0.04"), "payment_fee_fixed": Decimal("0.30")},
           "Etsy's 6.5 % transaction fee since 2022 (datanews.levif.be, April 2022); Etsy Payments' 4 % + 0.30 € "
           "for France was not confirmed in the pages read: check your shop's fees", "2026-12-03"),
)

CARRIER_PRESETS: tuple[Preset, ...] = (
    Preset("colissimo_home_1kg", _("Colissimo, home delivery, up to 1 kg"),
           {"shipping_cost": Decimal("8.25")},
           "tarif-lettre.com, Colissimo France prices 2023: up to 1 kg 8.25 € home, 7.55 € pick-up point "
           "(La Poste's counter prices; business contracts pay less)", "2026-12-03"),
    Preset("colissimo_relay_1kg", _("Colissimo, pick-up point, up to 1 kg"),
           {"shipping_cost": Decimal("7.55")},
           "tarif-lettre.com, Colissimo France prices 2023: up to 1 kg in a pick-up point 7.55 €", "2026-12-03"),
    Preset("colissimo_home_250g", _("Colissimo, home delivery, up to 250 g"),
           {"shipping_cost": Decimal("4.95")},
           "tarif-lettre.com, Colissimo France prices 2023: up to 250 g 4.95 € home", "2026-12-03"),
    Preset("mondial_relay_1kg", _("Mondial Relay, pick-up point, up to 1 kg"),
           {"shipping_cost": Decimal("4.50")},
           "mondialrelay.fr 'Offre Start' for online shops (price by weight, no subscription); about 4.50 € "
           "for a parcel under 1 kg: check the current grid", "2026-12-03"),
)


def preset_groups() -> list[tuple[str, str, tuple[Preset, ...]]]:
    """(form field, label, presets) in the order the channel step shows them."""
    return [
        ("payment_preset", _("Payment provider"), PAYMENT_PRESETS),
        ("marketplace_preset", _("Marketplace"), MARKETPLACE_PRESETS),
        ("carrier_preset", _("Carrier"), CARRIER_PRESETS),
    ]


def preset(key: str) -> Preset | None:
    for _name, _label, presets in preset_groups():
        for item in presets:
            if item.key == key:
                return item
    return None
