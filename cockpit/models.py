"""The guided first run's state per organisation, and the sample businesses added to an account."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from plannerist.models import Organization


class FirstRun(models.Model):
    """What the guided first run of an organisation remembers beyond its data: whether the
    business step was confirmed, and whether the owner skipped the guide (the checklist then
    leaves the dashboard; the guide stays one link away to resume). The other steps are done
    when their data exists (a product, a channel, an import or a typed day, a campaign)."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="first_run")
    business_confirmed_at = models.DateTimeField(_("business confirmed at"), null=True, blank=True)
    skipped_at = models.DateTimeField(_("skipped at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"first run of {self.organization}"


class SampleBusiness(models.Model):
    """An organisation filled with the demo's invented data for a user to try the product on,
    marked as sample data wherever it shows and removed with everything it holds in one click."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="sample")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)  # when the worker finished filling it

    def __str__(self) -> str:
        return f"sample business {self.organization}"
