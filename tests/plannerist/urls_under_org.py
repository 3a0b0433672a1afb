"""Every URL pattern under ``/o/<org_slug>/``, with a way to fill its arguments."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from plannerist.models import Organization
from tests.factories import make_object

_PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class OrgRoute:
    route: str
    view: object

    @property
    def methods(self) -> tuple[str, ...]:
        return self.view.org_methods

    @property
    def writes(self) -> bool:
        return self.view.org_writes

    def url(self, slug: str, objects_of: Organization) -> str:
        """The route for ``slug``, its object ids taken from ``objects_of``'s rows."""
        specs = self.view.org_objects

        def fill(match: re.Match) -> str:
            name = match["name"]
            if name == "org_slug":
                return slug
            if name not in specs:
                raise AssertionError(
                    f"/{self.route}: cannot fill <{name}>; name object arguments <model>_id and "
                    "declare them in @org_view(...)"
                )
            model, _via = specs[name]
            return str(make_object(model, objects_of).pk)

        return "/" + _PARAM.sub(fill, self.route)


def _walk(patterns, prefix: str = ""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.callback


def org_routes() -> list[OrgRoute]:
    routes = []
    for route, view in _walk(get_resolver().url_patterns):
        if not route.startswith("o/<slug:org_slug>/"):
            continue
        if not hasattr(view, "org_methods"):
            raise AssertionError(f"/{route} is under /o/<org_slug>/ but not an @org_view")
        routes.append(OrgRoute(route, view))
    return routes
