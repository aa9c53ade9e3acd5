"""Changing who belongs to an office, always with an audit event."""

from django.db import transaction

from safeguards.audit.record import record

from .models import Membership, Office
from .permissions import forget_roles


def set_role(office: Office, user, role: str, *, by=None) -> bool:
    """Give `user` exactly `role` in `office`. Returns whether anything changed."""
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(office=office, user=user).first()
        before = membership.role if membership else None
        if before == role:
            return False
        if membership is None:
            membership = Membership.objects.create(office=office, user=user, role=role)
        else:
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
    forget_roles(user)
    return True


def remove_member(office: Office, user, *, by=None) -> bool:
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(office=office, user=user).first()
        if membership is None:
            return False
        record(
            "membership.removed",
            actor=by,
            office=office,
            target=membership,
            before={"user": user.get_username(), "role": membership.role},
        )
        membership.delete()
    forget_roles(user)
    return True
