"""The admin shows audit events and the chain head, and offers no way to change them."""

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from safeguards.audit.models import Event
from safeguards.audit.record import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, office):
    staff = get_user_model().objects.create_superuser("root", password="x" * 16)
    client.force_login(staff)
    with transaction.atomic():
        record("office.created", actor=staff, office=office, after={"name": office.name})
    return client


def test_event_list_and_detail_are_readable(admin_client):
    listing = admin_client.get(reverse("admin:audit_event_changelist") + "?action=office.created")
    assert listing.status_code == 200 and b"office.created" in listing.content
    detail = admin_client.get(reverse("admin:audit_event_change", args=[1]))
    assert detail.status_code == 200
    assert b'name="_save"' not in detail.content and b"office.created" in detail.content


def test_event_cannot_be_added_changed_or_deleted(admin_client):
    assert admin_client.get(reverse("admin:audit_event_add")).status_code == 403
    change = admin_client.post(reverse("admin:audit_event_change", args=[1]), {"action": "x"})
    assert change.status_code == 403
    assert admin_client.post(reverse("admin:audit_event_delete", args=[1])).status_code == 403
    bulk = admin_client.post(
        reverse("admin:audit_event_changelist"),
        {"action": "delete_selected", "_selected_action": ["1"], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert Event.objects.get().action == "office.created"


def test_chain_head_is_read_only(admin_client):
    assert admin_client.get(reverse("admin:audit_chainhead_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:audit_chainhead_add")).status_code == 403
    change = admin_client.post(reverse("admin:audit_chainhead_change", args=[1]), {"seq": 0})
    assert change.status_code == 403
