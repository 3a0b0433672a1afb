"""Plain factory functions, exposed as fixtures in ``tests/conftest.py``.

``OBJECT_MAKERS`` says how to make one row of each org-scoped model for an organisation:
the tenant-isolation sweep uses it to fill every ``<model>_id`` of every URL.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from django.db import models

from plannerist import services
from plannerist.models import Invitation, Membership, Organization, Role, User

_seq = itertools.count(1)
PASSWORD = "a-long-test-password"


def make_user(email: str | None = None) -> User:
    email = email or f"user{next(_seq)}@example.test"
    user = User(username=email, email=email)
    user.set_password(PASSWORD)
    user.save()
    services.email_address_verify(user=user)  # as an invited or seeded account: it logs in at once
    return user


def make_org(slug: str | None = None, **fields) -> Organization:
    number = next(_seq)
    return Organization.objects.create(
        slug=slug or f"org-{number}", name=fields.pop("name", f"Shop {number}"), **fields
    )


def make_member(organization: Organization, role: str = Role.OWNER, user: User | None = None) -> Membership:
    """A membership of ``organization`` with ``role``, for ``user`` or a new user."""
    return Membership.objects.create(user=user or make_user(), organization=organization, role=role)


def make_user_in(organization: Organization, role: str = Role.OWNER, user: User | None = None) -> User:
    """A user who is a member of ``organization`` with ``role``: the user, whom tests log in as."""
    return make_member(organization, role, user).user


OBJECT_MAKERS: dict[type[models.Model], Callable[[Organization], models.Model]] = {
    Membership: lambda org: make_member(org, Role.VIEWER),
    Invitation: lambda org: make_invitation(org)[0],
}


def make_invitation(organization: Organization, email: str | None = None, role: str = Role.VIEWER):
    """A pending invitation and its link's token."""
    from plannerist.services import invitation_create

    return invitation_create(organization=organization, email=email or f"invitee{next(_seq)}@example.test",
                             role=role, by=None)


def make_object(model: type[models.Model], organization: Organization) -> models.Model:
    try:
        maker = OBJECT_MAKERS[model]
    except KeyError:
        raise LookupError(
            f"tests/factories.py has no OBJECT_MAKERS entry for {model.__name__}: add one so "
            "that the tenant-isolation sweep can fill URLs that name it."
        ) from None
    return maker(organization)


def make_channel(organization: Organization, name: str = "Web shop", **costs):
    from campaigns.models import CostProfile
    from sales.models import Channel

    channel = Channel.objects.create(organization=organization, name=f"{name} {next(_seq)}")
    CostProfile.objects.create(organization=organization, channel=channel, **costs)
    return channel


def make_product(organization: Organization, **fields):
    from decimal import Decimal

    from campaigns.models import Product

    number = next(_seq)
    defaults = {"sku": f"SKU-{number}", "name": f"Candle {number}", "category": "Candles",
                "price": Decimal("24.00"), "unit_cost": Decimal("6.00"), "units_per_month": Decimal("10")}
    return Product.objects.create(organization=organization, **{**defaults, **fields})


def make_campaign(organization: Organization, **fields):
    import datetime as dt
    from decimal import Decimal

    from campaigns.models import Campaign

    defaults = {"name": f"Promo {next(_seq)}", "start": dt.date(2026, 12, 1), "end": dt.date(2026, 12, 20),
                "mechanic": "percent_off", "discount_rate": Decimal("0.20"), "uplift": Decimal("0.5"),
                "baseline_orders": Decimal("300"), "ad_spend": Decimal("500")}
    if "channel" not in fields:
        fields["channel"] = make_channel(organization)
    return Campaign.objects.create(organization=organization, **{**defaults, **fields})


def make_scenario(organization: Organization, **fields):
    from decimal import Decimal

    from campaigns.models import Scenario

    campaign = fields.pop("campaign", None) or make_campaign(organization)
    fields = {"name": f"Variant {next(_seq)}", "uplift": Decimal("0.4"), **fields}
    return Scenario.objects.create(campaign=campaign, **fields)


def make_import_batch(organization: Organization, **fields):
    from sales.models import ImportBatch

    fields = {"format": "generic", "file_names": ["orders.csv"], "status": ImportBatch.Status.DONE,
              "progress": 100, **fields}
    return ImportBatch.objects.create(organization=organization, **fields)


def make_discount_code(organization: Organization, **fields):
    from sales.models import DiscountCode

    fields.setdefault("code", f"CODE{next(_seq)}")
    campaign = fields.pop("campaign", None) or make_campaign(organization)
    fields.setdefault("campaign_id", campaign.pk)
    return DiscountCode.objects.create(organization=organization, **fields)


def make_weekly_review(organization: Organization, **fields):
    """A draft review; each call takes another ISO week (one review per organisation and week)."""
    import datetime as dt

    from reviews.models import WeeklyReview

    fields.setdefault("week_start", dt.date(2026, 11, 16) - dt.timedelta(weeks=next(_seq)))
    return WeeklyReview.objects.create(organization=organization, **fields)


def make_review_decision(organization: Organization, **fields):
    from reviews.models import ReviewDecision

    review = fields.pop("review", None) or make_weekly_review(organization)
    fields = {"action": ReviewDecision.Action.ADJUST, "text": "Lower the discount to 15 %", **fields}
    return ReviewDecision.objects.create(review=review, **fields)


def _register_makers() -> None:
    from campaigns.models import Campaign, Product, Scenario
    from reviews.models import ReviewDecision, WeeklyReview
    from sales.models import Channel, DiscountCode, ImportBatch
    from tests.capacity.factories import MAKERS as CAPACITY_MAKERS

    OBJECT_MAKERS.update({
        Channel: make_channel, Product: make_product, Campaign: make_campaign, Scenario: make_scenario,
        ImportBatch: make_import_batch, DiscountCode: make_discount_code, **CAPACITY_MAKERS,
        WeeklyReview: make_weekly_review, ReviewDecision: make_review_decision,
    })


_register_makers()
