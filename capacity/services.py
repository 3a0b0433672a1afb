"""Writes for capacity: staffing edits made inline on the holiday-peak page, and settings.

Every write says the organisation's inputs changed (:mod:`plannerist.changes`; kpis queues
its recompute after commit): capacity and stock feed the KPIs
(volume against capacity, stock cover) and the signals.
"""

from __future__ import annotations

import datetime as dt

from django.db import models, transaction

from capacity.models import Absence, CapacityPlan, Replenishment, Resource, StaffMember, StockItem
from plannerist.changes import inputs_changed_send
from plannerist.models import Organization


@transaction.atomic
def setting_save(*, instance: models.Model, organization: Organization) -> models.Model:
    """Save a setting with validated values (resource, stock item, automation…)."""
    instance.save()
    inputs_changed_send(sender="capacity", organization=organization)
    return instance


@transaction.atomic
def setting_delete(*, instance: models.Model, organization: Organization) -> None:
    instance.delete()
    inputs_changed_send(sender="capacity", organization=organization)


@transaction.atomic
def staff_member_add(*, resource: Resource, staff_member: StaffMember) -> StaffMember:
    staff_member.resource = resource
    staff_member.full_clean()
    staff_member.save()
    inputs_changed_send(sender="capacity", organization=resource.organization)
    return staff_member


@transaction.atomic
def staff_member_remove(*, staff_member: StaffMember) -> None:
    organization = staff_member.resource.organization
    staff_member.delete()
    inputs_changed_send(sender="capacity", organization=organization)


@transaction.atomic
def absence_add(*, staff_member: StaffMember, start: dt.date, end: dt.date, reason: str = "") -> Absence:
    absence = Absence(staff_member=staff_member, start=start, end=end, reason=reason)
    absence.full_clean()
    absence.save()
    inputs_changed_send(sender="capacity", organization=staff_member.resource.organization)
    return absence


@transaction.atomic
def absence_remove(*, absence: Absence) -> None:
    organization = absence.staff_member.resource.organization
    absence.delete()
    inputs_changed_send(sender="capacity", organization=organization)


@transaction.atomic
def capacity_plan_save(*, plan: CapacityPlan) -> CapacityPlan:
    """One plan per organisation: saving updates it in place."""
    existing = CapacityPlan.objects.filter(organization=plan.organization).values_list("pk", flat=True).first()
    plan.pk = existing
    plan.save()
    inputs_changed_send(sender="capacity", organization=plan.organization)
    return plan


@transaction.atomic
def replenishment_add(*, stock_item: StockItem, date: dt.date, units) -> Replenishment:
    replenishment = Replenishment(stock_item=stock_item, date=date, units=units)
    replenishment.full_clean()
    replenishment.save()
    inputs_changed_send(sender="capacity", organization=stock_item.organization)
    return replenishment


@transaction.atomic
def resource_delete(*, resource: Resource) -> None:
    """The resource with its staff, their absences and its automations."""
    setting_delete(instance=resource, organization=resource.organization)
