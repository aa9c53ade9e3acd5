"""Making and moving recommendations: numbering, approval, carry-forward, status changes.

Every function here runs inside the caller's transaction (or opens one) and writes its audit
event with the change, so a recommendation never changes without a trace.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F

from safeguards import scoring
from safeguards.accounts import permissions
from safeguards.accounts.permissions import Action
from safeguards.audit.record import record, record_many

from . import matching, states
from .models import (
    Decision,
    Kind,
    NumberSeries,
    Priority,
    Recommendation,
    StatusNote,
    VersionSummary,
)

NOTE_MAX_LENGTH = 5000


class FollowupError(Exception):
    def __init__(self, problems: list[str] | dict[str, str]):
        self.problems = problems
        text = "; ".join(problems.values() if isinstance(problems, dict) else problems)
        super().__init__(text)


@dataclass(frozen=True)
class DecisionInput:
    """What the approver decided with the approval (all optional)."""

    validity: str = ""
    conditions: tuple[str, ...] = ()
    reservations: str = ""


def local_date(moment: datetime.datetime, office) -> datetime.date:
    try:
        zone = ZoneInfo(office.time_zone or "UTC")
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    return moment.astimezone(zone).date()


def next_number(office, year: int) -> tuple[int, str]:
    """The office's next serial for the year and its number, e.g. (7, 'OIG-2026-07')."""
    return reserve_numbers(office, year, 1)[0]


def reserve_numbers(office, year: int, count: int) -> list[tuple[int, str]]:
    """The office's next `count` serials for the year with their numbers, in order.

    The series row is created if missing (a conflict-ignoring insert, so two first approvals
    of a year cannot both create it) and then locked until the caller's transaction ends,
    so two concurrent approvals never get the same serial; on SQLite the immediate
    transaction already serialises writers.
    """
    NumberSeries.objects.bulk_create(
        [NumberSeries(office_id=office.pk, year=year)], ignore_conflicts=True
    )
    series = NumberSeries.objects.select_for_update().get(office_id=office.pk, year=year)
    first = series.last + 1
    series.last += count
    series.save(update_fields=["last"])
    prefix = office.slug.upper()
    return [(serial, f"{prefix}-{year}-{serial:02d}") for serial in range(first, series.last + 1)]


def _snapshot(rec: Recommendation) -> dict:
    return {
        "number": rec.number,
        "status": rec.status,
        "criterion": rec.criterion_code,
        "priority": rec.priority,
        "agency_response": rec.agency_response,
        "agency_response_text": rec.agency_response_text,
        "agency_response_date": rec.agency_response_date,
        "agreed_action": rec.agreed_action,
        "responsible_official": rec.responsible_official,
        "target_date": rec.target_date,
        "owner": rec.owner_id,
    }


def _create(assessment, by, on, *, kind, text, priority, code="", title="", decision=None):
    return _create_many(
        assessment,
        by,
        on,
        [dict(kind=kind, text=text, priority=priority, code=code, title=title)],
        decision=decision,
    )[0]


def _create_many(assessment, by, on, items: list[dict], decision=None) -> list[Recommendation]:
    """New recommendations numbered in order, one INSERT and one batch of audit events
    (an approval of a review with forty gaps writes them while it holds the write lock)."""
    if not items:
        return []
    numbers = reserve_numbers(assessment.office, on.year, len(items))
    recs = Recommendation.objects.bulk_create(
        Recommendation(
            office_id=assessment.office_id,
            deployment_id=assessment.deployment_id,
            number=number,
            year=on.year,
            serial=serial,
            kind=item["kind"],
            criterion_code=item.get("code", ""),
            criterion_title=item.get("title", ""),
            framework_version_id=assessment.framework_version_id,
            text=item["text"],
            priority=item["priority"],
            opened_on=on,
            status_changed_on=on,
            origin_assessment=assessment,
            latest_assessment=assessment,
            decision=decision,
            # Whoever led the assessment follows its findings up until someone else takes them.
            owner_id=assessment.created_by_id or by.pk,
        )
        for (serial, number), item in zip(numbers, items, strict=True)
    )
    record_many(
        [
            {
                "action": "recommendation.created",
                "actor": by,
                "office": assessment.office_id,
                "target": rec,
                "assessment": assessment,
                "after": _snapshot(rec) | {"text": rec.text, "kind": rec.kind},
            }
            for rec in recs
        ]
    )
    return recs


