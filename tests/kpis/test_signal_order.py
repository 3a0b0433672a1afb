"""Signals are listed the most pressing first, by default and on the pages alike."""

from __future__ import annotations

from django.utils import timezone

from kpis.models import SEVERITY_ORDER, Signal
from kpis.selectors import open_signals


def test_signals_sort_by_severity_not_alphabetically(org):
    for action in ("amplify", "adjust", "stop"):
        Signal.objects.create(organization=org, rule="r", action=action, side="marketing", raised_at=timezone.now())
    assert SEVERITY_ORDER == tuple(Signal.Action.values)
    assert [s.action for s in Signal.objects.filter(organization=org)] == ["stop", "adjust", "amplify"]
    assert [s.action for s in open_signals(org.id)] == ["stop", "adjust", "amplify"]
