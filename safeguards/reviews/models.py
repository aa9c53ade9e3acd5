"""Deployments under review, their assessments, answers and evidence."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from safeguards import scoring
from safeguards.audit.record import record, record_many

from . import page_sql

# A not-applicable answer's rationale is its justification; a word or two is not one.
JUSTIFICATION_MIN_LENGTH = 10
# Statuses that leave a gap; a gap should come with a recommendation (flagged, not refused).
GAP_STATUSES = (scoring.NOT_MET, scoring.UNDISCLOSED, scoring.PARTIAL)


class ReadOnlyError(Exception):
    """Raised when answers of an assessment that is not a draft would change."""

    def __init__(self, message: str = "This assessment is not a draft: its answers are read-only."):
        super().__init__(message)


def answer_problems(status: str, rationale: str, *, red_line: bool) -> dict[str, str]:
    """The rules every saved answer obeys, as field -> message (empty when the answer is fine).

    The scoring form and the model's save path both ask this one function.
    """
    problems: dict[str, str] = {}
    rationale = (rationale or "").strip()
    if status not in scoring.STATUSES:
        problems["status"] = "Choose one of the six statuses."
    elif status == scoring.NOT_APPLICABLE and red_line:
        problems["status"] = (
            "A red-line criterion can never be not applicable: choose the status the evidence "
            "supports."
        )
    elif status == scoring.NOT_APPLICABLE and len(rationale) < JUSTIFICATION_MIN_LENGTH:
        problems["rationale"] = (
            "Justify why this criterion does not apply "
            f"(at least {JUSTIFICATION_MIN_LENGTH} characters)."
        )
    elif status != scoring.NOT_ASSESSED and not rationale:
        problems["rationale"] = "Give the rationale for this status."
    return problems


def lacks_recommendation(status: str, recommendation: str) -> bool:
    """A gap without a recommendation: allowed, but shown as a warning."""
    return status in GAP_STATUSES and not (recommendation or "").strip()


class Archivable(models.Model):
    """Archived: hidden from lists (with the reason), still readable and verifiable; restorable."""

    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    archived_reason = models.TextField(blank=True)

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Deployment(Archivable):
    office = models.ForeignKey("accounts.Office", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    operator = models.CharField("operator or agency", max_length=200)
    vendor = models.CharField(max_length=200, blank=True)
    technology = models.CharField(max_length=200, blank=True)
    contract_reference = models.CharField(max_length=200, blank=True)
    contract_value = models.DecimalField(
        "contract value (USD)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    period_start = models.DateField("contract period start", null=True, blank=True)
    period_end = models.DateField("contract period end", null=True, blank=True)
    units_with_access = models.TextField(blank=True)
    purposes = models.TextField("stated purposes", blank=True)
    data_sources = models.TextField(blank=True)
    connected_systems = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "pk"]
        indexes = [
            # The deployments list: one office's deployments by name.
            models.Index(fields=["office", "name"], name="deployment_office_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("reviews:deployment", args=[self.pk])


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"


class Assessment(Archivable):
    # The office is copied from the deployment so access checks need no join.
    office = models.ForeignKey("accounts.Office", on_delete=models.PROTECT, related_name="+")
    deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT, related_name="assessments")
    framework_version = models.ForeignKey(
        "catalog.FrameworkVersion", on_delete=models.PROTECT, related_name="assessments"
    )
    title = models.CharField(max_length=200)
    as_of = models.DateField("as of")
    status = models.CharField(
        max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    # Written by a reviewer; printed first in every format of the report.
    executive_summary = models.TextField(blank=True)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The scoring method (DESIGN.md section 3) its scores, verdict and reports use. Assessments
    # made before method 2 keep method 1, so their pages agree with the reports frozen for them.
    scoring_method = models.PositiveSmallIntegerField(default=scoring.CURRENT_METHOD)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Who is approving it right now (workflow.approve): the report is rendered and signed
    # before the approval is written, so a second approver is told at once instead of
    # rendering it again only to be refused. Not evidence, only a claim: cleared when the
    # approval ends, and ignored once older than workflow.APPROVAL_CLAIM_SECONDS.
    approving_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approving_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-as_of", "-pk"]
        indexes = [
            # The assessments list and home page: one office's assessments, newest first.
            models.Index(fields=["office", "-as_of"], name="assessment_office_asof"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=AssessmentStatus.values),
                name="assessment_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(scoring_method__in=scoring.METHODS),
                name="assessment_scoring_method_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reviews:assessment", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == AssessmentStatus.DRAFT

    def save_answers(self, changes: list["AnswerChange"], by) -> list["Answer"]:
        """Save a page of answers all at once; return the answers that changed.

        All or nothing: raises ReadOnlyError unless the assessment is a draft,
        ValidationError if a changed answer breaks a rule or links evidence of another
        deployment, AnswerConflict if any changed answer was saved by someone else since the
        page was read (its version moved on). Each change is a conditional UPDATE on the
        version, so of two concurrent savers of one answer only one can win. The page's
        evidence links change with one DELETE and one INSERT, and its `answer.updated`
        events (one per changed answer) are written together: a page costs a fixed number
        of queries plus one per changed answer.
        """
        with transaction.atomic():
            if page_sql.locked_status(self.pk) != AssessmentStatus.DRAFT:
                raise ReadOnlyError()
            stored = page_sql.stored_answers(self.pk, [c.answer_id for c in changes])
            writes, conflicts = [], []
            for change in changes:
                answer = stored.get(change.answer_id)
                if answer is None:
                    raise ValidationError("An answer of another assessment was submitted.")
                before, after = answer.snapshot(), change.values()
                diff = sorted(field for field in after if after[field] != before[field])
                if not diff:
                    continue
                problems = answer_problems(
                    change.status, change.rationale, red_line=answer.criterion.red_line
                )
                if problems:
                    code = answer.criterion.code
                    raise ValidationError([f"{code}: {message}" for message in problems.values()])
                if answer.version != change.version:
                    conflicts.append((answer, change))
                else:
                    writes.append((answer, change, before, after, diff))
            # Read under the assessment's lock, the versions say which answers moved on. With
            # a conflict nothing is written and the transaction ends in a COMMIT: a ROLLBACK
            # would also drop every statement the connection has prepared (psycopg).
            changed = [] if conflicts else self._write_answers(writes, by)
        if conflicts:
            raise AnswerConflict(conflicts)
        return changed

    def _write_answers(self, writes: list, by) -> list["Answer"]:
        """Write a page's changed answers, their evidence links and their events. Each UPDATE
        is still conditional on the version: a writer that did not lock the assessment may
        have got in between, and then the page is refused after all (rolled back)."""
        changed, raced, events, now = [], [], [], timezone.now()
        unlink, link = [], []  # (answer id, evidence ids) and through rows
        for answer, change, before, after, diff in writes:
            if not page_sql.update_if_version(change, by, now):
                raced.append((answer, change))
                continue
            if "evidence" in diff:
                old, new = set(before["evidence"]), set(after["evidence"])
                if old - new:
                    unlink.append((answer.pk, old - new))
                link += [(answer.pk, pk) for pk in sorted(new - old)]
            events.append(
                {
                    "action": "answer.updated",
                    "actor": by,
                    "office": self.office_id,
                    "target": answer,
                    "assessment": self,
                    "before": {"criterion": answer.criterion.code} | {f: before[f] for f in diff},
                    "after": {"criterion": answer.criterion.code} | {f: after[f] for f in diff},
                }
            )
            changed.append(answer)
        if raced:
            raise AnswerConflict(raced)  # inside the block: every answer of the page rolls back
        self._relink_evidence(unlink, link)
        record_many(events)
        return changed

    def _relink_evidence(self, unlink: list[tuple[int, set[int]]], link: list[tuple[int, int]]):
        """Apply a page's evidence changes to the links table at once. The assessment is locked
        and a draft, which is all the m2m_changed guard would check."""
        through = Answer.evidence.through
        if unlink:
            pairs = Q()
            for answer_id, evidence_ids in unlink:
                pairs |= Q(answer_id=answer_id, evidence_id__in=sorted(evidence_ids))
            through.objects.filter(pairs).delete()
        if link:
            wanted = {pk for _, pk in link}
            found = list(
                Evidence.objects.filter(
                    pk__in=wanted, deployment_id=self.deployment_id
                ).values_list("retired_at", flat=True)
            )
            if len(found) < len(wanted):
                raise ValidationError("Evidence of another deployment cannot be linked.")
            if any(retired_at is not None for retired_at in found):
                raise ValidationError("Retired evidence cannot be linked to more answers.")
            through.objects.bulk_create(
                through(answer_id=answer_id, evidence_id=evidence_id)
                for answer_id, evidence_id in link
            )


class Answer(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey("catalog.Criterion", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=20,
        choices=[(status, scoring.STATUS_LABELS[status]) for status in scoring.STATUSES],
        default=scoring.NOT_ASSESSED,
    )
    rationale = models.TextField(blank=True)
    recommendation = models.TextField(blank=True)
    evidence = models.ManyToManyField("Evidence", blank=True, related_name="answers")
    # Raised on every save; a save based on an older number is a conflict, not an overwrite.
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="answer_one_per_criterion"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=scoring.STATUSES), name="answer_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.status}"

    def save(self, *args, **kwargs):
        # The model's own guard, behind the views and forms: only a draft's answers change,
        # and never into a state the rules forbid.
        if (
            self.assessment_id
            and Assessment.objects.filter(pk=self.assessment_id)
            .exclude(status=AssessmentStatus.DRAFT)
            .exists()
        ):
            raise ReadOnlyError()
        self.clean()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        problems = answer_problems(self.status, self.rationale, red_line=self.criterion.red_line)
        if problems:
            raise ValidationError(problems)

    @property
    def lacks_recommendation(self) -> bool:
        return lacks_recommendation(self.status, self.recommendation)

    @property
    def is_answered(self) -> bool:
        return self.status != scoring.NOT_ASSESSED

    def evidence_ids(self) -> list[int]:
        """Linked evidence ids: as read with the answer (`page_sql.stored_answers`), else
        from the (prefetched) links."""
        known = self.__dict__.get("linked_evidence_ids")
        if known is not None:
            return list(known)
        return sorted(evidence.pk for evidence in self.evidence.all())

    def snapshot(self) -> dict:
        """The values a reviewer edits, as the audit trail records them."""
        return {
            "status": self.status,
            "rationale": self.rationale,
            "recommendation": self.recommendation,
            "evidence": self.evidence_ids(),
        }

    def link_evidence(self, evidence: "Evidence", by) -> bool:
        """Link one evidence item to this answer (a draft's only), with its audit event.

        Returns False when it was already linked. Raises the version, so a page opened
        before the link sees a conflict rather than dropping it.
        """
        with transaction.atomic():
            if not Assessment.objects.select_for_update().get(pk=self.assessment_id).is_draft:
                raise ReadOnlyError()
            if evidence.deployment_id != self.assessment.deployment_id:
                raise ValidationError("Evidence of another deployment cannot be linked.")
            if evidence.retired_at is not None:
                raise ValidationError("Retired evidence cannot be linked to more answers.")
            if self.evidence.filter(pk=evidence.pk).exists():
                return False
            self.evidence.add(evidence)
            Answer.objects.filter(pk=self.pk).update(
                version=F("version") + 1, updated_by=by, updated_at=timezone.now()
            )
            record(
                "evidence.linked",
                actor=by,
                office=self.assessment.office_id,
                target=evidence,
                assessment=self.assessment_id,
                after={
                    "criterion": self.criterion.code,
                    "answer": self.pk,
                    "evidence": evidence.pk,
                },
            )
        return True


@dataclass(frozen=True)
class AnswerChange:
    """What a reviewer submitted for one answer, with the version their page was based on."""

    answer_id: int
    version: int
    status: str
    rationale: str
    recommendation: str
    evidence: tuple[int, ...] = ()

    def values(self) -> dict:
        return {
            "status": self.status,
            "rationale": self.rationale,
            "recommendation": self.recommendation,
            "evidence": sorted(self.evidence),
        }


class AnswerConflict(Exception):
    """Some answers were saved by someone else meanwhile; nothing of the page was saved.

    `conflicts` holds (stored answer as read in the transaction, submitted change) pairs.
    """

    def __init__(self, conflicts: list[tuple[Answer, AnswerChange]]):
        self.conflicts = conflicts
        super().__init__(", ".join(answer.criterion.code for answer, _ in conflicts))


@receiver(m2m_changed, sender=Answer.evidence.through)
def _refuse_evidence_links_outside_drafts(sender, instance, action, reverse, pk_set, **kwargs):
    """Linking or unlinking evidence changes an answer: drafts only, from either side."""
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    if not reverse:
        answers = Answer.objects.filter(pk=instance.pk)
    elif pk_set:
        answers = Answer.objects.filter(pk__in=pk_set)
    else:
        answers = instance.answers.all()
    if answers.exclude(assessment__status=AssessmentStatus.DRAFT).exists():
        raise ReadOnlyError()


class EvidenceKind(models.TextChoices):
    DOCUMENT = "document", "Document"
    WEB_PAGE = "web_page", "Web page"
    QUOTATION = "quotation", "Quotation"
    CORRESPONDENCE = "correspondence", "Correspondence"
    FILE = "file", "File"


class Evidence(models.Model):
    """A source that supports answers; belongs to a deployment so re-assessments can reuse it."""

    office = models.ForeignKey("accounts.Office", on_delete=models.PROTECT, related_name="+")
    deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT, related_name="evidence")
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=EvidenceKind.choices)
    url = models.URLField("source URL", max_length=1000, blank=True)
    citation = models.CharField("citation (page or section)", max_length=300, blank=True)
    excerpt = models.TextField(blank=True)
    retrieved_on = models.DateField("retrieval date", null=True, blank=True)
    file = models.FileField(upload_to="evidence/%Y/%m/", blank=True)
    file_name = models.CharField("original file name", max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    file_type = models.CharField(max_length=100, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    # Retired (with the reason): still readable and cited where it was, no longer edited.
    retired_at = models.DateTimeField(null=True, blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    retired_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reviews:evidence", args=[self.pk])


class EvidenceFile(models.Model):
    """A file of an evidence item that a newer file replaced: kept, with its hash and type, so
    whatever cited it (an approved report's evidence register) can still be checked."""

    # The office is copied from the evidence so access checks need no join.
    office = models.ForeignKey("accounts.Office", on_delete=models.PROTECT, related_name="+")
    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="earlier_files")
    file = models.FileField(upload_to="evidence/%Y/%m/")
    file_name = models.CharField("original file name", max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    file_type = models.CharField(max_length=100, blank=True)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-replaced_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name


class StepKind(models.TextChoices):
    SUBMITTED = "submitted", "Submitted for review"
    RETURNED = "returned", "Returned to draft"
    APPROVED = "approved", "Approved"
    REOPENED = "reopened", "Reopened"


class WorkflowStep(models.Model):
    """One step of an assessment's workflow, with who took it and why."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=20, choices=StepKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150)
    comment = models.TextField(blank=True)
    # An approval: the statement the approver confirmed (the office's text at the time) and
    # their optional note for the record; both go into the report's sign-off.
    attestation = models.TextField(blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.username}"


class FormToken(models.Model):
    """A create form's one-time token, used: a second post of the same form (a double click,
    a re-sent request) finds it and is refused with a link to what the first one made.

    The row is written in the create's own transaction, so two concurrent posts cannot both
    pass (the unique token makes the second wait for the first, then fail).
    """

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    url = models.CharField(max_length=500, blank=True)
    label = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"form token of {self.user_id} for {self.url}"
