"""``forecast --org`` and ``promo_history --org`` (docs/forecasting.md § 4): the file contract's
answer from the organisation's own actuals and campaigns; bad input exits 2 naming the field."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command

from forecasting import organisation
from sales.models import DailyActual
from tests.factories import make_campaign

from .synthetic import days, expected_orders, poisson
from .test_commands import HISTORY, PROMO

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(org):
    """The file contract's history and campaigns, held as the organisation's actuals."""
    DailyActual.objects.bulk_create(
        DailyActual(organization=org, date=dt.date.fromisoformat(row["date"]), orders=D(row["orders"])) for row in HISTORY
    )
    for campaign in PROMO["campaigns"]:
        make_campaign(org, name=campaign["name"], start=dt.date.fromisoformat(campaign["start"]),
                      end=dt.date.fromisoformat(campaign["end"]), mechanic=campaign["mechanic"]["type"],
                      discount_rate=D(str(campaign["mechanic"].get("rate", 0))), status="finished")
    return org


def run(*args: str) -> dict:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue())


def refused(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        call_command(*args, stdout=io.StringIO())
    assert caught.value.returncode == 2
    return str(caught.value)


def test_forecast_org_answers_as_the_file_contract_does_on_the_same_data(shop, tmp_path):
    result = run("forecast", "--org", shop.slug, "--from", "2024-04-01", "--to", "2024-04-14", "--json")
    assert set(result) == {"days", "method", "history_days", "backtest"}
    assert [d["date"] for d in result["days"]] == [d.date().isoformat() for d in days("2024-04-01", "2024-04-14")]
    assert set(result["days"][0]) == {"date", "orders", "orders_lo80", "orders_hi80"}
    document = {"country": "FR", "history": HISTORY, "start": "2024-04-01", "end": "2024-04-14",
                "campaigns": [{"start": c["start"], "end": c["end"]} for c in PROMO["campaigns"]]}
    path = tmp_path / "in.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert result == run("forecast", str(path))


def test_forecast_org_fits_only_the_days_before_from(shop):
    result = run("forecast", "--org", shop.slug, "--from", "2024-01-01", "--to", "2024-01-07", "--json")
    assert result["history_days"] == len(days("2023-01-02", "2023-12-31"))


def test_promo_history_org_answers_as_the_file_contract_does(shop, tmp_path):
    result = organisation.promo_history(shop.slug, today=dt.date(2024, 4, 1))
    path = tmp_path / "in.json"
    path.write_text(json.dumps(PROMO), encoding="utf-8")
    assert result == run("promo_history", str(path))
    assert [c["name"] for c in result["campaigns"]] == ["BF", "Soldes", "Port"]


def test_promo_history_org_command_gives_the_contract_s_shape(shop):
    result = run("promo_history", "--org", shop.slug, "--json")
    assert set(result) == {"campaigns", "pooled"}
    assert set(result["campaigns"][0]) == {"name", "orders", "baseline_orders", "uplift", "uplift_lo80",
                                           "uplift_hi80", "dip_share", "projected"}
    assert set(result["pooled"][0]) == {"mechanic", "depth_band", "n", "uplift", "uplift_lo80", "uplift_hi80"}


def test_another_organisation_s_actuals_are_not_read(shop, other_org):
    assert "--from" in refused("forecast", "--org", other_org.slug, "--from", "2024-04-01", "--to", "2024-04-14")
    assert "--org" in refused("promo_history", "--org", other_org.slug)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("--org", "nobody", "--from", "2024-04-01", "--to", "2024-04-14"), "--org"),
        (("--org", "lumiere", "--from", "2024-04-14", "--to", "2024-04-01"), "--to"),
        (("--org", "lumiere", "--from", "2024-04-01", "--to", "2027-06-01"), "--to"),
        (("--org", "lumiere", "--from", "1999-12-01", "--to", "2000-01-10"), "--from"),
        (("--org", "lumiere", "--from", "2100-12-30", "--to", "2101-01-02"), "--to"),
        (("--org", "lumiere", "--from", "01/04/2024", "--to", "2024-04-14"), "--from"),
        (("--org", "lumiere", "--to", "2024-04-14"), "--from"),
        (("--org", "lumiere", "--from", "2024-04-01"), "--to"),
        (("--org", "lumiere", "--from", "2023-01-02", "--to", "2023-01-09"), "--from"),  # no actuals before it
    ],
)
def test_forecast_org_refuses_bad_input_naming_the_field(shop, args, field):
    assert refused("forecast", *args).startswith(field)


def test_a_file_and_org_together_or_neither_are_refused(shop, tmp_path):
    assert "--org" in refused("forecast", "x.json", "--org", shop.slug, "--from", "2024-04-01", "--to", "2024-04-02")
    assert "FILE" in refused("forecast")
    assert "FILE" in refused("promo_history")
    assert refused("promo_history", "--org", "nobody").startswith("--org")


def test_promo_history_org_without_campaigns_lists_none(org):
    history = days("2024-01-01", "2024-03-31")
    DailyActual.objects.bulk_create(
        DailyActual(organization=org, date=day.date(), orders=D(int(n))) for day, n in zip(history, poisson(expected_orders(history)), strict=True)
    )
    assert run("promo_history", "--org", org.slug, "--json") == {"campaigns": [], "pooled": []}
