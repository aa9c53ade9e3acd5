import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from safeguards.accounts.models import Membership, Office
from safeguards.audit.models import Event

pytestmark = pytest.mark.django_db


def run(*args, stdin=None, monkeypatch=None):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_office_is_idempotent():
    assert "Created" in run("create_office", "oig", "Office of Inspector General")
    assert "already exists" in run("create_office", "oig", "Office of Inspector General")
    assert Office.objects.count() == 1
    assert Event.objects.filter(action="office.created").count() == 1


def test_create_office_refuses_bad_slug():
    with pytest.raises(CommandError, match="letters, digits"):
        run("create_office", "no spaces/please", "Name")


def test_add_member_creates_user_and_membership(office):
    out = run("add_member", "oig", "carol", "approver", "--create")
    assert "Created user carol" in out
    membership = Membership.objects.get(user__username="carol")
    assert membership.role == "approver"
    assert Event.objects.filter(action="membership.changed").count() == 1


def test_add_member_again_changes_nothing(office):
    run("add_member", "oig", "carol", "viewer", "--create")
    out = run("add_member", "oig", "carol", "viewer")
    assert "already" in out
    assert Event.objects.filter(action="membership.changed").count() == 1


def test_add_member_changes_role(office):
    run("add_member", "oig", "carol", "viewer", "--create")
    run("add_member", "oig", "carol", "reviewer")
    assert Membership.objects.get(user__username="carol").role == "reviewer"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nope", "carol", "viewer", "--create"), "Unknown office 'nope'"),
        (("oig", "nobody", "viewer"), "Unknown user 'nobody'"),
        (("oig", "carol", "overlord", "--create"), "Unknown role 'overlord'"),
    ],
)
def test_add_member_clear_errors(office, args, message):
    with pytest.raises(CommandError, match=message):
        run("add_member", *args)
    assert not Membership.objects.exists()


def test_add_member_password_from_stdin(office, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough passphrase 42\n"))
    run("add_member", "oig", "carol", "viewer", "--create", "--password-stdin")
    assert (
        get_user_model().objects.get(username="carol").check_password("a long enough passphrase 42")
    )


def test_add_member_refuses_weak_password(office, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("123\n"))
    with pytest.raises(CommandError, match="Password refused"):
        run("add_member", "oig", "carol", "viewer", "--create", "--password-stdin")
    assert not get_user_model().objects.filter(username="carol").exists()
