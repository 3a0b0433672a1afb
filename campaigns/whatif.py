"""The what-if result, as the campaign and scenario pages show it and their partials swap it
as you type: a plan's economics (saved, or typed and unsaved) with their charts, what
delivering it costs in extra capacity, the French promotion rules, the dip after past
campaigns of its kind; and a new campaign's uplift pre-filled from the promotion memory.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy

from campaigns import charts, law, selectors
from campaigns.engine.economics import margin_net_of_dip
from campaigns.forms import CampaignForm, ScenarioForm
from campaigns.models import Campaign, Mechanic, Scenario
from campaigns.sources import delivery_cost
from plannerist.tenancy import Access


def _capacity_cost(plan, replaces: Campaign | None, catalogue=None):
    """What delivering a campaign or scenario costs; ``replaces`` is the saved campaign a typed
    plan stands for (a scenario stands for its campaign), counted once; ``catalogue`` the
    active products already read for the economics."""
    if isinstance(plan, Scenario):
        return delivery_cost(plan, replaces=replaces or plan.campaign, catalogue=catalogue)
    if isinstance(plan, Campaign) and plan.start and plan.end:
        return delivery_cost(plan, replaces=replaces, catalogue=catalogue)
    return None


def _law(access: Access, plan, replaces: Campaign | None) -> law.PromotionLaw | None:
    """The French promotion rules for a campaign or scenario, saved or typed: a scenario runs
    on its campaign's dates, name and description."""
    campaign = plan.campaign if isinstance(plan, Scenario) else plan
    if not (campaign.start and campaign.end):
        return None
    product_ids = getattr(plan, "scope_product_ids", None)
    if product_ids is None:
        product_ids = [p.pk for p in plan.products.all()] if plan.pk else []
    return law.promotion_law(
        plan, organization=access.organization, product_ids=product_ids, start=campaign.start, end=campaign.end,
        name=campaign.name, description=campaign.objective, departement=law.departement_of(access.organization),
        exclude_campaign_id=(replaces or campaign).pk,
    )


def plan_result(access: Access, economics: selectors.CampaignEconomics, plan, replaces: Campaign | None = None,
                catalogue=None, memory: dict | None = None) -> dict:
    """The what-if result partial's context: the engine's figures, their charts and, for a
    campaign or scenario, what delivering it costs in extra capacity. ``memory``: the promotion
    memory when the caller read it already."""
    currency = access.organization.currency
    ev = economics.evaluation
    capacity_cost = _capacity_cost(plan, replaces, catalogue)
    cost_to_deliver = None if capacity_cost is None else capacity_cost.cost_to_deliver
    return {
        "capacity_cost": capacity_cost,
        "law": _law(access, plan, replaces),
        "margin_after_capacity": None if cost_to_deliver is None else float(ev.incremental.margin) - cost_to_deliver,
        "economics": economics,
        "ev": ev,
        "risk": economics.risk,
        "plan": plan,
        "break_even": None if ev.break_even_uplift != ev.break_even_uplift else float(ev.break_even_uplift),
        **_dip(access, ev, plan, economics.depth_share, memory),
        "waterfall": charts.waterfall(ev, currency),
        "uplift_chart": charts.curve(economics.uplift_curve, expected=float(plan.uplift), currency=currency),
        "depth_chart": charts.curve(economics.discount_curve, expected=economics.planned_depth, currency=currency),
    }


def _dip(access: Access, ev, plan, depth: float | None, memory: dict | None = None) -> dict:
    """The share of their extra orders that past campaigns of this kind gave back after them,
    and the incremental margin net of it (the break-even sentence says it when > 0)."""
    dip = selectors.pooled_dip(access.organization, plan.mechanic, depth, memory=memory)
    if dip is None or dip["share"] <= 0:
        return {"dip": None}
    return {"dip": dip, "margin_net_of_dip": margin_net_of_dip(ev, dip["share"])}


def form_result(access: Access, form: CampaignForm | ScenarioForm, campaign: Campaign | None,
                replaces: Campaign | None = None, memory: dict | None = None) -> dict:
    """Evaluate the (unsaved) form's plan; a scenario takes dates and channel from its campaign."""
    plan = form.instance
    product_ids = [p.pk for p in form.cleaned_data.get("products", [])]
    plan.scope_product_ids = product_ids  # read by the capacity side: the M2M rows are not the typed ones
    catalogue = selectors.catalogue_frame(access.organization)  # one read for the economics and the capacity
    economics = selectors.plan_economics(plan, campaign=campaign or plan, product_ids=product_ids, catalogue=catalogue)
    return plan_result(access, economics, plan, replaces or campaign, catalogue, memory)


NEW_CAMPAIGN_UPLIFT = Decimal("0.3")  # a new campaign's uplift when no past campaign of its kind measured one
DEPTH_BANDS = {"<15": gettext_lazy("under 15 %"), "15-30": gettext_lazy("15 to 30 %"), ">30": gettext_lazy("over 30 %")}


def uplift_memory(pooled: dict | None, mechanic: str, band: str | None) -> dict:
    """The uplift fields' values for a kind from its pooled memory (None: the default guess,
    no interval), as the form shows them (percent), with the kind's name."""
    field = CampaignForm.base_fields["uplift"]
    kind = str(Mechanic(mechanic).label) + (f" ({DEPTH_BANDS[band]})" if band in DEPTH_BANDS else "")
    if pooled is None:
        return {"n": 0, "kind": kind, "uplift": field.prepare_value(NEW_CAMPAIGN_UPLIFT), "low": "", "high": ""}
    return {"n": pooled["n"], "kind": kind,
            **{name: field.prepare_value(Decimal(str(round(float(pooled[key]), 4))))
               for name, key in (("uplift", "uplift"), ("low", "uplift_lo80"), ("high", "uplift_hi80"))}}
