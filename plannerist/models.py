"""Tenancy: users, organisations (one client business each) and memberships with a role."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone as clock
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """Users log in with their e-mail address, kept as the username too."""

    email = models.EmailField(_("e-mail"), unique=True)

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class Organization(models.Model):
    class Language(models.TextChoices):
        FRENCH = "fr", _("French")
        ENGLISH = "en", _("English")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="EUR",
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO code such as EUR."))],
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")
    country = models.CharField(
        _("country"),
        max_length=2,
        default="FR",
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Use a two-letter ISO code such as FR."))],
        help_text=_("Its public holidays close the capacity calendar."),
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.FRENCH
    )
    vat_rate = models.DecimalField(
        _("VAT rate"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.20"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    prices_include_vat = models.BooleanField(_("prices include VAT"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(vat_rate__gte=0, vat_rate__lte=1), name="org_vat_rate_is_a_share"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.timezone not in zoneinfo.available_timezones():
            raise ValidationError({"timezone": _("Unknown time zone.")})

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def today(self, now: dt.datetime | None = None) -> dt.date:
        """The shop's calendar day at ``now`` (default: this instant), in its own time zone:
        the one "today" of every page, selector, recompute and review of the organisation."""
        return (now or clock.now()).astimezone(self.zone).date()


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    MARKETING = "marketing", _("Marketing (CMO)")
    OPERATIONS = "operations", _("Operations (COO)")
    CONSULTANT = "consultant", _("Consultant")
    VIEWER = "viewer", _("Viewer")


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="one_membership_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organization} ({self.get_role_display()})"


class LoginThrottle(models.Model):
    """Failed logins of one (username, client address) pair in the current window.

    Kept in the database, not the cache: the default cache is per process, and with several
    gunicorn workers each would count its own failures (see ``plannerist.throttle``).
    """

    username = models.CharField(max_length=254)
    ip = models.CharField(max_length=45, blank=True)
    failures = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["username", "ip"], name="one_login_throttle_per_username_and_ip"),
        ]
        indexes = [models.Index(fields=["window_start"], name="login_throttle_window")]

    def __str__(self) -> str:
        return f"{self.username} from {self.ip or '?'}: {self.failures}"


class Invitation(models.Model):
    """An invitation to join an organisation, pending until the invitee answers it.

    Nothing of the invitee's account shows before they accept: the organisation is not in
    their switcher, and the owner who invited sees the same whether the e-mail has an account
    or not. The link's token is kept hashed; a new link replaces it (``created_at`` renewed).
    """

    VALID_FOR = dt.timedelta(days=7)

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.VIEWER)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()

    export_omitted_fields = ("token_hash",)  # a live credential, not the organisation's data

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "email"], name="one_invitation_per_org_and_email"),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization} ({self.get_role_display()})"

    @property
    def expires_at(self) -> dt.datetime:
        return self.created_at + self.VALID_FOR

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return (now or clock.now()) >= self.expires_at
