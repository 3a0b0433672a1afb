"""The cockpit's writes: the guided first run (the business, typed products, a channel with its
costs, skipping or resuming the guide) and the sample business added to and removed from an account."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from campaigns import services as campaigns_services
from campaigns.models import CostProfile, Product
from cockpit.models import FirstRun, SampleBusiness
from plannerist import services as plannerist_services
from plannerist.models import Organization, User
from sales.models import Channel

BUSINESS_FIELDS = ("name", "country", "currency", "timezone", "vat_rate", "prices_include_vat")
SAMPLE_LIKE = "lumiere-et-cire"  # the demo business whose invented rows a sample business gets
# A sample business's slug starts with it (slugify never makes "--"): the pages mark it as
# sample data from the slug alone, without a query.
SAMPLE_SLUG_PREFIX = "sample--"


def _first_run(organization: Organization) -> FirstRun:
    first_run, _created = FirstRun.objects.get_or_create(organization=organization)
    return first_run


@transaction.atomic
def business_save(*, organization: Organization, values: Mapping[str, object]) -> Organization:
    """The business step: the organisation's name, country, currency, time zone and VAT
    (validated values); the step is then done."""
    for name in BUSINESS_FIELDS:
        if name in values:
            setattr(organization, name, values[name])
    organization.full_clean()
    organization.save(update_fields=[name for name in BUSINESS_FIELDS if name in values])
    first_run = _first_run(organization)
    first_run.business_confirmed_at = timezone.now()
    first_run.save(update_fields=["business_confirmed_at", "updated_at"])
    return organization


def first_run_skip(*, organization: Organization, skipped: bool = True) -> FirstRun:
    """Skip the guide (the dashboard's checklist goes) or resume it (it comes back)."""
    first_run = _first_run(organization)
    first_run.skipped_at = timezone.now() if skipped else None
    first_run.save(update_fields=["skipped_at", "updated_at"])
    return first_run


@dataclass(frozen=True)
class TypedProduct:
    name: str
    price: Decimal  # incl. VAT
    unit_cost: Decimal  # excl. VAT
    vat_rate: Decimal
    sku: str = ""


@transaction.atomic
def products_add(*, organization: Organization, products: Sequence[TypedProduct]) -> list[Product]:
    """Products typed in the catalogue step, all or none; a product typed without a SKU gets
    one from its name (made unique within the catalogue)."""
    taken = set(Product.objects.filter(organization=organization).values_list("sku", flat=True))
    created = []
    for typed in products:
        sku = typed.sku or _free_sku(slugify(typed.name).upper()[:56] or "PRODUCT", taken)
        if sku in taken:
            raise ValueError(f"already in the catalogue: {sku}")
        taken.add(sku)
        product = Product(organization=organization, sku=sku, name=typed.name, price=typed.price,
                          unit_cost=typed.unit_cost, vat_rate=typed.vat_rate, active=True)
        product.full_clean()
        created.append(campaigns_services.costs_save(instance=product, organization=organization))
    return created


def _free_sku(base: str, taken: set[str]) -> str:
    for n in itertools.count(1):
        sku = base if n == 1 else f"{base}-{n}"
        if sku not in taken:
            return sku
    raise AssertionError("unreachable")


@transaction.atomic
def channel_with_costs_create(*, organization: Organization, name: str, kind: str,
                              costs: Mapping[str, Decimal]) -> Channel:
    """A channel and its cost profile (validated values) in one step."""
    channel = campaigns_services.channel_create(organization=organization, name=name, kind=kind)
    profile = CostProfile.objects.get(channel=channel)
    for field, value in costs.items():
        setattr(profile, field, value)
    profile.full_clean()
    campaigns_services.costs_save(instance=profile, organization=organization)
    return channel


@transaction.atomic
def sample_add(*, user: User, name: str) -> Organization:
    """A sample business for ``user`` (its owner): a new organisation marked as sample; the
    worker fills it (:func:`sample_fill`) once the transaction is committed."""
    from cockpit.tasks import sample_fill_task

    base = f"{SAMPLE_SLUG_PREFIX}{user.pk}"
    slug = base
    for n in itertools.count(2):
        if not Organization.objects.filter(slug=slug).exists():
            break
        slug = f"{base}-{n}"
    organization = plannerist_services.organization_create(slug=slug, name=name, country="FR", owner=user)
    SampleBusiness.objects.create(organization=organization, added_by=user)
    transaction.on_commit(lambda: sample_fill_task.delay(organization.pk))
    return organization


def sample_fill(*, organization: Organization) -> None:
    """The demo's invented catalogue, campaigns, team and two years of orders (tens of seconds:
    run by the worker); the sample is ready after it."""
    from cockpit.demo import seed_apps

    seed_apps(organization, like=SAMPLE_LIKE)
    SampleBusiness.objects.filter(organization=organization).update(ready_at=timezone.now())


def sample_remove(*, organization: Organization) -> dict[str, int]:
    """Delete a sample business with everything it holds (refused for a real organisation)."""
    if not SampleBusiness.objects.filter(organization=organization).exists():
        raise ValueError("not a sample business")
    return plannerist_services.organization_delete(organization=organization)

