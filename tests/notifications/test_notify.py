"""notify(): rows in the app, e-mails through a real SMTP server, and failures kept for retry."""

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from safeguards.notifications import notify
from safeguards.notifications.mail import MAX_ATTEMPTS, retry_delay
from safeguards.notifications.models import EmailStatus, Notification, OutgoingEmail
from tests.smtp import PASSWORD


@pytest.fixture
def with_addresses(alice, bob, victor):
    for user in (alice, bob, victor):
        user.email = f"{user.username}@oig.example.gov"
        user.save(update_fields=["email"])
    return alice, bob, victor


def test_each_person_gets_one_notification_and_the_actor_none(with_addresses, office):
    alice, bob, victor = with_addresses
    made = notify(
        [alice, bob, bob, None], "submitted", "Ready", url="/x/", office=office, exclude=[alice]
    )
    assert [n.user for n in made] == [bob]
    assert Notification.objects.get().subject == "Ready"


def test_email_reaches_the_smtp_server_after_commit(
    smtp, with_addresses, office, settings, django_capture_on_commit_callbacks
):
    alice, bob, _ = with_addresses
    settings.SITE_URL = "https://safeguards.example.gov"
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            notify(
                [alice, bob],
                "note_raised",
                "A note on RET-2",
                "Please cite clause 4.",
                url="/assessments/1/notes/",
                office=office,
            )
            assert smtp.messages == []  # nothing leaves before the action commits
    assert smtp.logins == 1
    assert sorted(r for rcpts, _ in smtp.messages for r in rcpts) == [
        "alice@oig.example.gov",
        "bob@oig.example.gov",
    ]
    message = smtp.to("bob@oig.example.gov")[0]
    assert message["Subject"] == "[Safeguards] A note on RET-2"
    assert message["From"] == settings.DEFAULT_FROM_EMAIL
    text = message.get_content()
    assert "Please cite clause 4." in text
    assert "https://safeguards.example.gov/assessments/1/notes/" in text
    for raw in smtp.raw:
        assert PASSWORD.encode() not in raw
        assert settings.SECRET_KEY.encode() not in raw
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {EmailStatus.SENT}


def test_nobody_without_an_address_is_emailed(
    smtp, alice, office, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify([alice], "assigned", "Assigned", office=office)
    assert Notification.objects.count() == 1
    assert OutgoingEmail.objects.count() == 0
    assert smtp.messages == []


def test_a_rolled_back_action_tells_nobody(
    smtp, with_addresses, office, django_capture_on_commit_callbacks
):
    alice, _, _ = with_addresses
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            notify([alice], "assigned", "Assigned", office=office)
            raise RuntimeError("the action failed")
    assert Notification.objects.count() == 0
    assert smtp.messages == []


def test_server_down_leaves_the_email_queued_with_its_error(
    smtp_down, with_addresses, office, django_capture_on_commit_callbacks
):
    alice, _, _ = with_addresses
    with django_capture_on_commit_callbacks(execute=True):
        notify([alice], "assigned", "Assigned", office=office)
    email = OutgoingEmail.objects.get()
    assert email.status == EmailStatus.QUEUED
    assert email.attempts == 1
    assert email.last_error.startswith("ConnectionRefusedError")
    assert email.next_attempt_at > timezone.now()
    assert Notification.objects.count() == 1  # the in-app notification is there regardless


def test_the_retry_run_sends_what_is_due_once_the_server_is_back(smtp, with_addresses, office):
    alice, _, _ = with_addresses
    notify([alice], "assigned", "Assigned", office=office)  # on_commit never runs: still queued
    email = OutgoingEmail.objects.get()
    email.attempts, email.last_error = 1, "ConnectionRefusedError: refused"
    email.next_attempt_at = timezone.now() - datetime.timedelta(seconds=1)
    email.save()
    call_command("send_queued_email")
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (EmailStatus.SENT, 2, "")
    assert len(smtp.to("alice@oig.example.gov")) == 1
    call_command("send_queued_email")
    assert len(smtp.messages) == 1  # sent once, not again


def test_an_email_not_yet_due_waits(smtp, with_addresses, office):
    alice, _, _ = with_addresses
    notify([alice], "assigned", "Assigned", office=office)
    OutgoingEmail.objects.update(next_attempt_at=timezone.now() + datetime.timedelta(hours=1))
    call_command("send_queued_email")
    assert smtp.messages == []


def test_after_the_last_attempt_the_email_is_marked_failed(smtp_down, with_addresses, office):
    alice, _, _ = with_addresses
    notify([alice], "assigned", "Assigned", office=office)
    OutgoingEmail.objects.update(attempts=MAX_ATTEMPTS - 1, next_attempt_at=timezone.now())
    call_command("send_queued_email")
    email = OutgoingEmail.objects.get()
    assert (email.status, email.attempts) == (EmailStatus.FAILED, MAX_ATTEMPTS)


@pytest.mark.parametrize(
    "attempts, minutes", [(1, 5), (2, 10), (3, 20), (6, 160), (7, 320), (8, 360), (20, 360)]
)
def test_retries_back_off_to_six_hours(attempts, minutes):
    assert retry_delay(attempts) == datetime.timedelta(minutes=minutes)
