"""notify(): the in-app notifications and their e-mails, for the caller's transaction."""

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .mail import send_now
from .models import Notification, OutgoingEmail

SUBJECT_PREFIX = "[Safeguards] "


def _people(users, exclude) -> list:
    skip = {getattr(user, "pk", user) for user in (exclude or ()) if user is not None}
    unique, seen = [], set()
    for user in users:
        if user is None or not getattr(user, "pk", None) or not user.is_active:
            continue
        if user.pk in seen or user.pk in skip:
            continue
        seen.add(user.pk)
        unique.append(user)
    return unique


def email_body(notification: Notification, office_name: str) -> str:
    lines = [notification.subject, ""]
    if notification.body:
        lines += [notification.body, ""]
    if notification.url:
        lines += [f"Open it: {settings.SITE_URL}{notification.url}", ""]
    lines.append(
        f"You receive this as a member of {office_name}. "
        f"All your notifications: {settings.SITE_URL}/notifications/"
        if office_name
        else f"All your notifications: {settings.SITE_URL}/notifications/"
    )
    return "\n".join(lines)


def notify(
    users: Iterable,
    kind: str,
    subject: str,
    body: str = "",
    url: str = "",
    *,
    office=None,
    exclude: Iterable | None = None,
) -> list[Notification]:
    """One notification per distinct active user (minus `exclude`, usually the actor), and an
    e-mail to each who has an address. Call it inside the action's transaction: if the action
    rolls back, nobody is told; the e-mails are sent only after it commits, and a failure to
    send never reaches the caller (it stays queued for `send_queued_email`)."""
    people = _people(users, exclude)
    if not people:
        return []
    office_id = getattr(office, "pk", office)
    subject = subject[:200]
    made = Notification.objects.bulk_create(
        Notification(user=user, office_id=office_id, kind=kind, subject=subject, body=body, url=url)
        for user in people
    )
    office_name = getattr(office, "name", "") if office is not None else ""
    if office_id and not office_name:
        from safeguards.accounts.models import Office

        office_name = Office.objects.filter(pk=office_id).values_list("name", flat=True).first()
    now = timezone.now()
    emails = OutgoingEmail.objects.bulk_create(
        OutgoingEmail(
            notification=notification,
            to=user.email,
            subject=SUBJECT_PREFIX + subject,
            body=email_body(notification, office_name or ""),
            next_attempt_at=now,
        )
        for user, notification in zip(people, made, strict=True)
        if user.email
    )
    if emails:
        ids = [email.pk for email in emails]
        transaction.on_commit(lambda: send_now(ids))
    return made
