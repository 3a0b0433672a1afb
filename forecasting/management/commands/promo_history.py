"""``manage.py promo_history FILE|-`` or ``--org SLUG --json``: promotion memory, per
docs/forecasting.md § 3 and § 4."""

from __future__ import annotations

from typing import Any

from forecasting import organisation
from forecasting.commands import FileOrOrgCommand
from forecasting.contract import promo_history


class Command(FileOrOrgCommand):
    help = "Each campaign's uplift against its counterfactual, its dip, pooled by kind (JSON in, JSON out)."
    compute = staticmethod(promo_history)
    org_help = "an organisation's slug: its campaigns and actuals instead of a file"

    def from_org(self, slug: str, options: dict[str, Any]) -> dict:
        return organisation.promo_history(slug)
