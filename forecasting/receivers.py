"""What forecasting does when the sales below it change (connected in ``ForecastingConfig.ready``)."""

from __future__ import annotations

from forecasting.services import refit_request


def refit_on_actuals(sender, *, organization, **kwargs) -> None:
    """The daily actuals changed (:data:`sales.signals.actuals_changed`): the forecast rests on
    the daily orders, so a refit is queued after commit."""
    refit_request(organization=organization)
