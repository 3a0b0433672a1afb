from django.apps import AppConfig
from django.db.models.signals import post_delete


class CampaignsConfig(AppConfig):
    name = "campaigns"

    def ready(self) -> None:
        from campaigns.models import Campaign
        from campaigns.receivers import campaign_deleted

        post_delete.connect(campaign_deleted, sender=Campaign, dispatch_uid="campaigns.campaign_deleted")
