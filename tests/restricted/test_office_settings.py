"""The office admin's page for restricted values: the reasons list and public-only members,
each change an audit event; the commands do the same through the same functions."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from safeguards.audit.models import Event
from safeguards.restricted.marks import reasons_for
from safeguards.restricted.models import DEFAULT_REASONS, MemberSetting

pytestmark = pytest.mark.django_db


def page(office):
    return reverse("restricted:office", args=[office.slug])


def test_the_page_lists_the_defaults_and_every_member(client_for, olga, victor, office):
    response = client_for(olga).get(page(office))
    html = response.content.decode()
    assert response.status_code == 200
    assert all(label in html for label in DEFAULT_REASONS)
    assert "These are the defaults" in html
    assert "victor" in html and "olga" in html


def test_adding_a_reason_keeps_the_defaults_and_is_audited(client_for, olga, office):
    response = client_for(olga).post(page(office), {"label": "  Sealed by court order "})
    assert response.status_code == 302
    assert reasons_for(office) == [*DEFAULT_REASONS, "Sealed by court order"]
    assert Event.objects.get(action="restriction_reason.added").after == {
        "label": "Sealed by court order"
    }
    assert Event.objects.get(action="restriction_reason.list_started").actor == olga


def test_a_too_long_reason_is_refused_by_the_field_and_nothing_changes(client_for, olga, office):
    response = client_for(olga).post(page(office), {"label": "x" * 201})
    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()
    assert reasons_for(office) == list(DEFAULT_REASONS)
    assert not Event.objects.filter(action__startswith="restriction_reason").exists()


def test_removing_a_reason(client_for, olga, office):
    client = client_for(olga)
    response = client.post(
        reverse("restricted:remove_reason", args=[office.slug]), {"label": DEFAULT_REASONS[0]}
    )
    assert response.status_code == 302
    assert reasons_for(office) == list(DEFAULT_REASONS[1:])
    assert Event.objects.get(action="restriction_reason.removed").before == {
        "label": DEFAULT_REASONS[0]
    }
    followed = client.post(
        reverse("restricted:remove_reason", args=[office.slug]),
        {"label": "not a reason"},
        follow=True,
    )
    assert "is not on the office" in followed.content.decode()


def test_limiting_a_member_to_public_versions(client_for, olga, victor, office):
    url = reverse("restricted:member_access", args=[office.slug])
    client = client_for(olga)
    assert client.post(url, {"username": "victor", "access": "public"}).status_code == 302
    assert MemberSetting.objects.get(membership__user=victor).public_only
    event = Event.objects.get(action="membership.access_changed")
    assert (event.before["public_only"], event.after["public_only"], event.actor) == (
        False,
        True,
        olga,
    )
    client.post(url, {"username": "victor", "access": "public"})  # unchanged: no event
    assert Event.objects.filter(action="membership.access_changed").count() == 1
    client.post(url, {"username": "victor", "access": "all"})
    assert not MemberSetting.objects.get(membership__user=victor).public_only


def test_a_member_of_another_office_cannot_be_named(client_for, olga, mallory, office):
    url = reverse("restricted:member_access", args=[office.slug])
    client_for(olga).post(url, {"username": "mallory", "access": "public"})
    assert not MemberSetting.objects.exists()


def test_the_commands_use_the_same_rules(office, victor, capsys):
    call_command("restriction_reasons", office.slug, "--add", "Sealed by court order")
    assert capsys.readouterr().out.splitlines() == [*DEFAULT_REASONS, "Sealed by court order"]
    with pytest.raises(CommandError, match="1 to 200 characters"):
        call_command("restriction_reasons", office.slug, "--add", " ")
    with pytest.raises(CommandError, match="has no reason"):
        call_command("restriction_reasons", office.slug, "--remove", "nothing")
    call_command("set_member_access", office.slug, "victor", "public")
    assert MemberSetting.objects.get(membership__user=victor).public_only
    with pytest.raises(CommandError, match="not a member"):
        call_command("set_member_access", office.slug, "nobody", "public")
