"""Writes for capacity: staffing edits made inline on the holiday-peak page, and settings."""

from __future__ import annotations

import datetime as dt

from capacity.models import Absence, CapacityPlan, Replenishment, Resource, StaffMember, StockItem


def staff_member_add(*, resource: Resource, staff_member: StaffMember) -> StaffMember:
    staff_member.resource = resource
    staff_member.full_clean()
    staff_member.save()
    return staff_member


def staff_member_remove(*, staff_member: StaffMember) -> None:
    staff_member.delete()


def absence_add(*, staff_member: StaffMember, start: dt.date, end: dt.date, reason: str = "") -> Absence:
    absence = Absence(staff_member=staff_member, start=start, end=end, reason=reason)
    absence.full_clean()
    absence.save()
    return absence


def absence_remove(*, absence: Absence) -> None:
    absence.delete()


def capacity_plan_save(*, plan: CapacityPlan) -> CapacityPlan:
    """One plan per organisation: saving updates it in place."""
    existing = CapacityPlan.objects.filter(organization=plan.organization).values_list("pk", flat=True).first()
    plan.pk = existing
    plan.save()
    return plan


def replenishment_add(*, stock_item: StockItem, date: dt.date, units) -> Replenishment:
    replenishment = Replenishment(stock_item=stock_item, date=date, units=units)
    replenishment.full_clean()
    replenishment.save()
    return replenishment


def resource_delete(*, resource: Resource) -> None:
    """The resource with its staff, their absences and its automations."""
    resource.delete()
