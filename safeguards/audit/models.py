"""Append-only, hash-chained audit events (DESIGN.md section 5; recipe in docs/audit.md)."""

from django.conf import settings
from django.db import models

from .chain import GENESIS, CanonicalEncoder, format_time


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove a recorded event."""


class ChainHead(models.Model):
    """A single row holding the newest event's number and hash.

    Appends lock this row, so two writers can never both extend the chain from the same head.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)

    class Meta:
        verbose_name = "chain head"

    def __str__(self) -> str:
        return f"head #{self.seq} {self.hash[:12]}"


class EventQuerySet(models.QuerySet):
    def for_assessment(self, assessment_id: int) -> "EventQuerySet":
        return self.filter(assessment_id=assessment_id)

    def for_deployment(self, deployment) -> "EventQuerySet":
        """The deployment's own events and those of its evidence (its assessments have their
        own history)."""
        evidence = [str(pk) for pk in deployment.evidence.values_list("pk", flat=True)]
        return self.filter(office_id=deployment.office_id).filter(
            models.Q(target_type="reviews.deployment", target_id=str(deployment.pk))
            | models.Q(target_type="reviews.evidence", target_id__in=evidence)
        )

    # The database triggers refuse these too; failing here first gives a clearer error.
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted.")

    update.alters_data = True
    delete.alters_data = True
    delete.queryset_only = True


class Event(models.Model):
    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField()
    # No database constraint and no cascade: deleting a user or office must never touch the log.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField(max_length=150, blank=True)
    office = models.ForeignKey(
        "accounts.Office",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    assessment_id = models.BigIntegerField(null=True, blank=True)
    # Stored in canonical form: on SQLite the verifier hashes the stored text as it is.
    before = models.JSONField(null=True, blank=True, encoder=CanonicalEncoder)
    after = models.JSONField(null=True, blank=True, encoder=CanonicalEncoder)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        indexes = [
            # An assessment's History page and the report's audit anchor.
            models.Index(fields=["assessment_id", "seq"], name="audit_event_assessment"),
            # The office log: one office's events newest first by time, alone or filtered by
            # actor or by action; a date range is a range of the same index.
            models.Index(fields=["office", "at", "seq"], name="audit_event_office_at"),
            models.Index(
                fields=["office", "actor_username", "at", "seq"], name="audit_event_office_actor"
            ),
            models.Index(
                fields=["office", "action", "at", "seq"], name="audit_event_office_action"
            ),
            # A deployment's History page: the events of the deployment and of its evidence.
            models.Index(fields=["target_type", "target_id", "seq"], name="audit_event_target"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")

    def hashed_fields(self) -> dict:
        """The fields the hash covers, as docs/audit.md lists them."""
        return {
            "seq": self.seq,
            "at": format_time(self.at),
            "actor_id": self.actor_id,
            "actor": self.actor_username,
            "office_id": self.office_id,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "assessment_id": self.assessment_id,
            "before": self.before,
            "after": self.after,
        }


def anchor(assessment_id: int) -> tuple[int, str | None]:
    """Where an assessment stands in the chain: its number of events and its latest event's hash.

    An approval takes it before writing its own events, so its frozen report is anchored at
    the history it approves (reports/freeze.py). No events yet: (0, None).
    """
    events = Event.objects.for_assessment(assessment_id)
    head = events.order_by("-seq").values_list("hash", flat=True).first()
    return (events.count(), head) if head is not None else (0, None)
