from __future__ import annotations

from urllib.parse import urlencode

from allauth.account import views as allauth_views
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.forms import Form
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from plannerist import export, mail, selectors, services
from plannerist.forms import (
    ExportForm,
    InviteForm,
    OrganizationDeleteForm,
    RoleForm,
)
from plannerist.models import Invitation, Membership, User
from plannerist.tenancy import (
    Access,
    can_delete_organization,
    can_export_organization,
    can_manage_members,
    org_view,
)


class ThrottledLoginView(allauth_views.LoginView):
    """allauth's login by e-mail, refused for a while after repeated failures (``plannerist.throttle``)."""

    def form_invalid(self, form: Form) -> HttpResponse:
        response = super().form_invalid(form)
        if form.has_error("__all__", code="locked"):
            response.status_code = 429
        return response


def email_sending() -> bool:
    """Whether the site can send mail: ``plannerist.mail.sending_configured()`` (one rule)."""
    return mail.sending_configured()


class ProductPasswordResetView(allauth_views.PasswordResetView):
    """allauth's password reset; with no mail server, it sends nothing and says how to get a
    link instead (an owner gives it from *Members*), never that a mail left."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not email_sending():
            return self.get(request, *args, **kwargs)
        return super().post(request, *args, **kwargs)


class ProductPasswordResetDoneView(allauth_views.PasswordResetDoneView):
    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not email_sending():  # nothing was sent: never say it was
            return redirect("account_reset_password")
        return super().get(request, *args, **kwargs)


@org_view(methods=("GET", "POST"))
def members(request: HttpRequest, access: Access) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST":
        access.require(can_manage_members)
        if form.is_valid():
            try:
                invitation, token = services.invitation_create(
                    organization=access.organization, by=request.user, **form.cleaned_data
                )
            except services.MembershipError as error:
                form.add_error("email", str(error))
            else:
                _announce_invitation(request, invitation, token)
                return redirect("members", org_slug=access.organization.slug)
    can_manage = access.can(can_manage_members)
    context = {
        "form": form,
        "members": selectors.members_of(access),
        "invitations": access.scoped(Invitation).order_by("email") if can_manage else [],
        "roles": RoleForm.base_fields["role"].choices,
        "can_manage": can_manage,
    }
    return render(request, "plannerist/members.html", context, status=400 if form.errors else 200)


@org_view(methods=("POST",), invitation=Invitation)
def invitation_renew(request: HttpRequest, access: Access, invitation: Invitation) -> HttpResponse:
    """A new link for an invitation whose link expired or was lost (the old one stops working)."""
    access.require(can_manage_members)
    _announce_invitation(request, invitation, services.invitation_renew(invitation=invitation))
    return redirect("members", org_slug=access.organization.slug)


@org_view(methods=("POST",), invitation=Invitation)
def invitation_withdraw(request: HttpRequest, access: Access, invitation: Invitation) -> HttpResponse:
    access.require(can_manage_members)
    services.invitation_withdraw(invitation=invitation)
    messages.success(request, _("The invitation of %(email)s was withdrawn.") % {"email": invitation.email})
    return redirect("members", org_slug=access.organization.slug)


@org_view(methods=("POST",), membership=Membership)
def member_password_link(request: HttpRequest, access: Access, membership: Membership) -> HttpResponse:
    """A one-time link to choose a new password, which the owner passes on (no mail is sent)."""
    access.require(can_manage_members)
    user = membership.user
    if not selectors.password_link_allowed(by=request.user, user=user):
        messages.error(request, _(
            "%(email)s also belongs to organisations you do not own: they choose a new password "
            "from the login page's “Forgot your password?”, or an owner of all of them gives the link."
        ) % {"email": user.email})
    else:
        messages.success(request, _(
            "Send %(email)s this link to choose a new password; it works once, for %(days)s days: %(link)s"
        ) % {"email": user.email, "days": settings.PASSWORD_RESET_TIMEOUT // 86400, "link": _password_link(request, user)})
    return redirect("members", org_slug=access.organization.slug)


@org_view(methods=("POST",), membership=Membership)
def member_role(request: HttpRequest, access: Access, membership: Membership) -> HttpResponse:
    access.require(can_manage_members)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role from the list."))
    else:
        try:
            services.membership_change_role(membership=membership, role=form.cleaned_data["role"])
            messages.success(request, _("Role changed for %(user)s.") % {"user": membership.user})
        except services.MembershipError as error:
            messages.error(request, str(error))
    return redirect("members", org_slug=access.organization.slug)


@org_view(methods=("POST",), membership=Membership)
def member_remove(request: HttpRequest, access: Access, membership: Membership) -> HttpResponse:
    access.require(can_manage_members)
    try:
        services.membership_remove(membership=membership)
        messages.success(request, _("%(user)s no longer has access.") % {"user": membership.user})
    except services.MembershipError as error:
        messages.error(request, str(error))
    return redirect("members", org_slug=access.organization.slug)


@org_view()
def organization_export(request: HttpRequest, access: Access) -> HttpResponse:
    """Without a format, the page offering the exports; with one, the owner's download."""
    form = ExportForm(request.GET)
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain; charset=utf-8")
    fmt = form.cleaned_data["format"]
    if not fmt:
        context = {
            "can_export": access.can(can_export_organization),
            "can_delete": access.can(can_delete_organization),
        }
        return render(request, "plannerist/organization_export.html", context)
    access.require(can_export_organization)
    result = export.organization_export(organization=access.organization, fmt=fmt)
    return FileResponse(result.file, as_attachment=True, filename=result.filename, content_type=result.content_type)


