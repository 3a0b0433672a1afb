"""What sales tells the floors above, and in which order they hear it."""

from __future__ import annotations

from sales.signals import actuals_changed_send


def test_changed_actuals_queue_the_refit_before_the_recompute(org, monkeypatch):
    heard = []
    monkeypatch.setattr("forecasting.receivers.refit_request", lambda *, organization: heard.append(("refit", organization)))
    monkeypatch.setattr("kpis.services.recompute_request", lambda *, organization: heard.append(("recompute", organization)))

    actuals_changed_send(organization=org)

    assert heard == [("refit", org), ("recompute", org)]


def test_an_import_records_the_prices_it_charged_through_the_signal(org, monkeypatch):
    recorded = []
    monkeypatch.setattr("campaigns.receivers.product_prices_record",
                        lambda *, organization, rows: recorded.append((organization, list(rows))))
    from sales.signals import prices_charged_send

    prices_charged_send(organization=org, prices=[("SKU-1", None, 12.5)])

    assert recorded == [(org, [("SKU-1", None, 12.5)])]
