"""The notification list, the header count, opening one and marking all read."""

from django.urls import reverse

from safeguards.audit.models import Event
from safeguards.notifications import notify
from safeguards.notifications.models import Notification


def test_header_counts_unread_notifications(client_for, alice, office):
    notify([alice], "assigned", "C1 is yours", url="/assessments/", office=office)
    notify([alice], "assigned", "C2 is yours", url="/assessments/", office=office)
    response = client_for(alice).get(reverse("home"))
    assert b'Notifications</span> <span class="badge' in response.content
    assert b'2<span class="visually-hidden"> unread</span>' in response.content


def test_list_shows_newest_first_with_office(client_for, alice, office):
    notify([alice], "assigned", "First", office=office)
    notify([alice], "note_raised", "Second", "Cite clause 4.", office=office)
    response = client_for(alice).get(reverse("notifications:list"))
    text = response.content.decode()
    assert text.index("Second") < text.index("First")
    assert "Review note raised · Office of Inspector General" in text
    assert "Cite clause 4." in text


def test_opening_marks_read_and_goes_to_the_page(client_for, alice, office):
    (notification,) = notify([alice], "assigned", "C1", url="/assessments/", office=office)
    response = client_for(alice).post(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == "/assessments/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    event = Event.objects.get(action="notifications.read")
    assert event.actor_id == alice.pk and event.after["marked"] == 1


def test_an_outside_url_is_never_followed(client_for, alice, office):
    (notification,) = notify([alice], "assigned", "C1", url="https://evil.example/", office=office)
    response = client_for(alice).post(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_someone_elses_notification_is_404(client_for, alice, bob, office):
    (notification,) = notify([alice], "assigned", "C1", office=office)
    response = client_for(bob).post(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 404
    assert Notification.objects.get().read_at is None


def test_mark_all_read_touches_only_mine(client_for, alice, bob, office):
    notify([alice, bob], "assigned", "C1", office=office)
    notify([alice], "assigned", "C2", office=office)
    client_for(alice).post(reverse("notifications:read_all"))
    assert Notification.objects.filter(user=alice, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(user=bob, read_at__isnull=True).count() == 1
    response = client_for(alice).get(reverse("home"))
    assert b'visually-hidden"> unread' not in response.content
