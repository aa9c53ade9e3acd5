"""The members page: invitations with a one-time link, role changes, removal and their rules."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from safeguards.accounts.members import MembershipError, remove_member, set_role
from safeguards.accounts.models import Membership, Profile, Role
from safeguards.audit.models import Event
from tests.conftest import make_member
from tests.factories import make_assessment, make_deployment, make_framework


@pytest.fixture
def draft(office, alice):
    return make_assessment(make_deployment(office, alice), make_framework(), alice)


def membership(user, office):
    return Membership.objects.get(user=user, office=office)


def test_admin_sees_members_with_role_and_last_sign_in(client_for, olga, alice, bob, office):
    Profile.objects.create(user=alice, full_name="Alice Adams", title="Senior Analyst")
    response = client_for(olga).get(reverse("members", args=[office.slug]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Alice Adams" in text and "Senior Analyst" in text
    assert "<code>bob</code>" in text
    assert "Never" in text  # nobody here has signed in with a password yet


def test_invite_makes_an_account_and_shows_a_one_time_link_once(client_for, olga, office, caplog):
    response = client_for(olga).post(
        reverse("member_invite", args=[office.slug]),
        {"username": "nina", "full_name": "Nina Novak", "title": "Counsel", "role": "reviewer"},
    )
    assert response.status_code == 200
    link = re.search(r'value="(http://testserver/accounts/set-password/[^"]+)"', response.text)
    assert link, response.text
    nina = get_user_model().objects.get(username="nina")
    assert not nina.has_usable_password()
    assert membership(nina, office).role == Role.REVIEWER
    assert nina.profile.full_name == "Nina Novak"
    assert {"account.created", "membership.changed"} <= set(
        Event.objects.values_list("action", flat=True)
    )
    token = link.group(1).rstrip("/").rsplit("/", 1)[-1]
    assert token not in caplog.text
    assert not Event.objects.filter(after__icontains=token).exists()
    # The members page does not show it again.
    assert token not in client_for(olga).get(reverse("members", args=[office.slug])).text

    anonymous = Client()
    page = anonymous.get(link.group(1), follow=True)
    assert "Choose your password" in page.text and "Set password" in page.text
    done = anonymous.post(
        page.redirect_chain[-1][0],
        {"new_password1": "a long new passphrase", "new_password2": "a long new passphrase"},
    )
    assert done.status_code == 302
    nina.refresh_from_db()
    assert nina.check_password("a long new passphrase")
    assert Event.objects.filter(action="account.password_set", actor_id=nina.pk).exists()
    # Used once: the link no longer works.
    again = Client().get(link.group(1), follow=True)
    assert "does not work any more" in again.text


def test_invitation_email_goes_to_the_given_address(client_for, olga, office, mailoutbox):
    client_for(olga).post(
        reverse("member_invite", args=[office.slug]),
        {"username": "nina", "email": "nina@oig.example.gov", "role": "viewer", "send_email": "on"},
    )
    (message,) = [m for m in mailoutbox if "invited" in m.subject]
    assert message.to == ["nina@oig.example.gov"]
    assert "/accounts/set-password/" in message.body


def test_sending_the_link_needs_an_address(client_for, olga, office):
    response = client_for(olga).post(
        reverse("member_invite", args=[office.slug]),
        {"username": "nina", "role": "viewer", "send_email": "on"},
    )
    assert response.status_code == 400
    assert "Give the address to send the link to." in response.text
    assert not get_user_model().objects.filter(username="nina").exists()


def test_an_existing_account_is_added_without_a_link(client_for, olga, office, mallory):
    response = client_for(olga).post(
        reverse("member_invite", args=[office.slug]), {"username": "mallory", "role": "viewer"}
    )
    assert "set-password" not in response.text
    assert membership(mallory, office).role == Role.VIEWER


def test_inviting_a_member_twice_is_refused_by_the_field(client_for, olga, office, alice):
    response = client_for(olga).post(
        reverse("member_invite", args=[office.slug]), {"username": "alice", "role": "viewer"}
    )
    assert response.status_code == 400
    assert "alice is already a member" in response.text
    assert membership(alice, office).role == Role.REVIEWER


def test_admin_changes_a_role_with_an_audit_event(client_for, olga, alice, office):
    m = membership(alice, office)
    client_for(olga).post(reverse("member_role", args=[m.pk]), {f"m{m.pk}-role": "approver"})
    assert membership(alice, office).role == Role.APPROVER
    event = Event.objects.filter(action="membership.changed").latest("seq")
    assert event.actor_id == olga.pk
    assert (event.before["role"], event.after["role"]) == ("reviewer", "approver")


def test_nobody_changes_their_own_role(client_for, olga, office):
    make_member(office, "second_admin", Role.ADMIN)
    m = membership(olga, office)
    response = client_for(olga).post(
        reverse("member_role", args=[m.pk]), {f"m{m.pk}-role": "viewer"}, follow=True
    )
    assert "You cannot change your own role" in response.text
    assert membership(olga, office).role == Role.ADMIN


def test_the_last_admin_cannot_be_demoted_or_removed(office, olga, bob):
    with pytest.raises(MembershipError, match="only admin"):
        set_role(office, olga, Role.VIEWER, by=bob)
    with pytest.raises(MembershipError, match="only admin"):
        remove_member(office, olga, by=bob)
    assert membership(olga, office).role == Role.ADMIN


def test_with_two_admins_one_may_demote_the_other(office, olga):
    other = make_member(office, "second_admin", Role.ADMIN)
    assert set_role(office, olga, Role.APPROVER, by=other)
    with pytest.raises(MembershipError, match="only admin"):
        set_role(office, other, Role.VIEWER, by=None)


def test_nobody_removes_themselves(office, olga):
    with pytest.raises(MembershipError, match="cannot remove yourself"):
        remove_member(office, olga, by=olga)


def test_removal_asks_first_then_removes_with_an_event(client_for, olga, alice, office):
    m = membership(alice, office)
    page = client_for(olga).get(reverse("member_remove", args=[m.pk]))
    assert "Remove alice" in page.text
    assert Membership.objects.filter(pk=m.pk).exists()
    client_for(olga).post(reverse("member_remove", args=[m.pk]))
    assert not Membership.objects.filter(pk=m.pk).exists()
    event = Event.objects.get(action="membership.removed")
    assert event.before == {"user": "alice", "role": "reviewer"}


def test_a_member_removed_mid_session_is_refused_on_the_next_request(olga, alice, office, draft):
    alices = Client()
    alices.force_login(alice)
    url = reverse("reviews:assessment", args=[draft.pk])
    assert alices.get(url).status_code == 200
    remove_member(office, alice, by=olga)
    response = alices.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert alices.get(reverse("home")).status_code == 302  # the session itself has ended


def test_a_member_of_another_office_keeps_their_session_but_not_this_office(
    olga, alice, office, other_office, draft
):
    Membership.objects.create(user=alice, office=other_office, role=Role.VIEWER)
    alices = Client()
    alices.force_login(alice)
    remove_member(office, alice, by=olga)
    assert alices.get(reverse("reviews:assessment", args=[draft.pk])).status_code == 404
    assert alices.get(reverse("home")).status_code == 200


def test_profile_edit_saves_name_title_and_address(client_for, alice):
    response = client_for(alice).post(
        reverse("profile"),
        {"full_name": "Alice Adams", "title": "Senior Analyst", "email": "alice@oig.example.gov"},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.profile.full_name, alice.profile.title) == ("Alice Adams", "Senior Analyst")
    assert alice.email == "alice@oig.example.gov"
    event = Event.objects.get(action="profile.changed")
    assert event.after == {
        "email": "alice@oig.example.gov",
        "full_name": "Alice Adams",
        "title": "Senior Analyst",
    }


def test_profile_refuses_an_address_of_another_account(client_for, alice, bob):
    bob.email = "bob@oig.example.gov"
    bob.save()
    response = client_for(alice).post(
        reverse("profile"), {"full_name": "", "title": "", "email": "BOB@oig.example.gov"}
    )
    assert response.status_code == 200
    assert "Another account uses this address." in response.text


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (Role.RESPONDENT, Role.REVIEWER),
        (Role.RESPONDENT, Role.ADMIN),
        (Role.VIEWER, Role.RESPONDENT),
    ],
)
def test_a_respondent_and_staff_never_swap_roles(client_for, olga, office, start, to):
    person = make_member(office, "pat", start)
    m = membership(person, office)
    response = client_for(olga).post(reverse("member_role", args=[m.pk]), {f"m{m.pk}-role": to})
    assert response.status_code == 400
    select = rf'<select name="m{m.pk}-role"[^>]*aria-describedby="(id_m{m.pk}-role-error)"'
    error = re.search(select, response.text)
    assert error, response.text
    message = re.search(rf'id="{error.group(1)}">([^<]+)<', response.text).group(1)
    if start == Role.RESPONDENT:
        assert "pat is a respondent at the operator" in message
    else:
        assert "pat is staff of the office: they cannot be made a respondent" in message
    assert membership(person, office).role == start
    assert not Event.objects.filter(action="membership.changed").exists()
    with pytest.raises(MembershipError):
        set_role(office, person, to, by=None)  # the terminal is refused too


def test_a_respondent_may_be_removed_from_the_office(client_for, olga, office):
    person = make_member(office, "pat", Role.RESPONDENT)
    m = membership(person, office)
    client_for(olga).post(reverse("member_remove", args=[m.pk]))
    assert not Membership.objects.filter(pk=m.pk).exists()
