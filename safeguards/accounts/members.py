"""Changing who belongs to an office, always with an audit event, under the office's rules:
an office keeps at least one admin, nobody changes their own role or removes themselves, and a
removed member loses access at once (with no office left, their open sessions end too)."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from safeguards.audit.record import record

from .models import Membership, Office, Profile, Role
from .permissions import forget_roles


class MembershipError(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class RespondentRoleError(MembershipError):
    """A change between respondent and a staff role (refused either way)."""


def _is_last_admin(membership: Membership) -> bool:
    if membership.role != Role.ADMIN:
        return False
    admins = Membership.objects.select_for_update().filter(
        office_id=membership.office_id, role=Role.ADMIN
    )
    return not admins.exclude(pk=membership.pk).exists()


def _refuse_crossing(user, before: str, role: str) -> None:
    """A respondent is a person at the operator, tied to an information request: never made
    staff of the office, and staff are never turned into respondents (that would confine them,
    or free an outsider to read the office's work)."""
    if before == Role.RESPONDENT and role != Role.RESPONDENT:
        raise RespondentRoleError(
            f"{user.get_username()} is a respondent at the operator, invited for an information "
            "request: they cannot be given a staff role. Invite the person under a separate "
            "staff account instead."
        )
    if before != Role.RESPONDENT and role == Role.RESPONDENT:
        raise RespondentRoleError(
            f"{user.get_username()} is staff of the office: they cannot be made a respondent. "
            "Respondents are invited from an information request, with their own account."
        )


def set_role(office: Office, user, role: str, *, by=None) -> bool:
    """Give `user` exactly `role` in `office`. Returns whether anything changed.

    Refuses to take the office's last admin away; `by` (None: the terminal) may not change
    their own role.
    """
    if role not in Role.values:
        raise MembershipError(f"{role!r} is not a role.")
    if by is not None and by.pk == user.pk:
        raise MembershipError("You cannot change your own role; ask another office admin.")
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(office=office, user=user).first()
        before = membership.role if membership else None
        if before == role:
            return False
        if membership is None:
            membership = Membership.objects.create(office=office, user=user, role=role)
        else:
            _refuse_crossing(user, before, role)
            if role != Role.ADMIN and _is_last_admin(membership):
                raise MembershipError(
                    f"{user.get_username()} is the office's only admin: make someone else an "
                    "admin first."
                )
            membership.role = role
            membership.save(update_fields=["role"])
        record(
            "membership.changed",
            actor=by,
            office=office,
            target=membership,
            before={"user": user.get_username(), "role": before},
            after={"user": user.get_username(), "role": role},
        )
        _tell(user, office, f"Your role in {office.name} is now {Role(role).label}.")
    forget_roles(user)
    return True


def remove_member(office: Office, user, *, by=None) -> bool:
    """Take `user` out of `office`. Returns False when they were not a member."""
    if by is not None and by.pk == user.pk:
        raise MembershipError("You cannot remove yourself; ask another office admin.")
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(office=office, user=user).first()
        if membership is None:
            return False
        if _is_last_admin(membership):
            raise MembershipError(
                f"{user.get_username()} is the office's only admin: make someone else an admin "
                "first."
            )
        record(
            "membership.removed",
            actor=by,
            office=office,
            target=membership,
            before={"user": user.get_username(), "role": membership.role},
        )
        membership.delete()
        if not user.is_staff and not Membership.objects.filter(user=user).exists():
            end_sessions(user)
    forget_roles(user)
    return True


def end_sessions(user) -> int:
    """Delete every open session of `user` (their next request is a sign-in page)."""
    user_id = str(user.pk)
    doomed = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == user_id
    ]
    Session.objects.filter(session_key__in=doomed).delete()
    return len(doomed)


def _tell(user, office: Office, subject: str) -> None:
    from safeguards.notifications import notify

    notify([user], "membership", subject, url=reverse("home"), office=office)


@dataclass(frozen=True)
class Invitation:
    user: object
    created: bool  # a new account
    set_password_path: str  # "" when the person already has a password


def set_password_path(user) -> str:
    """The one-time link to choose a password: valid until used (the token covers the password
    hash and the last sign-in) or until PASSWORD_RESET_TIMEOUT passes."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("set_password", args=[uid, default_token_generator.make_token(user)])


def invite(
    office: Office,
    *,
    username: str,
    role: str,
    by,
    email: str = "",
    full_name: str = "",
    title: str = "",
) -> Invitation:
    """Add a person to the office: an existing account gets the role; a new one is made with no
    usable password and a one-time set-password link (as is an existing one without a password)."""
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.filter(username=username).first()
        created = user is None
        if created:
            user = User(username=username, email=email)
            user.set_unusable_password()
            user.save()
            Profile.objects.create(user=user, full_name=full_name, title=title)
            record(
                "account.created",
                actor=by,
                office=office,
                target=user,
                after={"user": username, "full_name": full_name, "title": title},
            )
        elif Membership.objects.filter(office=office, user=user).exists():
            raise MembershipError(f"{username} is already a member of {office.name}.")
        set_role(office, user, role, by=by)
        path = "" if user.has_usable_password() else set_password_path(user)
    return Invitation(user=user, created=created, set_password_path=path)
