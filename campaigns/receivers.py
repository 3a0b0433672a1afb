"""What campaigns does when the rows below it must follow one of its own."""

from __future__ import annotations

from sales.services import campaign_sales_forget


def campaign_deleted(sender, instance, **kwargs) -> None:
    """``post_delete`` of a campaign: sales names campaigns by id, without a foreign key, so
    the codes, days and order attributions of a deleted campaign are cleared here."""
    campaign_sales_forget(campaign_ids=[instance.pk])
