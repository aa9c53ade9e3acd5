import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from safeguards.accounts.models import Membership, Role
from safeguards.accounts.permissions import (
    Action,
    allow_fetched,
    allows,
    can,
    get_for_user,
    office_for_user,
    offices_for,
)

V, E, A, M = Action.VIEW, Action.EDIT, Action.APPROVE, Action.MANAGE


@pytest.mark.parametrize(
    ("role", "action", "expected"),
    [
        (None, V, False),
        (None, E, False),
        (Role.VIEWER, V, True),
        (Role.VIEWER, E, False),
        (Role.VIEWER, A, False),
        (Role.VIEWER, M, False),
        (Role.REVIEWER, V, True),
        (Role.REVIEWER, E, True),
        (Role.REVIEWER, A, False),
        (Role.REVIEWER, M, False),
        (Role.APPROVER, V, True),
        (Role.APPROVER, E, True),
        (Role.APPROVER, A, True),
        (Role.APPROVER, M, False),
        (Role.ADMIN, V, True),
        (Role.ADMIN, E, True),
        (Role.ADMIN, A, True),
        (Role.ADMIN, M, True),
        ("stranger-role", V, False),
    ],
    ids=lambda value: str(value),
)
def test_role_table(role, action, expected):
    assert allows(role, action) is expected


def test_membership_decides_per_office(alice, office, other_office):
    assert can(alice, E, office)
    assert not can(alice, V, other_office)


def test_offices_for_lists_only_offices_with_the_right(alice, victor, office):
    assert list(offices_for(alice, E)) == [office]
    assert list(offices_for(victor, E)) == []
    assert list(offices_for(victor, V)) == [office]


def test_get_for_user_gives_outsiders_404(mallory, alice):
    membership = Membership.objects.get(user=alice)
    with pytest.raises(Http404):
        get_for_user(mallory, Membership, pk=membership.pk)


def test_get_for_user_gives_members_without_the_right_403(victor, alice):
    membership = Membership.objects.get(user=alice)
    with pytest.raises(PermissionDenied):
        get_for_user(victor, Membership, Action.EDIT, pk=membership.pk)
    assert get_for_user(victor, Membership, pk=membership.pk) == membership


def test_allow_fetched_applies_the_same_rule_to_an_object_read_by_hand(mallory, victor, alice):
    membership = Membership.objects.get(user=alice)
    with pytest.raises(Http404):
        allow_fetched(victor, None)  # no such row
    with pytest.raises(Http404):
        allow_fetched(mallory, membership)  # another office's row
    with pytest.raises(PermissionDenied):
        allow_fetched(victor, membership, Action.EDIT)
    assert allow_fetched(victor, membership) is membership


def test_office_for_user_raises_403_without_the_right(victor, office):
    with pytest.raises(PermissionDenied):
        office_for_user(victor, office.slug, Action.EDIT)
    assert office_for_user(victor, office.slug, Action.VIEW) == office


def test_office_for_user_raises_404_for_outsider(mallory, office):
    with pytest.raises(Http404):
        office_for_user(mallory, office.slug)