@org_view(methods=("GET", "POST"))
def organization_delete(request: HttpRequest, access: Access) -> HttpResponse:
    organization = access.organization
    form = OrganizationDeleteForm(request.POST or None, organization=organization)
    if request.method == "POST":
        access.require(can_delete_organization)
        if form.is_valid():
            services.organization_delete(organization=organization)
            messages.success(request, _("%(name)s and all its data were deleted.") % {"name": organization.name})
            return redirect("home")
    context = {"form": form, "can_delete": access.can(can_delete_organization)}
    return render(request, "plannerist/organization_delete.html", context, status=400 if form.errors else 200)


def _announce_invitation(request: HttpRequest, invitation: Invitation, token: str) -> None:
    """Mail the invitation when a mail server is configured, and tell the owner the link either
    way, in the same words whether or not the e-mail has an account: the owner learns nothing of it."""
    link = request.build_absolute_uri(reverse("invitation_open", kwargs={"token": token}))
    days = Invitation.VALID_FOR.days
    mailed = mail.send("mail/invitation", to=[invitation.email], language=invitation.organization.language, context={
        "organization": invitation.organization, "role": invitation.get_role_display(), "link": link, "days": days,
        "inviter": request.user.get_full_name() or request.user.email,
    })
    if mailed:
        text = _("%(email)s is invited as %(role)s: an e-mail with the link is on its way. You may also send them "
                 "the link yourself, valid for %(days)s days; they join once they accept: %(link)s")
    else:
        text = _("%(email)s is invited as %(role)s. Send them this link, valid for %(days)s days; they join "
                 "once they accept: %(link)s")
    messages.success(request, text % {"email": invitation.email, "role": invitation.get_role_display(),
                                      "days": days, "link": link})


def _password_link(request: HttpRequest, user: User) -> str:
    return request.build_absolute_uri(reverse("password_reset_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user),
    }))


@login_required
def invitations(request: HttpRequest) -> HttpResponse:
    """The invitations waiting for the user's answer."""
    return render(request, "plannerist/invitations.html", {"invitations": selectors.invitations_for(request.user)})


@login_required
@require_POST
def invitation_answer(request: HttpRequest, invitation_id: int, answer: str) -> HttpResponse:
    invitation = selectors.invitation_for(request.user, invitation_id)  # 404 when not theirs
    try:
        if answer == "accept":
            membership = services.invitation_accept(invitation=invitation, user=request.user)
            messages.success(request, _("Welcome to %(name)s.") % {"name": invitation.organization.name})
            return redirect("dashboard", org_slug=membership.organization.slug)
        services.invitation_decline(invitation=invitation, user=request.user)
        messages.success(request, _("You declined the invitation of %(name)s.") % {"name": invitation.organization.name})
    except services.MembershipError as error:
        messages.error(request, str(error))
    return redirect("invitations")


@require_http_methods(["GET", "POST"])
def invitation_open(request: HttpRequest, token: str) -> HttpResponse:
    """The link the owner passed on. Signed in, the invitation waits on the user's page; without
    an account, the invitee chooses a password and joins; with one, they log in to answer."""
    invitation = services.invitation_by_token(token)
    if invitation is None or invitation.is_expired():
        return render(request, "plannerist/invitation_open.html", {"invitation": None}, status=404)
    if request.user.is_authenticated:
        if request.user.email.lower() == invitation.email:
            return redirect("invitations")
        return render(request, "plannerist/invitation_open.html", {"invitation": invitation, "other_account": True})
    if selectors.account_exists(invitation.email):
        return redirect(f"{reverse('login')}?{urlencode({'next': reverse('invitations')})}")
    # Django's form of a new password, its validators included; the service makes the account.
    form = SetPasswordForm(User(username=invitation.email, email=invitation.email), request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.invitation_accept_with_new_account(
                invitation=invitation, password=form.cleaned_data["new_password1"])
        except services.MembershipError as error:
            messages.error(request, str(error))
            return redirect("login")
        auth_login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to %(name)s.") % {"name": invitation.organization.name})
        return redirect("dashboard", org_slug=membership.organization.slug)
    return render(request, "plannerist/invitation_open.html", {"invitation": invitation, "form": form},
                  status=400 if form.errors else 200)
