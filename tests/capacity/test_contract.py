"""The capacity and Erlang contracts (economics.md §§ 2-3), pure: JSON documents in, dicts out."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from capacity.contract import capacity_report, erlang_report, public_holidays
from plannerist.validation import InputError
from tests.capacity.documents import example_document

DAY_KEYS = [
    "date",
    "resource",
    "orders",
    "work_hours",
    "due_hours",
    "capacity_hours",
    "utilization",
    "backlog_hours",
    "delay_days",
    "extra_hours",
    "extra_cost",
    "feasible",
]
SUMMARY_KEYS = {
    "peak_utilization",
    "overloaded_days",
    "max_delay_days",
    "extra_hours",
    "extra_cost",
    "unfinished_hours",
    "infeasible_days",
}


@pytest.fixture(scope="module")
def report():
    return capacity_report(example_document())


def day(report, date, resource="Preparation"):
    return next(r for r in report["days"] if r["date"] == date and r["resource"] == resource)


def test_worked_example_black_friday(report):
    friday = day(report, "2026-11-27")
    assert friday["orders"] == pytest.approx(120)
    assert friday["work_hours"] == pytest.approx(16.2)
    assert friday["capacity_hours"] == pytest.approx(5.95)
    assert friday["utilization"] == pytest.approx(2.7227, abs=1e-4)
    assert friday["backlog_hours"] == pytest.approx(10.25)
    assert friday["delay_days"] == pytest.approx(1.7227, abs=1e-4)
    assert friday["extra_hours"] == pytest.approx(13.1088, abs=1e-4)
    assert friday["extra_cost"] == pytest.approx(327.72, abs=1e-2)
    assert friday["feasible"] is False


def test_worked_example_saturday_work_is_not_due(report):
    saturday = day(report, "2026-11-28")
    assert saturday["work_hours"] == pytest.approx(10.8)
    assert saturday["due_hours"] == 0
    assert saturday["capacity_hours"] == 0
    assert saturday["utilization"] is None and saturday["delay_days"] is None
    assert saturday["extra_hours"] == 0 and saturday["extra_cost"] == 0
    assert saturday["feasible"] is True
    assert saturday["backlog_hours"] == pytest.approx(10.25)


def test_worked_example_monday_takes_the_weekend(report):
    monday = day(report, "2026-11-30")
    assert monday["due_hours"] == pytest.approx(32.4)
    assert monday["utilization"] == pytest.approx(5.4454, abs=1e-4)
    assert monday["backlog_hours"] == pytest.approx(36.7)


def test_worked_example_christmas_is_a_day_off(report):
    christmas = day(report, "2026-12-25")
    assert christmas["capacity_hours"] == 0 and christmas["utilization"] is None
    assert day(report, "2026-12-28")["due_hours"] == pytest.approx(19.44)  # Fri..Mon


def test_worked_example_summary(report):
    summary = report["summary"]["Preparation"]
    assert set(summary) == SUMMARY_KEYS
    assert summary["peak_utilization"] == pytest.approx(5.4454, abs=1e-4)
    assert summary["overloaded_days"] == 9
    assert summary["max_delay_days"] == pytest.approx(11.1277, abs=1e-4)
    assert summary["extra_hours"] == pytest.approx(102.7647, abs=1e-4)
    assert summary["extra_cost"] == pytest.approx(2569.12, abs=1e-2)
    assert summary["infeasible_days"] == 6
    assert summary["unfinished_hours"] == 0


def test_worked_example_candle_runs_out_on_new_years_eve(report):
    assert report["stock"]["CANDLE-01"]["stockout_date"] == "2026-12-31"
    assert report["stock"]["CANDLE-01"]["min_units"] == pytest.approx(-12.32, abs=1e-9)


def test_report_has_one_row_per_day_and_resource_with_the_contract_keys(report):
    assert set(report) == {"days", "stock", "summary"}
    assert len(report["days"]) == 39
    assert all(list(row) == DAY_KEYS for row in report["days"])
    assert report["days"][0]["date"] == "2026-11-23"
    json.dumps(report, allow_nan=False)  # nulls, not NaN


def test_rows_are_day_major_across_resources():
    document = example_document()
    support = dict(document["resources"][0], name="Support", minutes_per_order=0)
    support.update(minutes_per_unit=0, minutes_per_contact=8, hours_per_weekday=[2] * 7)
    document["resources"].append(support)
    rows = capacity_report(document)["days"]
    assert [(r["date"], r["resource"]) for r in rows[:3]] == [
        ("2026-11-23", "Preparation"),
        ("2026-11-23", "Support"),
        ("2026-11-24", "Preparation"),
    ]
    # 40 orders × 0.10 contacts × 8 minutes = 32 minutes.
    assert rows[1]["work_hours"] == pytest.approx(32 / 60)


def test_no_limit_on_extra_hours_makes_every_day_feasible():
    document = example_document()
    document["resources"][0]["extra_max_hours_per_day"] = None
    assert capacity_report(document)["summary"]["Preparation"]["infeasible_days"] == 0


def test_works_public_holidays_keeps_christmas():
    document = example_document()
    document["resources"][0]["works_public_holidays"] = True
    assert day(capacity_report(document), "2026-12-25")["capacity_hours"] == pytest.approx(5.95)


def test_a_period_ending_on_a_weekend_reports_unfinished_hours():
    document = example_document()
    document["end"] = "2026-12-27"  # Sunday, after the Christmas Friday
    summary = capacity_report(document)["summary"]["Preparation"]
    assert summary["unfinished_hours"] == pytest.approx(6.48 + 4.32 + 3.24)


def test_no_campaign_and_no_stock_are_empty_lists():
    document = example_document()
    document["campaigns"], document["stock"] = [], []
    report = capacity_report(document)
    assert report["stock"] == {}
    assert day(report, "2026-11-27")["orders"] == pytest.approx(48)


def test_public_holidays_are_national_and_within_the_period():
    assert public_holidays("FR", dt.date(2026, 11, 23), dt.date(2026, 12, 31)) == {
        dt.date(2026, 12, 25)
    }
    assert public_holidays("fr", dt.date(2026, 12, 31), dt.date(2027, 1, 1)) == {
        dt.date(2027, 1, 1)
    }


def _set(path, value):
    """A mutation setting ``value`` at ``path`` (a list of keys and indexes)."""

    def mutate(document):
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def _delete(path):
    def mutate(document):
        target = document
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return mutate


def _duplicate_resource(document):
    document["resources"].append(dict(document["resources"][0]))


BAD_DOCUMENTS = {
    "unknown key": (_set(["shipping"], 1), "shipping"),
    "unknown nested key": (_set(["resources", 0, "colour"], "red"), "resources[0].colour"),
    "missing key": (_delete(["resources"]), "resources"),
    "missing nested key": (_delete(["demand", "orders_per_day"]), "demand.orders_per_day"),
    "missing campaign override": (_delete(["campaigns", 0, "units"]), "campaigns[0].units"),
    "string for a number": (_set(["demand", "orders_per_day"], "40"), "demand.orders_per_day"),
    "boolean for a number": (
        _set(["resources", 0, "minutes_per_order"], True),
        "resources[0].minutes_per_order",
    ),
    "number for a boolean": (
        _set(["resources", 0, "works_public_holidays"], 0),
        "resources[0].works_public_holidays",
    ),
    "six-day profile": (
        _set(["demand", "weekday_profile"], [1, 1, 1, 1, 1, 1]),
        "demand.weekday_profile",
    ),
    "negative weekday factor": (
        _set(["demand", "weekday_profile", 6], -0.6),
        "demand.weekday_profile[6]",
    ),
    "negative hours": (
        _set(["resources", 0, "hours_per_weekday", 5], -1),
        "resources[0].hours_per_weekday[5]",
    ),
    "more than 24 hours": (
        _set(["resources", 0, "hours_per_weekday", 0], 25),
        "resources[0].hours_per_weekday[0]",
    ),
    "zero efficiency": (_set(["resources", 0, "efficiency"], 0), "resources[0].efficiency"),
    "efficiency above 1": (_set(["resources", 0, "efficiency"], 1.2), "resources[0].efficiency"),
    "target above 1": (_set(["target_utilization"], 1.5), "target_utilization"),
    "zero target": (_set(["target_utilization"], 0), "target_utilization"),
    "return rate above 1": (
        _set(["order_profile", "return_rate"], 1.2),
        "order_profile.return_rate",
    ),
    "negative campaign rate": (
        _set(["campaigns", 0, "return_rate"], -0.1),
        "campaigns[0].return_rate",
    ),
    "negative minutes": (
        _set(["resources", 0, "minutes_per_unit"], -1.5),
        "resources[0].minutes_per_unit",
    ),
    "negative uplift": (_set(["campaigns", 0, "uplift"], -0.5), "campaigns[0].uplift"),
    "end before start": (_set(["end"], "2026-11-01"), "end"),
    "campaign end before start": (_set(["campaigns", 0, "end"], "2026-11-26"), "campaigns[0].end"),
    "campaign outside the period": (
        _set(["campaigns", 0, "start"], "2026-11-20"),
        "campaigns[0].start",
    ),
    "impossible date": (_set(["start"], "2026-02-30"), "start"),
    "date as a number": (_set(["campaigns", 0, "end"], 20261130), "campaigns[0].end"),
    "unknown country": (_set(["country"], "XX"), "country"),
    "empty resources": (_set(["resources"], []), "resources"),
    "duplicate resource": (_duplicate_resource, "resources[1].name"),
    "share above 1": (_set(["stock", 0, "share_of_units"], 1.3), "stock[0].share_of_units"),
    "negative on hand": (_set(["stock", 0, "on_hand"], -5), "stock[0].on_hand"),
    "delivery after the period": (
        _set(["stock", 0, "incoming", 0, "date"], "2027-01-05"),
        "stock[0].incoming[0].date",
    ),
    "negative delivery": (
        _set(["stock", 0, "incoming", 0, "units"], -1),
        "stock[0].incoming[0].units",
    ),
    "not an object": (_set(["demand"], [40]), "demand"),
    "infinite number": (_set(["demand", "orders_per_day"], float("inf")), "demand.orders_per_day"),
}


@pytest.mark.parametrize("mutate, field", BAD_DOCUMENTS.values(), ids=BAD_DOCUMENTS.keys())
def test_bad_input_is_refused_naming_the_field(mutate, field):
    document = example_document()
    mutate(document)
    with pytest.raises(InputError) as refused:
        capacity_report(document)
    assert refused.value.field == field
    assert str(refused.value).startswith(f"{field}: ")


def test_a_document_that_is_not_an_object_is_refused():
    with pytest.raises(InputError, match="document: must be an object"):
        capacity_report([])


def test_erlang_report_has_the_contract_keys():
    assert erlang_report(100, 180, 20, 0.8) == {
        "agents": 8,
        "service_level": pytest.approx(0.8801, abs=1e-4),
        "asa_seconds": pytest.approx(10.036, abs=1e-3),
        "occupancy": 0.625,
    }


def test_erlang_report_with_no_contacts_has_no_occupancy():
    assert erlang_report(0, 180, 20, 0.8) == {
        "agents": 0,
        "service_level": 1.0,
        "asa_seconds": 0.0,
        "occupancy": None,
    }


@pytest.mark.parametrize(
    "arguments, field",
    [
        ((-1, 180, 20, 0.8), "contacts_per_hour"),
        ((100, 0, 20, 0.8), "aht_seconds"),
        ((100, 180, -5, 0.8), "answer_seconds"),
        ((100, 180, 20, 1.0), "service_level"),
        ((100, 180, 20, 0), "service_level"),
        ((100, 180, 20, True), "service_level"),
        ((float("nan"), 180, 20, 0.8), "contacts_per_hour"),
        ((1e9, 3600, 20, 0.8), "contacts_per_hour"),
    ],
)
def test_erlang_report_refuses_out_of_range_values(arguments, field):
    with pytest.raises(InputError) as refused:
        erlang_report(*arguments)
    assert refused.value.field == field