def on_approval(assessment, by, approved_at, decision: DecisionInput | None = None):
    """Inside the approval transaction, before the report is frozen: number every new gap's
    recommendation, carry the deployment's live ones forward, propose closure where the
    criterion is now met, and record the decision and its conditions."""
    office = assessment.office
    on = local_date(approved_at, office)
    answers = list(
        assessment.answers.select_related("criterion__category").order_by("criterion__position")
    )
    criteria = [
        scoring.Criterion(
            a.criterion.code,
            a.criterion.category.code,
            a.criterion.severity,
            a.criterion.red_line,
            a.criterion.weight,
        )
        for a in answers
    ]
    statuses = {a.criterion.code: a.status for a in answers}
    by_code = {a.criterion.code: a for a in answers}
    result = scoring.assess(criteria, statuses, assessment.framework_version.thresholds)

    live = list(
        Recommendation.objects.select_for_update()
        .filter(deployment_id=assessment.deployment_id, kind=Kind.FINDING)
        .filter(status__in=states.LIVE)
        .order_by("year", "serial")
    )
    carried: dict[str, Recommendation] = {}
    for rec in live:
        code = matching.carry_code(
            rec.framework_version_id, assessment.framework_version_id, rec.criterion_code
        )
        if code is None or code not in by_code:
            continue  # the criterion is gone from this framework version: stays as it was
        before = _snapshot(rec) | {"closure_proposed_by": rec.closure_proposed_by_id}
        rec.criterion_code = code
        rec.criterion_title = by_code[code].criterion.title
        rec.framework_version_id = assessment.framework_version_id
        rec.latest_assessment = assessment
        met = statuses[code] == scoring.MET
        rec.closure_proposed_by = assessment if met else None
        rec.version += 1
        rec.save()
        carried[code] = rec
        record(
            "recommendation.closure_proposed" if met else "recommendation.carried_forward",
            actor=by,
            office=office.pk,
            target=rec,
            assessment=assessment,
            before=before,
            after=_snapshot(rec) | {"closure_proposed_by": rec.closure_proposed_by_id},
        )
    new = []
    for code in result.gaps:
        answer = by_code[code]
        text = answer.recommendation.strip()
        if code in carried or not text:
            continue
        new.append(
            dict(
                kind=Kind.FINDING,
                text=text,
                priority=answer.criterion.severity,
                code=code,
                title=answer.criterion.title,
            )
        )
    _create_many(assessment, by, on, new)
    # The agency's positions on the draft sent for comment become the recommendations' responses.
    from .comments import apply_to_register

    apply_to_register(assessment, by)
    # Every approval is a decision, with or without reservations and a validity.
    return _decide(assessment, by, on, decision or DecisionInput())


def _decide(assessment, by, on, decision: DecisionInput) -> Decision:
    deployment = assessment.deployment
    made = Decision.objects.create(
        office_id=assessment.office_id,
        deployment_id=assessment.deployment_id,
        assessment=assessment,
        decided_on=on,
        decided_by=by,
        decided_by_username=by.get_username(),
        validity=decision.validity,
        valid_until=states.valid_until(on, decision.validity, deployment.period_end),
        reservations=decision.reservations.strip(),
    )
    numbers = [
        _create(
            assessment,
            by,
            on,
            kind=Kind.CONDITION,
            text=text,
            priority=Priority.CONDITION,
            decision=made,
        ).number
        for text in decision.conditions
    ]
    record(
        "decision.made",
        actor=by,
        office=assessment.office_id,
        target=made,
        assessment=assessment,
        after={
            "validity": made.validity,
            "valid_until": made.valid_until,
            "reservations": made.reservations,
            "conditions": numbers,
        },
    )
    return made


def after_freeze(assessment, version, data: dict) -> None:
    """Link the frozen version to the register it printed and keep its portfolio summary."""
    numbers = [row["number"] for row in data.get("recommendations", [])]
    recs = Recommendation.objects.filter(office_id=assessment.office_id, number__in=numbers)
    Recommendation.appears_in.through.objects.bulk_create(
        Recommendation.appears_in.through(recommendation_id=pk, reportversion_id=version.pk)
        for pk in recs.values_list("pk", flat=True)
    )
    recs.filter(origin_assessment=assessment, origin_version__isnull=True).update(
        origin_version=version
    )
    Decision.objects.filter(assessment=assessment, report_version__isnull=True).update(
        report_version=version
    )
    summarize(version, data)


def summarize(version, data: dict) -> VersionSummary:
    summary = data["summary"]
    score = summary.get("overall_score")
    return VersionSummary.objects.update_or_create(
        report_version=version,
        defaults={
            "office_id": version.office_id,
            "deployment_id": data["deployment"]["id"],
            "approved_at": version.approved_at,
            "overall_score": None if score is None else str(score),
            "verdict": summary.get("verdict") or "",
            "red_line_breaches": len(summary.get("red_line_breaches", [])),
            "gaps": len(summary.get("gaps", [])),
        },
    )[0]


# --- changes by people -------------------------------------------------------------------------

EDITABLE = (
    "priority",
    "agency_response",
    "agency_response_text",
    "agency_response_date",
    "agreed_action",
    "responsible_official",
    "target_date",
    "owner",
)


def _locked(rec: Recommendation, version: int | None = None) -> Recommendation:
    locked = Recommendation.objects.select_for_update().get(pk=rec.pk)
    if version is not None and locked.version != version:
        raise FollowupError(
            [
                "Someone else changed this recommendation after you opened it. Nothing of yours "
                "was saved; the page now shows their values."
            ]
        )
    return locked


