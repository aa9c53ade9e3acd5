"""Sending queued e-mails: never raises, records each failure and when to try again."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone

from .models import EmailStatus, OutgoingEmail

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=5)
LONGEST_RETRY = timedelta(hours=6)


def retry_delay(attempts: int) -> timedelta:
    """5 minutes after the first failure, doubling, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def _describe(error: Exception) -> str:
    # The exception's own text: the server's reply or the socket error, never our settings.
    return f"{type(error).__name__}: {error}"[:2000]


def send_emails(emails: list[OutgoingEmail]) -> tuple[int, int]:
    """Try to send each e-mail over one connection; returns (sent, failed). Never raises."""
    if not emails:
        return 0, 0
    sent = failed = 0
    try:
        connection = get_connection(fail_silently=False)
        connection.open()
    except Exception as error:  # server down, refused, TLS or login failure
        for email in emails:
            _failed(email, error)
        return 0, len(emails)
    try:
        for email in emails:
            message = EmailMessage(
                email.subject,
                email.body,
                settings.DEFAULT_FROM_EMAIL,
                [email.to],
                connection=connection,
            )
            try:
                message.send()
            except Exception as error:
                _failed(email, error)
                failed += 1
            else:
                email.status, email.sent_at = EmailStatus.SENT, timezone.now()
                email.attempts += 1
                email.last_error = ""
                email.save(update_fields=["status", "sent_at", "attempts", "last_error"])
                sent += 1
    finally:
        try:
            connection.close()
        except Exception:  # closing a broken connection: nothing left to tell
            pass
    return sent, failed


def _failed(email: OutgoingEmail, error: Exception) -> None:
    email.attempts += 1
    email.last_error = _describe(error)
    if email.attempts >= MAX_ATTEMPTS:
        email.status = EmailStatus.FAILED
    email.next_attempt_at = timezone.now() + retry_delay(email.attempts)
    email.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
    log.warning(
        "E-mail %s to %s failed (attempt %s): %s",
        email.pk,
        email.to,
        email.attempts,
        email.last_error,
    )


def send_now(ids: list[int]) -> None:
    """Send just-queued e-mails (called after the action's transaction has committed)."""
    try:
        send_emails(list(OutgoingEmail.objects.filter(pk__in=ids, status=EmailStatus.QUEUED)))
    except Exception:  # the database itself failed: the rows stay queued for the retry run
        log.exception("Could not send queued e-mails %s", ids)


def send_due(now=None, limit: int = 500) -> tuple[int, int]:
    """The retry run: every queued e-mail whose next attempt is due."""
    now = now or timezone.now()
    emails = list(
        OutgoingEmail.objects.filter(status=EmailStatus.QUEUED, next_attempt_at__lte=now).order_by(
            "next_attempt_at", "pk"
        )[:limit]
    )
    return send_emails(emails)
