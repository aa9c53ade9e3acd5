"""The members page of an office (office admins), invitations, role changes, removal; and
each person's own profile."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.mail import send_mail
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from safeguards.audit.record import record

from . import members
from .forms import InviteForm, ProfileForm, RoleForm
from .models import Membership, Profile, Role, display_name
from .permissions import Action, get_for_user, office_for_user

log = logging.getLogger(__name__)


def _members_page(request, office, invite_form=None, status=200, role_form=None):
    """role_form: a row's refused role form, shown with its error by the field."""
    memberships = (
        Membership.objects.filter(office=office)
        .select_related("user", "user__profile")
        .order_by("user__username")
    )
    rows = [
        {
            "membership": membership,
            "name": display_name(membership.user),
            "title": _title(membership.user),
            "is_me": membership.user_id == request.user.pk,
            "form": role_form
            if role_form is not None and role_form.prefix == f"m{membership.pk}"
            else RoleForm(initial={"role": membership.role}, prefix=f"m{membership.pk}"),
        }
        for membership in memberships
    ]
    return render(
        request,
        "accounts/members.html",
        {
            "office": office,
            "rows": rows,
            "invite_form": invite_form or InviteForm(),
            "admins": sum(1 for row in rows if row["membership"].role == Role.ADMIN),
        },
        status=status,
    )


def _title(user) -> str:
    try:
        return user.profile.title
    except Profile.DoesNotExist:
        return ""


@require_GET
def member_list(request, slug):
    office = office_for_user(request.user, slug, Action.MANAGE)
    return _members_page(request, office)


@require_POST
def member_invite(request, slug):
    office = office_for_user(request.user, slug, Action.MANAGE)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _members_page(request, office, form, status=400)
    data = form.cleaned_data
    try:
        invitation = members.invite(
            office,
            username=data["username"],
            role=data["role"],
            by=request.user,
            email=data["email"],
            full_name=data["full_name"],
            title=data["title"],
        )
    except members.MembershipError as error:
        form.add_error("username", error.message)
        return _members_page(request, office, form, status=400)
    link = (
        request.build_absolute_uri(invitation.set_password_path)
        if invitation.set_password_path
        else ""
    )
    emailed = None
    if link and data["send_email"]:
        emailed = _send_invitation(office, invitation.user, data["email"], link)
    # The link is shown here, once: not stored, not in a message (messages live in the session).
    return render(
        request,
        "accounts/member_invited.html",
        {
            "office": office,
            "invitation": invitation,
            "name": display_name(invitation.user),
            "role": Role(data["role"]).label,
            "link": link,
            "emailed": emailed,
            "email": data["email"],
        },
    )


def _send_invitation(office, user, address: str, link: str) -> bool:
    """Send the link straight away, never queued (a queued copy would keep a secret on disk)."""
    try:
        send_mail(
            f"[Safeguards] You are invited to {office.name}",
            f"You have been added to {office.name} in Safeguards as {user.get_username()}.\n\n"
            f"Choose your password here (the link works once):\n{link}\n",
            settings.DEFAULT_FROM_EMAIL,
            [address],
        )
    except Exception as error:
        log.warning(
            "Invitation e-mail for %s failed: %s", user.get_username(), type(error).__name__
        )
        return False
    return True


def _membership(request, pk):
    return get_for_user(
        request.user, Membership.objects.select_related("user", "office"), Action.MANAGE, pk=pk
    )


@require_POST
def member_role(request, pk):
    membership = _membership(request, pk)
    form = RoleForm(request.POST, prefix=f"m{membership.pk}")
    if not form.is_valid():
        messages.error(request, "Choose one of the roles.")
    else:
        try:
            changed = members.set_role(
                membership.office, membership.user, form.cleaned_data["role"], by=request.user
            )
        except members.RespondentRoleError as error:
            form.add_error("role", error.message)
            form.fields["role"].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": f"{form['role'].auto_id}-error"}
            )
            return _members_page(request, membership.office, status=400, role_form=form)
        except members.MembershipError as error:
            messages.error(request, error.message)
        else:
            if changed:
                role = Role(form.cleaned_data["role"]).label
                messages.success(request, f"{membership.user.get_username()} is now {role}.")
    return redirect("members", slug=membership.office.slug)


def member_remove(request, pk):
    membership = _membership(request, pk)
    office = membership.office
    if request.method == "POST":
        try:
            members.remove_member(office, membership.user, by=request.user)
        except members.MembershipError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, f"{membership.user.get_username()} no longer belongs to {office.name}."
            )
        return redirect("members", slug=office.slug)
    return render(
        request,
        "accounts/member_remove.html",
        {"membership": membership, "office": office, "name": display_name(membership.user)},
    )


def profile(request):
    instance, _ = Profile.objects.get_or_create(user=request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=instance, user=request.user)
        if form.is_valid():
            _save_profile(request.user, instance, form)
            messages.success(request, "Your profile is saved.")
            return redirect("profile")
    else:
        form = ProfileForm(instance=instance, user=request.user)
    return render(request, "accounts/profile.html", {"form": form})


def _save_profile(user, instance, form) -> None:
    before = {
        "full_name": form.initial.get("full_name", ""),
        "title": form.initial.get("title", ""),
    }
    before["email"] = user.email
    after = {
        "full_name": form.cleaned_data["full_name"],
        "title": form.cleaned_data["title"],
        "email": form.cleaned_data["email"],
    }
    if before == after:
        return
    with transaction.atomic():
        form.save()
        if user.email != after["email"]:
            user.email = after["email"]
            user.save(update_fields=["email"])
        changed = sorted(key for key in after if after[key] != before[key])
        record(
            "profile.changed",
            actor=user,
            target=instance,
            before={key: before[key] for key in changed},
            after={key: after[key] for key in changed},
        )


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The one-time link of an invitation (Django's reset-confirm view, with an audit event)."""

    template_name = "registration/set_password.html"
    success_url = "/accounts/set-password/done/"

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            record(
                "account.password_set",
                actor=form.user,
                target=form.user,
                after={"user": form.user.get_username()},
            )
        return response
