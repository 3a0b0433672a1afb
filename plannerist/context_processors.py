from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from plannerist import mail
from plannerist.selectors import memberships_of

# Sections of an organisation, in navigation order (every one has its URL).
SECTIONS = [
    ("dashboard", _("Dashboard")),
    ("campaigns:list", _("Campaigns")),
    ("capacity:peak", _("Capacity")),
    ("kpis:list", _("KPIs")),
    ("forecasting:page", _("Forecast")),
    ("reviews:reviews", _("Reviews")),
]


def shell(request: HttpRequest) -> dict:
    access = getattr(request, "access", None)
    if access is None:
        return {}
    slug = access.organization.slug
    nav = [{"url": reverse(name, kwargs={"org_slug": slug}), "label": label, "active": False}
           for name, label in SECTIONS]
    # The section is the longest URL the path starts with (Reviews lives under KPIs).
    matching = [item for item in nav if request.path.startswith(item["url"])]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["active"] = True
    return {
        "access": access,
        "organization": access.organization,
        "nav": nav,
        # Read when the template shows the switcher: a partial (the what-if) does not.
        "user_memberships": SimpleLazyObject(lambda: memberships_of(request.user)),
    }


def email(request: HttpRequest) -> dict:
    """``email_sending``: whether a page may say a mail left (``plannerist.mail``'s one rule)."""
    return {"email_sending": mail.sending_configured()}