def _note(rec, by, on, text, evidence, *, action="note", before="", after=""):
    note = StatusNote.objects.create(
        recommendation=rec,
        on=on,
        author=by,
        author_username=by.get_username(),
        action=action,
        status_before=before,
        status_after=after,
        text=text,
    )
    if evidence:
        note.evidence.set(evidence)
    return note


def _check_evidence(rec, evidence) -> None:
    if any(item.deployment_id != rec.deployment_id for item in evidence):
        raise FollowupError({"evidence": "Evidence of another deployment cannot be cited."})


def update(rec: Recommendation, by, values: dict, version: int) -> list[str]:
    """Save the agency's response and the agreed action (reviewers). Returns changed fields."""
    if not permissions.can(by, Action.EDIT, rec.office_id):
        raise FollowupError(["Only a reviewer or approver of this office can do this."])
    with transaction.atomic():
        locked = _locked(rec, version)
        changed = [name for name in EDITABLE if getattr(locked, name) != values[name]]
        if not changed:
            return []
        before = {name: getattr(locked, name) for name in changed}
        for name in changed:
            setattr(locked, name, values[name])
        locked.version = F("version") + 1
        locked.save(update_fields=[*changed, "version", "updated_at"])
        locked.refresh_from_db()
        record(
            "recommendation.updated",
            actor=by,
            office=locked.office_id,
            target=locked,
            before={"number": locked.number} | before,
            after={"number": locked.number} | {name: values[name] for name in changed},
        )
    return changed


def add_note(rec: Recommendation, by, on, text: str, evidence=()) -> StatusNote:
    if not permissions.can(by, Action.EDIT, rec.office_id):
        raise FollowupError(["Only a reviewer or approver of this office can do this."])
    evidence = list(evidence)
    _check_evidence(rec, evidence)
    with transaction.atomic():
        locked = _locked(rec)
        note = _note(locked, by, on, text.strip(), evidence)
        record(
            "recommendation.noted",
            actor=by,
            office=locked.office_id,
            target=locked,
            after={
                "number": locked.number,
                "on": on,
                "text": note.text,
                "evidence": [item.pk for item in evidence],
            },
        )
    return note


def transition_problems(rec, action, by, *, note, evidence, superseded_by=None) -> list[str]:
    step = states.transition(rec.status, action)
    if step is None:
        return [
            f"A recommendation that is {states.STATUS_LABELS[rec.status].lower()} cannot be "
            f"moved this way."
        ]
    problems = []
    if not permissions.can(by, Action(step.permission), rec.office_id):
        who = "an approver" if step.permission == states.APPROVE else "a reviewer or approver"
        problems.append(f"Only {who} of this office can do this.")
    if not (note or "").strip():
        problems.append("Give a note saying why.")
    if step.needs_evidence and not evidence:
        problems.append("Closing needs evidence: cite at least one item.")
    if action == states.RESOLVE and not (
        rec.agreed_action.strip() and rec.responsible_official.strip() and rec.target_date
    ):
        problems.append(
            "A recommendation is resolved once the agency agreed an action, a responsible "
            "official and a target date: enter them first."
        )
    if action == states.SUPERSEDE:
        if superseded_by is None:
            problems.append("Name the recommendation that replaces this one.")
        elif superseded_by.pk == rec.pk or superseded_by.office_id != rec.office_id:
            problems.append("A recommendation is superseded by another one of this office.")
    return problems


def move(rec, action, by, on, *, note, evidence=(), superseded_by=None) -> StatusNote:
    """One step of the state machine (states.TRANSITIONS), with its note and evidence."""
    evidence = list(evidence)
    _check_evidence(rec, evidence)
    with transaction.atomic():
        locked = _locked(rec)
        problems = transition_problems(
            locked, action, by, note=note, evidence=evidence, superseded_by=superseded_by
        )
        if problems:
            raise FollowupError(problems)
        step = states.transition(locked.status, action)
        before = locked.status
        locked.status = step.target
        locked.status_changed_on = on
        if action == states.SUPERSEDE:
            locked.superseded_by = superseded_by
        locked.version = F("version") + 1
        locked.save(
            update_fields=["status", "status_changed_on", "superseded_by", "version", "updated_at"]
        )
        locked.refresh_from_db()
        entry = _note(
            locked, by, on, note.strip(), evidence, action=action, before=before, after=step.target
        )
        record(
            f"recommendation.{action}",
            actor=by,
            office=locked.office_id,
            target=locked,
            before={"number": locked.number, "status": before},
            after={
                "number": locked.number,
                "status": step.target,
                "note": entry.text,
                "evidence": [item.pk for item in evidence],
                "superseded_by": superseded_by.number if superseded_by else None,
            },
        )
    rec.refresh_from_db()
    return entry
