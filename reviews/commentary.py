"""The commentary's words: the remarks of :mod:`reviews.engine.commentary` on the weekly
snapshots as sentences in the active language, each giving the figures it stands on ("Le
taux de retour a doublé depuis 4 semaines : 10,0 % en 2026-W48 contre 5,1 % en 2026-W44.").
The draft's notes start with them; the consultant edits them before sending."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from kpis import selectors as kpi_selectors
from kpis.engine import KPI_DEFINITIONS
from plannerist.models import Organization
from plannerist.templatetags.plannerist import kpi_value, num, pct
from reviews.engine.commentary import Remark, remarks
from reviews.selectors import weekly_table
from reviews.summary import REVIEW_ORDER, week_label

# Each KPI as the subject of a sentence (its article, in French, makes it one).
SUBJECTS = {
    "orders": pgettext_lazy("commentary subject", "The number of orders"),
    "revenue_excl_vat": pgettext_lazy("commentary subject", "Revenue excl. VAT"),
    "cost_coverage": pgettext_lazy("commentary subject", "The share of revenue with a known goods cost"),
    "margin": pgettext_lazy("commentary subject", "The margin per operation"),
    "margin_per_order": pgettext_lazy("commentary subject", "The margin per order"),
    "margin_rate": pgettext_lazy("commentary subject", "The margin rate"),
    "cac": pgettext_lazy("commentary subject", "The customer acquisition cost"),
    "repeat_purchase_rate": pgettext_lazy("commentary subject", "The repeat-purchase rate"),
    "roas": pgettext_lazy("commentary subject", "The return on ad spend"),
    "return_rate": pgettext_lazy("commentary subject", "The return rate"),
    "support_cost_per_order": pgettext_lazy("commentary subject", "The support cost per order"),
    "order_to_ship_hours": pgettext_lazy("commentary subject", "The time from order to shipment"),
    "orders_per_hour_worked": pgettext_lazy("commentary subject", "The number of orders per hour worked"),
    "capacity_utilisation": pgettext_lazy("commentary subject", "The volume against deliverable capacity"),
    "stock_cover_days": pgettext_lazy("commentary subject", "The stock cover"),
}
_DEFINITIONS = {d.key: d for d in KPI_DEFINITIONS}


def _change(remark: Remark) -> str:
    """A week-on-week change without its sign: a share's in points, the others in %."""
    if _DEFINITIONS[remark.kpi].unit == "share":
        return _("%(n)s pts") % {"n": num(abs(remark.change) * 100, 1)}
    return pct(abs(remark.change_rate), 0)


def sentence(remark: Remark, currency: str) -> str:
    """The remark in words, in the active language."""
    unit = _DEFINITIONS[remark.kpi].unit
    words = {
        "subject": str(SUBJECTS[remark.kpi]), "weeks": remark.weeks,
        "value": kpi_value(remark.value, unit, currency), "week": week_label(remark.week),
        "reference": kpi_value(remark.reference, unit, currency) if remark.reference is not None else "",
        "reference_week": week_label(remark.reference_week) if remark.reference_week else "",
    }
    if remark.rule == "under_target":
        return _("%(subject)s has missed its target for %(weeks)d weeks: %(value)s in %(week)s against a target "
                 "of %(reference)s.") % words
    if remark.rule == "doubled":
        return _("%(subject)s has doubled in %(weeks)d weeks: %(value)s in %(week)s against %(reference)s in "
                 "%(reference_week)s.") % words
    if remark.rule == "halved":
        return _("%(subject)s has halved in %(weeks)d weeks: %(value)s in %(week)s against %(reference)s in "
                 "%(reference_week)s.") % words
    if remark.rule in ("up", "down"):
        words["change"] = _change(remark)
        if remark.rule == "up":
            return _("%(subject)s rose by %(change)s in a week: %(value)s in %(week)s against %(reference)s in "
                     "%(reference_week)s.") % words
        return _("%(subject)s fell by %(change)s in a week: %(value)s in %(week)s against %(reference)s in "
                 "%(reference_week)s.") % words
    if remark.rule == "highest":
        return _("%(subject)s is at its highest in %(weeks)d weeks: %(value)s in %(week)s.") % words
    return _("%(subject)s is at its lowest in %(weeks)d weeks: %(value)s in %(week)s.") % words


def review_remarks(organization: Organization, week_start: dt.date) -> list[Remark]:
    """The remarks on the organisation's weekly snapshots up to ``week_start`` (two queries)."""
    table = weekly_table(organization.id, week_start)
    kpis = {key: (_DEFINITIONS[key].direction, _DEFINITIONS[key].unit) for key in REVIEW_ORDER}
    return remarks(table, week=week_start, kpis=kpis, targets=kpi_selectors.targets_of(organization.id))


def review_commentary(organization: Organization, week_start: dt.date) -> str:
    """The remarks as the notes' first lines, one sentence a line, in the active language."""
    return "\n".join(sentence(r, organization.currency) for r in review_remarks(organization, week_start))
