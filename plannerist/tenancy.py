"""Access to an organisation's data: the one way every org-scoped view resolves it.

``org_view`` wraps a view: it requires a login, resolves the organisation from the URL's
``org_slug`` and the user's membership (404 when there is none, so that another
organisation's existence is never revealed), and passes an :class:`Access` to the view.
Every org-scoped query then goes through ``access.scoped(Model)`` / ``access.get(...)``.
Role checks are the named ``can_*`` functions, and ``access.require(check)`` answers 403.
The view runs in the organisation's time zone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils import timezone

from plannerist.models import Membership, Organization, Role

M = TypeVar("M", bound=models.Model)


def can_edit_campaigns(member: Membership) -> bool:
    return member.role in {Role.OWNER, Role.MARKETING}


def can_edit_capacity(member: Membership) -> bool:
    return member.role in {Role.OWNER, Role.OPERATIONS}


def can_edit_costs(member: Membership) -> bool:
    """Products' unit costs, cost profiles and channels: what protects the margin."""
    return member.role in {Role.OWNER, Role.OPERATIONS}


def can_approve_campaigns(member: Membership) -> bool:
    return member.role in {Role.OWNER, Role.OPERATIONS}


def can_enter_actuals(member: Membership) -> bool:
    return member.role in {Role.OWNER, Role.MARKETING, Role.OPERATIONS}


def can_comment(member: Membership) -> bool:
    """Comments on campaigns: everyone who takes part in decisions."""
    return member.role != Role.VIEWER


def can_set_targets(member: Membership) -> bool:
    """KPI targets and signal thresholds: the people who decide, not the viewers."""
    return member.role in {Role.OWNER, Role.MARKETING, Role.OPERATIONS, Role.CONSULTANT}


def can_write_reviews(member: Membership) -> bool:
    return member.role in {Role.OWNER, Role.CONSULTANT}


def can_manage_members(member: Membership) -> bool:
    return member.role == Role.OWNER


def can_export_organization(member: Membership) -> bool:
    """Taking all of the organisation's data away: its owners only."""
    return member.role == Role.OWNER


def can_delete_organization(member: Membership) -> bool:
    return member.role == Role.OWNER


@dataclass(frozen=True)
class Access:
    organization: Organization
    membership: Membership

    @property
    def role(self) -> str:
        return self.membership.role

    def can(self, check: Callable[[Membership], bool]) -> bool:
        return check(self.membership)

    def require(self, check: Callable[[Membership], bool]) -> None:
        if not check(self.membership):
            raise PermissionDenied

    def scoped(self, model: type[M], via: str = "organization") -> models.QuerySet[M]:
        """The model's rows that belong to this organisation (``via`` names the path to it)."""
        return model._default_manager.filter(**{via: self.organization})

    def get(self, model: type[M], via: str = "organization", **lookup: Any) -> M:
        """One row of this organisation; 404 when it does not exist *or* is another's."""
        try:
            return self.scoped(model, via).get(**lookup)
        except (model.DoesNotExist, ValueError):
            raise Http404 from None


def org_access(request: HttpRequest, org_slug: str) -> Access:
    membership = (
        Membership.objects.select_related("organization")
        .filter(user_id=request.user.pk, organization__slug=org_slug)
        .first()
    )
    if membership is None:
        raise Http404
    return Access(organization=membership.organization, membership=membership)


def org_view(
    methods: tuple[str, ...] = ("GET",),
    *,
    writes: bool | None = None,
    **objects: type[models.Model] | tuple[type[models.Model], str],
) -> Callable:
    """Decorate ``view(request, access, **kwargs)`` served under ``/o/<org_slug>/``.

    ``objects`` maps a view argument to its model (or ``(model, path_to_organization)``):
    ``campaign=Campaign`` turns the URL's ``campaign_id`` into ``campaign``, 404 when it is
    another organisation's. The organisation and its objects are resolved before the
    method is checked, so another organisation's URL answers 404 whatever the method.
    ``writes`` says whether the unsafe methods change data (default: any unsafe method
    does); a compute-only POST (a what-if) sets it to False.
    """

    unsafe = any(method not in {"GET", "HEAD", "OPTIONS"} for method in methods)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, org_slug: str, **kwargs: Any) -> HttpResponse:
            access = org_access(request, org_slug)
            for name, spec in objects.items():
                model, via = spec if isinstance(spec, tuple) else (spec, "organization")
                kwargs[name] = access.get(model, via=via, pk=kwargs.pop(f"{name}_id"))
            if request.method not in methods and not (request.method == "HEAD" and "GET" in methods):
                return HttpResponseNotAllowed(methods)
            request.access = access
            # Times shown and "today" read in the shop's zone, not the project's.
            with timezone.override(access.organization.zone):
                return view(request, access, **kwargs)

        wrapper.org_methods = methods
        wrapper.org_objects = {
            f"{name}_id": spec if isinstance(spec, tuple) else (spec, "organization")
            for name, spec in objects.items()
        }
        wrapper.org_writes = unsafe if writes is None else writes
        return wrapper

    return decorator
