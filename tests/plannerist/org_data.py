"""An organisation with a row in every table it owns, and a marker in every free-text field.

``fill_every_table`` makes at least one row of each table that ``plannerist.export.org_tables``
finds (the tables deleted with the organisation): the export, deletion and canary tests
then cover a table as soon as it exists. ``mark_free_text`` writes a marker into every
text field of those rows, except the fields the code reads as keys (``NOT_FREE_TEXT``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from django.db import models
from django.utils import timezone

from plannerist.export import org_tables
from plannerist.models import Organization
from tests import factories

# Text the code interprets (a KPI key, a rule, a format, a time zone): not typed by users.
NOT_FREE_TEXT = {
    "plannerist.organization": {"slug", "timezone"},
    "plannerist.invitation": {"token_hash"},
    "campaigns.campaignchange": {"field"},
    "kpis.kpisnapshot": {"kpi", "scope_id"},
    "kpis.kpitarget": {"kpi"},
    "kpis.signal": {"rule"},
    "sales.importbatch": {"format"},
    "sales.columnmapping": {"signature", "format"},
    "sales.importedorder": {"source_format", "customer_key"},
    "forecasting.forecast": {"method"},
}
# JSON fields holding the user's words (file names, categories); the others hold numbers.
FREE_TEXT_JSON = {"sales.importbatch": {"file_names"}, "sales.columnmapping": {"columns"}, "campaigns.campaign": {"scope_categories"},
                  "campaigns.scenario": {"scope_categories"}}


def seed_business(org: Organization) -> None:
    """A demo-like business, in a second rather than the demo's half-minute: the demo's
    catalogue, campaigns and capacity (``org`` has a demo slug), six weeks of typed daily
    figures, the KPIs and signals recomputed, last week's review with a decision."""
    from campaigns import demo as campaigns_demo
    from campaigns.models import Campaign
    from capacity import demo as capacity_demo
    from kpis.engine.rules import last_complete_week
    from kpis.services import kpis_recompute
    from reviews.services import decision_add, review_draft_get_or_create
    from sales.models import DailyActual

    campaigns_demo.seed(org)
    capacity_demo.seed(org)
    today = timezone.localdate()
    DailyActual.objects.bulk_create(
        DailyActual(organization=org, date=today - dt.timedelta(days=k), orders=D(10 + k % 7),
                    paid_incl_vat=D(600 + 15 * (k % 5)), ad_spend=D("50"), new_customers=D("4"),
                    returning_customers=D("2"), returned_orders=D("1"), support_contacts=D("2"),
                    hours_worked=D("7"), orders_shipped=D("10"))
        for k in range(1, 43)
    )
    kpis_recompute(organization_id=org.id)
    review, _ = review_draft_get_or_create(organization=org, week_start=last_complete_week(today))
    decision_add(review=review, action="adjust", text="Lower the discount to 15 %",
                 campaign=Campaign.objects.filter(organization=org).order_by("pk").first())


