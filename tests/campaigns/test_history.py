"""The change history reads in the page's words: field names, choice labels, percentages, amounts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from campaigns.history import DATE_FIELDS, MONEY_FIELDS, NUMBER_FIELDS, SHARE_FIELDS, value_text
from campaigns.models import Campaign, CampaignChange
from campaigns.services import AUDITED_FIELDS
from plannerist.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_history_says_status_and_uplift_in_french_with_percentages(org, client_for):
    owner = factories.make_user_in(org, Role.OWNER)
    campaign = factories.make_campaign(org, uplift=Decimal("0.06"), ad_spend=Decimal("500"))
    for field, old, new in [("status", "planned", "draft"), ("uplift", "0.06", "0.25"),
                            ("ad_spend", "500", "1250.5"), ("mechanic", "percent_off", "buy_x_get_y"),
                            ("start", "2026-12-01", "2026-12-05"), ("created", "", "Noël")]:
        CampaignChange.objects.create(campaign=campaign, changed_by=owner, field=field, old=old, new=new)
    html = client_for(owner, HTTP_ACCEPT_LANGUAGE="fr").get(f"/o/{org.slug}/campaigns/{campaign.pk}/").content.decode()
    history = html[html.index('id="history"'):]
    assert "<td>Statut</td><td>Proposée → Brouillon</td>" in history
    assert "<td>Hausse attendue</td><td>6\u00a0% → 25\u00a0%</td>" in history
    assert "<td>Publicité</td><td>500,00\u00a0€ → 1\u00a0250,50\u00a0€</td>" in history
    assert "<td>Mécanique</td><td>Remise en % → " in history
    assert "<td>Début</td><td>1 Déc 2026 → 5 Déc 2026</td>" in history
    assert "<td>Campagne créée</td><td>— → Noël</td>" in history
    assert "planned" not in history and "0.06" not in history and "uplift" not in history


def test_a_value_the_log_cannot_read_is_shown_as_it_was_kept():
    assert value_text("uplift", "n/a", currency="EUR") == "n/a"
    assert value_text("name", "Noël <b>", currency="EUR") == "Noël <b>"  # escaped by the template


def test_every_audited_number_and_date_has_its_format():
    numeric = {f for f in AUDITED_FIELDS if Campaign._meta.get_field(f).get_internal_type()
               in {"DecimalField", "PositiveSmallIntegerField", "IntegerField", "DateField"}}
    assert numeric <= SHARE_FIELDS | MONEY_FIELDS | NUMBER_FIELDS | DATE_FIELDS
