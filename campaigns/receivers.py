"""What campaigns does when the sales below it change, or must follow one of its own rows
(connected in ``CampaignsConfig.ready``)."""

from __future__ import annotations

from campaigns.price_history import product_prices_record
from sales.services import campaign_sales_forget


def campaign_deleted(sender, instance, **kwargs) -> None:
    """``post_delete`` of a campaign: sales names campaigns by id, without a foreign key, so
    the codes, days and order attributions of a deleted campaign are cleared here."""
    campaign_sales_forget(campaign_ids=[instance.pk])


def prices_charged(sender, *, organization, prices, **kwargs) -> None:
    """An import charged these unit prices (:data:`sales.signals.prices_charged`): the price
    history a reduction's reference price is read from records them."""
    product_prices_record(organization=organization, rows=prices)
