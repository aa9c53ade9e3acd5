"""Audit events in words: action names, targets and field-by-field changes with word diffs."""

import difflib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from safeguards import scoring

from .models import Event
from .names import Named, Names

# Every action the app records, by area, as the office log's filter offers them.
ACTION_GROUPS: dict[str, dict[str, str]] = {
    "Answers and evidence": {
        "answer.updated": "Answer changed",
        "evidence.added": "Evidence added",
        "evidence.edited": "Evidence corrected",
        "evidence.linked": "Evidence linked to an answer",
        "evidence.unlinked": "Evidence unlinked from an answer",
        "evidence.retired": "Evidence retired",
        "restriction.changed": "Restriction of a value changed",
    },
    "Assessments and reports": {
        "assessment.created": "Assessment started",
        "assessment.imported": "Assessment imported",
        "assessment.executive_summary_edited": "Executive summary changed",
        "assessment.submitted": "Assessment submitted for review",
        "assessment.returned": "Assessment returned to draft",
        "assessment.approved": "Assessment approved",
        "assessment.reopened": "Assessment reopened",
        "assessment.archived": "Assessment archived",
        "assessment.restored": "Assessment restored from the archive",
        "decision.made": "Approval decision recorded",
        "report.frozen": "Report version frozen",
        "report.timestamped": "Report version timestamped",
        "review.marked": "Category marked as reviewed",
        "note.raised": "Review note raised",
        "note.replied": "Review note answered",
        "note.cleared": "Review note cleared",
        "assignment.changed": "Assignment changed",
    },
    "Deployments": {
        "deployment.created": "Deployment described",
        "deployment.updated": "Deployment changed",
        "deployment.archived": "Deployment archived",
        "deployment.restored": "Deployment restored from the archive",
    },
    "Follow-up": {
        "recommendation.created": "Recommendation made",
        "recommendation.carried_forward": "Recommendation carried forward",
        "recommendation.closure_proposed": "Closure of a recommendation proposed",
        "recommendation.updated": "Recommendation changed",
        "recommendation.noted": "Note added to a recommendation",
        "recommendation.resolve": "Recommendation resolved",
        "recommendation.reopen": "Recommendation reopened",
        "recommendation.close_implemented": "Recommendation closed as implemented",
        "recommendation.close_not_implemented": "Recommendation closed as not implemented",
        "recommendation.supersede": "Recommendation superseded",
        "request.created": "Information request drafted",
        "request.changed": "Information request changed",
        "request.question_added": "Question added to a request",
        "request.question_reworded": "Question of a request reworded",
        "request.question_dropped": "Question dropped from a request",
        "request.question_restored": "Question restored to a request",
        "request.sent": "Information request sent",
        "request.respondent_invited": "Respondent invited",
        "request.reminded": "Respondent reminded",
        "request.answer_saved": "Answer to a request saved",
        "request.answer_recorded": "Answer to a request recorded",
        "request.file_added": "File added to a request's answer",
        "request.submitted": "Answers to a request submitted",
        "request.no_response": "No response by the due date",
        "draft_comment.frozen": "Draft for comment frozen",
        "draft_comment.sent": "Draft sent for comment",
        "draft_comment.saved": "Agency comment saved",
        "draft_comment.submitted": "Agency comments submitted",
        "draft_comment.recorded": "Agency comment recorded",
        "reminder.sent": "Reminder sent",
    },
    "People and office": {
        "account.created": "Account created",
        "account.password_set": "Password set",
        "profile.changed": "Profile changed",
        "membership.changed": "Membership changed",
        "membership.access_changed": "Member's access to restricted values changed",
        "membership.removed": "Member removed",
        "notifications.read": "Notifications read",
        "office.created": "Office created",
        "office.renamed": "Office renamed",
        "office.letterhead_changed": "Letterhead changed",
        "restriction_reason.list_started": "Restriction reasons set up",
        "restriction_reason.added": "Restriction reason added",
        "restriction_reason.removed": "Restriction reason removed",
        "signing.certificate_added": "Signing certificate added",
        "framework.loaded": "Framework loaded",
    },
}
ACTION_LABELS = {
    action: label for group in ACTION_GROUPS.values() for action, label in group.items()
}
# Free text that reads best as a word diff rather than as two whole versions.
LONG_TEXT_FIELDS = frozenset({"rationale", "recommendation", "comment", "notes", "excerpt"})
LONG_TEXT_LENGTH = 120
# difflib is quadratic at worst: beyond this many words, show both versions whole.
DIFF_MAX_TOKENS = 4000
EMPTY = "—"


def action_label(action: str) -> str:
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    return action.replace(".", " ").replace("_", " ").capitalize()


WORD_LABELS = {"sha256": "SHA-256", "pdf": "PDF", "url": "URL", "json": "JSON", "docx": "DOCX"}


def field_label(field: str) -> str:
    """'Retrieved on' from 'retrieved_on', 'PDF SHA-256' from 'pdf_sha256'."""
    words = [WORD_LABELS.get(word, word) for word in field.split("_") if word]
    if not words:
        return field
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])


@lru_cache(maxsize=1)
def value_labels() -> dict[str, dict[str, str]]:
    """Stored codes and their labels, by field name (read once: the models are loaded late)."""
    from safeguards.accounts.models import PaperSize, Role
    from safeguards.followup.models import AgencyResponse, Kind, Priority, RecommendationStatus
    from safeguards.reviews.models import AssessmentStatus, EvidenceKind, StepKind

    statuses = {**scoring.STATUS_LABELS, **dict(AssessmentStatus.choices)}
    statuses.update(RecommendationStatus.choices)
    severities = {code: code.capitalize() for code in ("critical", "high", "medium", "low")}
    return {
        "status": statuses,
        "kind": {**dict(EvidenceKind.choices), **dict(Kind.choices), **dict(StepKind.choices)},
        "role": dict(Role.choices),
        "priority": dict(Priority.choices),
        "severity": severities,
        "agency_response": dict(AgencyResponse.choices),
        "paper_size": dict(PaperSize.choices),
        "verdict": dict(scoring.VERDICT_LABELS),
    }


