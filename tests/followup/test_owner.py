"""Who follows a recommendation up: the assessment's lead at approval, changed by a reviewer."""

from django.urls import reverse

from safeguards.accounts.models import Profile
from safeguards.audit.models import Event
from safeguards.followup.models import Recommendation


def edit(client, rec, **changes):
    values = {
        "priority": rec.priority,
        "agency_response": rec.agency_response,
        "owner": rec.owner_id or "",
        "version": rec.version,
    }
    return client.post(reverse("followup:recommendation_edit", args=[rec.pk]), values | changes)


def test_the_assessment_s_lead_follows_its_recommendations_up(approved, alice):
    owners = set(Recommendation.objects.values_list("owner__username", flat=True))
    assert owners == {"alice"}


def test_a_reviewer_hands_it_to_another_member_audited(client_for, approved, alice, bob):
    Profile.objects.update_or_create(user=bob, defaults={"full_name": "Bob Approver"})
    rec = Recommendation.objects.order_by("serial").first()
    client = client_for(alice)
    page = client.get(reverse("followup:recommendation_edit", args=[rec.pk]))
    assert f'<option value="{bob.pk}">Bob Approver</option>' in page.content.decode()
    assert edit(client, rec, owner=bob.pk).status_code == 302
    rec.refresh_from_db()
    assert rec.owner == bob
    event = Event.objects.get(action="recommendation.updated", target_id=str(rec.pk))
    assert (event.before["owner"], event.after["owner"]) == (alice.pk, bob.pk)
    detail = client.get(rec.get_absolute_url()).content.decode()
    assert "Followed up by</dt><dd>Bob Approver" in detail


def test_only_editors_of_the_office_can_be_chosen(client_for, approved, alice, victor, mallory):
    rec = Recommendation.objects.order_by("serial").first()
    for outsider in (victor, mallory):
        response = edit(client_for(alice), rec, owner=outsider.pk)
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    rec.refresh_from_db()
    assert rec.owner == alice