def fill_every_table(org: Organization) -> None:
    from campaigns.models import (
        Campaign,
        CampaignChange,
        CampaignComment,
        Product,
        ProductPrice,
        PromotionSettings,
        Scenario,
    )
    from capacity.models import CapacityPlan
    from cockpit.models import FirstRun, SampleBusiness
    from kpis.models import (
        CampaignPace,
        KpiCohort,
        KpiSnapshot,
        KpiTarget,
        PeakOutlook,
        RecomputeState,
        Signal,
        SignalThresholds,
    )
    from reviews.models import PackSchedule
    from sales.models import ColumnMapping, DailyActual, ImportBatch, ImportedLine, ImportedOrder

    for model in list(factories.OBJECT_MAKERS):
        factories.make_object(model, org)
    campaign = Campaign.objects.filter(organization=org).first()
    product = Product.objects.filter(organization=org).first()
    campaign.products.add(product)
    Scenario.objects.filter(campaign__organization=org).first().products.add(product)
    owner = factories.make_user_in(org)
    CampaignComment.objects.create(campaign=campaign, author=owner, text="Check the stock first")
    factories.make_invitation(org, email="invited@example.test")
    CampaignChange.objects.create(campaign=campaign, changed_by=owner, field="name", old="Before", new="After")
    CapacityPlan.objects.get_or_create(organization=org)
    ProductPrice.objects.create(organization=org, product=product, date=timezone.localdate(), unit_price=D("20"))
    PromotionSettings.objects.get_or_create(organization=org, defaults={"departement": "57"})
    today = timezone.localdate()
    DailyActual.objects.create(organization=org, date=today - dt.timedelta(days=1), orders=D("12"),
                               paid_incl_vat=D("480"), campaign_id=campaign.pk, channel=campaign.channel)
    batch = ImportBatch.objects.filter(organization=org).first()
    ImportBatch.objects.filter(pk=batch.pk).update(pending_lines=b"order_id;customer_key\n",
                                                    pending_upload=b"raw upload: ann@example.fr")
    ColumnMapping.objects.create(organization=org, signature="0" * 64, columns=["Ticket", "Horodatage"],
                                 mapping={"order": "Ticket", "date": "Horodatage"}, saved_at=timezone.now(),
                                 saved_by=owner)
    ImportedOrder.objects.create(organization=org, order_id="#1001", ordered_at=timezone.now(),
                                 channel_name="Shop front", discount_code="NOEL20", currency="EUR",
                                 source_format="generic", batch=batch, campaign_id=campaign.pk, paid_incl_vat=D("40"))
    ImportedLine.objects.create(organization=org, batch=batch, order_id="#1001", date=today,
                                product="Handmade candle", units=D("2"), amount_incl_vat=D("40"))
    KpiSnapshot.objects.create(organization=org, scope="org", period="week", kpi="orders",
                               period_start=today - dt.timedelta(days=7), value=12.0, computed_at=timezone.now())
    KpiCohort.objects.create(organization=org, cohort_month=today.replace(day=1), months_since_first=0,
                             cohort_customers=1, active_customers=1, computed_at=timezone.now())
    RecomputeState.objects.get_or_create(organization=org, defaults={"last_error": "Timed out"})
    KpiTarget.objects.create(organization=org, kpi="orders", value=70.0)
    SignalThresholds.objects.get_or_create(organization=org)
    Signal.objects.create(organization=org, rule="margin_drop", action="adjust", side="marketing",
                          subject=f"{campaign.name}: margin per order fell", evidence={"campaign": campaign.name},
                          campaign=campaign, raised_at=timezone.now())
    CampaignPace.objects.create(organization=org, campaign=campaign, figures={"days": 1, "uplift": 0.2},
                                computed_at=timezone.now())
    PeakOutlook.objects.update_or_create(organization=org, defaults={
        "until": dt.date(2027, 1, 31), "day": dt.date(2026, 12, 21), "resource": "Packing", "utilisation": 1.4,
        "overloaded_days": 3, "computed_at": timezone.now()})
    _fill_forecast(org, campaign)
    FirstRun.objects.get_or_create(organization=org, defaults={"business_confirmed_at": timezone.now()})
    SampleBusiness.objects.get_or_create(organization=org, defaults={"added_by": owner})
    PackSchedule.objects.get_or_create(organization=org, consultant=owner, defaults={"weekday": 1, "hour": 9})
    empty = [t.name for t in org_tables() if not t.rows(org).exists()]
    assert not empty, f"tests/plannerist/org_data.py makes no row of {empty}: add one"


def _fill_forecast(org: Organization, campaign) -> None:
    from forecasting.models import CounterfactualDay, Forecast, ForecastDay, RefitState

    today = timezone.localdate()
    Forecast.objects.create(
        organization=org, fitted_at=timezone.now(), fitted_for=today, method="weekday_average", history_days=60,
        backtest={"wape": 0.2}, notes=[{"code": "no_yearly_seasonality", "values": {"days": 60}}],
        promotions={"campaigns": [{"id": campaign.id, "name": campaign.name, "uplift": 0.3}], "pooled": []},
    )
    ForecastDay.objects.create(organization=org, date=today, orders=12.0, orders_lo80=8.0, orders_hi80=16.0)
    CounterfactualDay.objects.create(organization=org, campaign_id=campaign.id, date=today, orders=10.0)
    RefitState.objects.get_or_create(organization=org)


def _marked(value: str, marker: str, max_length: int | None) -> str:
    text = f"{marker} {value}" if value else marker
    return text[:max_length] if max_length else text


def mark_free_text(org: Organization, marker: str) -> int:
    """Write ``marker`` into every free-text field of the organisation's rows; returns the
    number of fields written (the test says how many it expects to hide)."""
    written = 0
    for table in org_tables():
        skip = NOT_FREE_TEXT.get(table.name, set())
        json_fields = FREE_TEXT_JSON.get(table.name, set())
        fields = [
            f for f in table.model._meta.concrete_fields
            if f.name not in skip and not f.choices and (
                (isinstance(f, models.CharField | models.TextField) and (f.max_length or 99) >= 20)
                or f.name in json_fields
            )
        ]
        if not fields:
            continue
        lookup = {table.path: org} if table.path else {"pk": org.pk}
        for row in table.model._default_manager.filter(**lookup):
            for field in fields:
                value = getattr(row, field.attname)
                if isinstance(value, list):
                    value = [_marked(str(v), marker, None) for v in value] or [marker]
                else:
                    value = _marked(value or "", marker, field.max_length)
                setattr(row, field.attname, value)
                written += 1
            row.save(update_fields=[f.attname for f in fields])
    return written