def show(value: Any, field: str = "") -> str:
    """A stored value in words: labels for codes, 'Yes'/'No', lists joined."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return "Yes" if value else "No"
    labels = value_labels().get(field, {})
    if isinstance(value, str):
        return labels.get(value, value)
    if isinstance(value, list) and all(isinstance(item, str | int) for item in value):
        return ", ".join(labels.get(item, str(item)) for item in value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _linked(named) -> SafeString:
    if named.url:
        return format_html('<a href="{}">{}</a>', named.url, named.text)
    return format_html("{}", named.text)


def _evidence_value(value: Any, names) -> tuple[str, SafeString] | None:
    """A list of evidence ids as their titles, linked to each item's page."""
    if names is None or not isinstance(value, list) or not value:
        return None
    if not all(isinstance(item, int) and not isinstance(item, bool) for item in value):
        return None
    items = [names.evidence(pk) for pk in value]
    text = "; ".join(item.text for item in items)
    return text, mark_safe("; ".join(_linked(item) for item in items))  # noqa: S308 - escaped


_TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> SafeString:
    """The new text with removed words in <del> and added words in <ins>, HTML-escaped.

    Changes separated only by spaces are joined, so a rewritten phrase reads as one change.
    """
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    segments: list[list[str]] = []  # ["=", text] or ["~", removed, added]
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        removed, added = "".join(a[a1:a2]), "".join(b[b1:b2])
        if op == "equal":
            segments.append(["=", removed])
        elif len(segments) >= 2 and segments[-2][0] == "~" and segments[-1][1].isspace():
            space = segments.pop()[1]
            segments[-1][1] += (space + removed) if removed else ""
            segments[-1][2] += (space + added) if added else ""
        else:
            segments.append(["~", removed, added])
    parts = []
    for segment in segments:
        if segment[0] == "=":
            parts.append(escape(segment[1]))
            continue
        if segment[1]:
            parts.append(f"<del>{escape(segment[1])}</del>")
        if segment[2]:
            parts.append(f"<ins>{escape(segment[2])}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str
    changed: bool
    diff: SafeString | None = None  # a word diff, for long text
    label: str = ""  # the field in words
    before_html: SafeString | None = None  # `before` with links (evidence titles), else None
    after_html: SafeString | None = None


def _is_long_text(field: str, old: Any, new: Any) -> bool:
    texts = [v for v in (old, new) if isinstance(v, str)]
    if not texts or any(v is not None and not isinstance(v, str) for v in (old, new)):
        return False
    return field in LONG_TEXT_FIELDS or max(len(t) for t in texts) > LONG_TEXT_LENGTH


def _blank(value: Any) -> Any:
    """Nothing is nothing: a field missing, null, empty or an empty list."""
    return None if value is None or value == "" or value == [] else value


def field_changes(before: Any, after: Any, names=None) -> list[FieldChange]:
    """One row per field of the before and after data, in a stable order; `names` (an
    audit.names.Names) turns evidence ids into linked titles."""
    if not isinstance(before, dict | None) or not isinstance(after, dict | None):
        pairs = [("value", before, after)]
    else:
        before, after = before or {}, after or {}
        fields = list(before) + [field for field in after if field not in before]
        pairs = [(field, before.get(field), after.get(field)) for field in fields]
    rows = []
    for field, old, new in pairs:
        diff = None
        changed = _blank(old) != _blank(new)
        if changed and _is_long_text(field, old, new):
            old_text, new_text = old or "", new or ""
            if len(old_text.split()) + len(new_text.split()) <= DIFF_MAX_TOKENS:
                diff = word_diff(old_text, new_text)
        values = []
        for value in (old, new):
            evidence = _evidence_value(value, names) if field == "evidence" else None
            values.append(evidence or (show(value, field), None))
        (old_text, old_html), (new_text, new_html) = values
        rows.append(
            FieldChange(
                field, old_text, new_text, changed, diff, field_label(field), old_html, new_html
            )
        )
    return rows


def changes_text(changes: list[FieldChange]) -> str:
    """The changed fields in one line each, for a spreadsheet cell."""
    return "\n".join(
        f"{change.label}: {change.before} → {change.after}" for change in changes if change.changed
    )


@dataclass(frozen=True)
class Entry:
    """An event as a page shows it."""

    event: Event
    action: str
    target: Named | None
    changes: list[FieldChange]
    office: str = ""
    person: str = ""

    @property
    def changed_count(self) -> int:
        return sum(change.changed for change in self.changes)

    @property
    def target_text(self) -> str:
        if self.target is None:
            return ""
        return f"{self.target.text} {self.target.detail}".strip()


def describe(event: Event, names: Names, office_names: dict[int, str] | None = None) -> Entry:
    return Entry(
        event=event,
        action=action_label(event.action),
        target=names.target(event),
        changes=field_changes(event.before, event.after, names),
        office=(office_names or {}).get(event.office_id, ""),
        person=names.person(event),
    )


def describe_all(events: list[Event], offices, office_names=None) -> list[Entry]:
    """The events in words, everything they mention named in a few queries (audit.names)."""
    names = Names(events, offices)
    return [describe(event, names, office_names) for event in events]
