"""Demo catalogue, channels and campaigns of the two demo businesses (idempotent)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from campaigns.models import Campaign, CostProfile, Mechanic, Product, Scenario, Scope
from campaigns.price_history import product_prices_record
from plannerist.models import Organization
from sales.models import Channel

PRODUCTS = {
    "lumiere-et-cire": [
        # sku, name, category, price incl. VAT, unit cost excl. VAT, units sold per month
        ("BOUG-FIGUIER", "Bougie Figuier 200 g", "Bougies", "29.00", "6.20", 120),
        ("BOUG-AMBRE", "Bougie Ambre & Santal 200 g", "Bougies", "29.00", "6.50", 100),
        ("BOUG-PREM-CEDRE", "Bougie premium Cèdre 400 g", "Bougies premium", "54.00", "9.80", 35),
        ("BOUG-PREM-ROSE", "Bougie premium Rose noire 400 g", "Bougies premium", "54.00", "10.20", 30),
        ("BOUG-PREM-TABAC", "Bougie premium Tabac blond 400 g", "Bougies premium", "58.00", "10.50", 25),
        ("DIFF-FIGUIER", "Diffuseur Figuier 100 ml", "Diffuseurs", "34.00", "9.50", 60),
        ("DIFF-LIN", "Diffuseur Linge frais 100 ml", "Diffuseurs", "34.00", "9.20", 55),
        ("FOND-VANILLE", "Fondants Vanille (×6)", "Fondants", "12.00", "3.10", 150),
        ("FOND-AGRUMES", "Fondants Agrumes (×6)", "Fondants", "12.00", "3.00", 130),
        ("COFF-NOEL", "Coffret de Noël 3 mini-bougies", "Coffrets", "39.00", "12.50", 40),
        ("RECH-200", "Recharge bougie 200 g", "Recharges", "19.00", "4.80", 45),
        ("MOUCHE-MECHE", "Mouche-mèche laiton", "Accessoires", "15.00", "5.50", 20),
    ],
    "savonnerie-du-marais": [
        ("SAV-LAVANDE", "Savon Lavande 100 g", "Savons", "8.50", "1.90", 400),
        ("SAV-MIEL", "Savon Miel & Avoine 100 g", "Savons", "8.50", "2.10", 320),
        ("SHAMP-SOLIDE", "Shampooing solide 80 g", "Soins", "12.90", "2.80", 180),
        ("COFF-DECOUVERTE", "Coffret découverte 4 savons", "Coffrets", "29.00", "8.60", 60),
    ],
}

CHANNELS = {
    # name, kind, cost profile
    "Boutique en ligne": ("web_shop", dict(
        units_per_order="1.40", shipping_fee="4.90", shipping_cost="6.50", packaging_cost="0.90",
        payment_fee_rate="0.0140", payment_fee_fixed="0.25", return_rate="0.0400", return_cost="7.50",
        return_recovery="0.7000", support_contacts="0.120", support_cost_per_contact="3.50")),
    "Etsy": ("marketplace", dict(
        units_per_order="1.20", shipping_fee="5.90", shipping_cost="6.50", packaging_cost="0.90",
        payment_fee_rate="0.0400", payment_fee_fixed="0.30", commission_rate="0.0650", return_rate="0.0500",
        return_cost="7.50", return_recovery="0.7000", support_contacts="0.150", support_cost_per_contact="3.50")),
}


def peak_year(today: dt.date) -> int:
    """The year whose end-of-year peak the demo plans: this one until mid-December."""
    return today.year if today <= dt.date(today.year, 12, 15) else today.year + 1


def black_friday(year: int) -> dt.date:
    november_first = dt.date(year, 11, 1)
    first_thursday = november_first + dt.timedelta(days=(3 - november_first.weekday()) % 7)
    return first_thursday + dt.timedelta(weeks=3, days=1)


def _last_sunday_of_may(year: int) -> dt.date:
    may_31 = dt.date(year, 5, 31)
    return may_31 - dt.timedelta(days=(may_31.weekday() + 1) % 7)


def seed(organization: Organization, today: dt.date | None = None, *, like: str | None = None) -> None:
    """``like`` names the demo business whose rows the organisation gets (default: its own slug)."""
    shop = like or organization.slug
    products = {}
    for sku, name, category, price, cost, per_month in PRODUCTS.get(shop, []):
        products[sku], _ = Product.objects.update_or_create(
            organization=organization, sku=sku,
            defaults={"name": name, "category": category, "price": D(price), "unit_cost": D(cost),
                      "units_per_month": D(per_month), "vat_rate": D("0.20"), "active": True},
        )
    channels = {}
    for name, (kind, costs) in CHANNELS.items():
        channel, _ = Channel.objects.update_or_create(organization=organization, name=name, defaults={"kind": kind})
        CostProfile.objects.update_or_create(
            channel=channel, defaults={"organization": organization, **{k: D(v) for k, v in costs.items()}}
        )
        channels[name] = channel
    if shop == "lumiere-et-cire":
        _campaigns(organization, channels, products, today or organization.today())


def _campaign(organization, name: str, products=(), scenarios=(), **fields) -> Campaign:
    from plannerist.models import Membership, Role

    marketing = Membership.objects.filter(organization=organization, role=Role.MARKETING).select_related("user").first()
    fields.setdefault("owner", marketing.user if marketing else None)
    campaign, _ = Campaign.objects.update_or_create(organization=organization, name=name, defaults=fields)
    campaign.products.set(products)
    for scenario_name, scenario_fields, scenario_products in scenarios:
        scenario, _ = Scenario.objects.update_or_create(campaign=campaign, name=scenario_name, defaults=scenario_fields)
        scenario.products.set(scenario_products)
    return campaign


def _campaigns(organization: Organization, channels: dict, products: dict, today: dt.date) -> None:
    year = peak_year(today)
    friday = black_friday(year)
    shop, etsy = channels["Boutique en ligne"], channels["Etsy"]
    premium = [products[s] for s in ("BOUG-PREM-CEDRE", "BOUG-PREM-ROSE", "BOUG-PREM-TABAC")]
    two_for_one = dict(mechanic=Mechanic.BUY_X_GET_Y, buy=1, get=1, get_discount=D("1"), discount_rate=D("0"))
    _campaign(
        organization, "Black Friday : 2 pour 1",
        objective="Faire découvrir la gamme et écouler le stock d'automne.",
        channel=shop, start=friday, end=friday + dt.timedelta(days=3), status=Campaign.Status.PLANNED,
        scope=Scope.CATALOGUE, baseline_orders=D("140"), uplift=D("1.50"), uplift_low=D("0.80"),
        uplift_high=D("2.20"), ad_spend=D("600"), creative_cost=D("150"), **two_for_one,
        scenarios=[
            ("2 pour 1 sur tout le catalogue", dict(scope=Scope.CATALOGUE, uplift=D("1.50"), ad_spend=D("600"),
                                                   creative_cost=D("150"), **two_for_one), []),
            # A narrower offer needs a smaller ad budget: it is pushed to the premium buyers' list.
            ("2 pour 1 sur trois bougies premium", dict(scope=Scope.PRODUCTS, uplift=D("1.50"), ad_spend=D("150"),
                                                       creative_cost=D("50"), **two_for_one), premium),
            ("−20 % sur tout", dict(mechanic=Mechanic.PERCENT_OFF, discount_rate=D("0.20"), uplift=D("0.60"),
                                   ad_spend=D("600"), creative_cost=D("150")), []),
        ],
    )
    _campaign(
        organization, "Noël −20 %", objective="Le pic de Noël : cadeaux et coffrets.",
        channel=shop, start=dt.date(year, 12, 1), end=dt.date(year, 12, 20), status=Campaign.Status.APPROVED,
        mechanic=Mechanic.PERCENT_OFF, discount_rate=D("0.20"), scope=Scope.CATALOGUE,
        # No typed baseline: the orders the season would bring anyway come from the forecast.
        baseline_orders=None, uplift=D("0.45"), uplift_low=D("0.25"), uplift_high=D("0.70"),
        ad_spend=D("900"), creative_cost=D("350"),
    )
    _campaign(
        organization, "Week-end livraison offerte", channel=shop,
        start=dt.date(year, 12, 12), end=dt.date(year, 12, 13), status=Campaign.Status.PLANNED,
        mechanic=Mechanic.FREE_SHIPPING, scope=Scope.CATALOGUE, baseline_orders=D("70"), uplift=D("0.60"),
        ad_spend=D("150"),
    )
    _campaign(
        organization, "Lancement de l'emballage cadeau", channel=shop,
        objective="Un service d'emballage cadeau offert pour monter le panier.",
        start=dt.date(year, 12, 1), end=dt.date(year, 12, 24), status=Campaign.Status.DRAFT,
        mechanic=Mechanic.NONE, scope=Scope.CATALOGUE, baseline_orders=D("900"), uplift=D("0.06"),
        setup_cost=D("650"), creative_cost=D("200"),
    )
    # Two campaigns already over, for the post-mortem (their days are in the demo actuals).
    mothers_day = _last_sunday_of_may(today.year if today >= dt.date(today.year, 6, 1) else today.year - 1)
    _campaign(
        organization, "Fête des mères −15 %", objective="Les coffrets et diffuseurs pour la fête des mères.",
        channel=shop, start=mothers_day - dt.timedelta(days=9), end=mothers_day - dt.timedelta(days=1),
        status=Campaign.Status.FINISHED, mechanic=Mechanic.PERCENT_OFF, discount_rate=D("0.15"),
        scope=Scope.CATALOGUE, uplift=D("0.50"), uplift_low=D("0.30"), uplift_high=D("0.70"),
        ad_spend=D("350"), creative_cost=D("120"),
    )
    rentree = dt.date(today.year if today >= dt.date(today.year, 10, 1) else today.year - 1, 9, 8)
    _campaign(
        organization, "Rentrée : diffuseurs −10 %", channel=shop, start=rentree, end=rentree + dt.timedelta(days=6),
        status=Campaign.Status.FINISHED, mechanic=Mechanic.PERCENT_OFF, discount_rate=D("0.10"),
        scope=Scope.CATEGORIES, scope_categories=["Diffuseurs"], uplift=D("0.25"), ad_spend=D("200"),
    )
    _last_year_campaigns(organization, shop, year, mothers_day, rentree)
    _campaign(
        organization, "Etsy : fondants −15 %", channel=etsy,
        start=friday, end=friday + dt.timedelta(days=10), status=Campaign.Status.DRAFT,
        mechanic=Mechanic.PERCENT_OFF, discount_rate=D("0.15"), scope=Scope.CATEGORIES,
        scope_categories=["Fondants"], baseline_orders=D("60"), uplift=D("0.40"), ad_spend=D("80"),
    )
    _law_campaigns(organization, shop, products, today)
    _loyalty_campaign(organization, shop, today)
    _statuses_from_dates(organization, today)


# A campaign live whatever the day the demo is seeded: started this many days before today
# (enough days with actuals for its in-flight pace, ``forecasting.engine.inflight.MIN_DAYS``).
LOYALTY_DAYS_BEFORE, LOYALTY_DAYS = 5, 14


def _loyalty_campaign(organization: Organization, shop: Channel, today: dt.date) -> None:
    """A fortnight's −10 % for the newsletter's subscribers, started five days before today: the
    demo always has a live campaign whose days so far the in-flight projection reads."""
    start = today - dt.timedelta(days=LOYALTY_DAYS_BEFORE)
    _campaign(
        organization, "Offre fidélité −10 %", objective="Les abonnés de la lettre d'information : −10 % sur tout.",
        channel=shop, start=start, end=start + dt.timedelta(days=LOYALTY_DAYS - 1), status=Campaign.Status.LIVE,
        mechanic=Mechanic.PERCENT_OFF, discount_rate=D("0.10"), scope=Scope.CATALOGUE, baseline_orders=None,
        uplift=D("0.20"), uplift_low=D("0.10"), uplift_high=D("0.30"), ad_spend=D("120"),
    )


def status_on(status: str, start: dt.date, end: dt.date, today: dt.date) -> str:
    """The status a demo campaign planned as ``status`` has on ``today``: one that ended before
    today finished, one running today live (a campaign is planned, approved, then runs), one
    to come keeps its own. A draft is an idea: it never runs (see :func:`_statuses_from_dates`)."""
    if status in (Campaign.Status.DRAFT, Campaign.Status.STOPPED):
        return status
    if end < today:
        return Campaign.Status.FINISHED
    if start <= today:
        return Campaign.Status.LIVE
    return Campaign.Status.APPROVED if status == Campaign.Status.LIVE else status


def _statuses_from_dates(organization: Organization, today: dt.date) -> None:
    """Every demo campaign's status matches its dates on ``today`` (:func:`status_on`); a draft
    whose days have begun moves a year on, so that it is still an idea for later."""
    for campaign in Campaign.objects.filter(organization=organization):
        if campaign.status == Campaign.Status.DRAFT and campaign.start <= today:
            years = today.year - campaign.start.year + 1
            campaign.start, campaign.end = _years_on(campaign.start, years), _years_on(campaign.end, years)
            Campaign.objects.filter(pk=campaign.pk).update(start=campaign.start, end=campaign.end)
            continue
        status = status_on(campaign.status, campaign.start, campaign.end, today)
        if status != campaign.status:
            Campaign.objects.filter(pk=campaign.pk).update(status=status)


def _years_on(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year + years) if (day.month, day.day) != (2, 29) else dt.date(day.year + years, 3, 1)


def _last_year_campaigns(organization: Organization, shop: Channel, year: int, mothers_day: dt.date, rentree: dt.date) -> None:
    """The demo's first year of history has its own campaigns, finished, so that the promotion
    memory has two of a kind to pool (Black Friday and Christmas a year before this year's,
    Mother's Day and the back-to-school week a year before the ones above)."""
    two_for_one = dict(mechanic=Mechanic.BUY_X_GET_Y, buy=1, get=1, get_discount=D("1"), discount_rate=D("0"))
    friday = black_friday(year - 1)
    finished = dict(channel=shop, status=Campaign.Status.FINISHED, scope=Scope.CATALOGUE)
    _campaign(organization, "Black Friday de l'an dernier : 2 pour 1", start=friday, end=friday + dt.timedelta(days=3),
              uplift=D("1.40"), ad_spend=D("500"), creative_cost=D("150"), **two_for_one, **finished)
    # Ten days, not the whole of December: the forecast needs December days without a
    # promotion to learn the season from (a campaign's days are left out of its fit).
    _campaign(organization, "Noël de l'an dernier −20 %", start=dt.date(year - 1, 12, 8), end=dt.date(year - 1, 12, 17),
              mechanic=Mechanic.PERCENT_OFF, discount_rate=D("0.20"), uplift=D("0.40"), ad_spend=D("800"),
              creative_cost=D("300"), **finished)
    mothers_day = _last_sunday_of_may(mothers_day.year - 1)
    _campaign(organization, "Fête des mères de l'an dernier −15 %", start=mothers_day - dt.timedelta(days=9),
              end=mothers_day - dt.timedelta(days=1), mechanic=Mechanic.PERCENT_OFF, discount_rate=D("0.15"),
              uplift=D("0.45"), ad_spend=D("300"), creative_cost=D("100"), **finished)
    rentree = dt.date(rentree.year - 1, 9, 8)
    _campaign(organization, "Rentrée de l'an dernier : diffuseurs −10 %", start=rentree, end=rentree + dt.timedelta(days=6),
              mechanic=Mechanic.PERCENT_OFF, discount_rate=D("0.10"), uplift=D("0.25"), ad_spend=D("200"),
              **{**finished, "scope": Scope.CATEGORIES}, scope_categories=["Diffuseurs"])


def _law_campaigns(organization: Organization, shop: Channel, products: dict, today: dt.date) -> None:
    """Spring campaigns that each trip one French promotion rule, so that the demo shows them:
    a −20 % two weeks after a −10 % on the diffusers (L112-1-1), premium candles below cost
    outside the sales (L442-5), "Soldes de printemps" in April (L310-3)."""
    year = today.year if today < dt.date(today.year, 2, 1) else today.year + 1
    diffusers = [p for p in products.values() if p.category == "Diffuseurs"]
    first = _campaign(
        organization, "Diffuseurs −10 %", channel=shop, start=dt.date(year, 3, 2), end=dt.date(year, 3, 8),
        status=Campaign.Status.APPROVED, mechanic=Mechanic.PERCENT_OFF, discount_rate=D("0.10"),
        scope=Scope.CATEGORIES, scope_categories=["Diffuseurs"], baseline_orders=D("40"), uplift=D("0.25"),
        ad_spend=D("80"),
    )
    # The demo's orders stop today: the −10 % week's prices are recorded as the shop will charge them.
    days = [first.start + dt.timedelta(days=k) for k in range(first.days)]
    product_prices_record(organization=organization, rows=[
        (p.sku, day, float(p.price) * 0.9) for p in diffusers for day in days
    ])
    _campaign(
        organization, "Diffuseurs −20 %", channel=shop, objective="Relancer les diffuseurs avant le printemps.",
        start=dt.date(year, 3, 16), end=dt.date(year, 3, 22), status=Campaign.Status.PLANNED,
        mechanic=Mechanic.PERCENT_OFF, discount_rate=D("0.20"), scope=Scope.CATEGORIES,
        scope_categories=["Diffuseurs"], baseline_orders=D("40"), uplift=D("0.40"), ad_spend=D("120"),
    )
    _campaign(
        organization, "Déstockage bougies premium −80 %", channel=shop, start=dt.date(year, 2, 16),
        end=dt.date(year, 2, 22), status=Campaign.Status.PLANNED, mechanic=Mechanic.PERCENT_OFF,
        discount_rate=D("0.80"), scope=Scope.CATEGORIES, scope_categories=["Bougies premium"],
        baseline_orders=D("30"), uplift=D("1.00"), ad_spend=D("50"),
    )
    _campaign(
        organization, "Soldes de printemps", channel=shop, objective="Les fondants à petit prix pour le printemps.",
        start=dt.date(year, 4, 8), end=dt.date(year, 4, 19), status=Campaign.Status.PLANNED,
        mechanic=Mechanic.PERCENT_OFF, discount_rate=D("0.15"), scope=Scope.CATEGORIES,
        scope_categories=["Fondants"], baseline_orders=D("90"), uplift=D("0.30"), ad_spend=D("60"),
    )
