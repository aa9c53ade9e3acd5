"""Audit events in words: action names, targets and field-by-field changes with word diffs."""

import difflib
import json
import re
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Event

ACTION_LABELS = {
    "answer.updated": "Answer changed",
    "assessment.approved": "Assessment approved",
    "assessment.created": "Assessment started",
    "assessment.imported": "Assessment imported",
    "assessment.reopened": "Assessment reopened",
    "assessment.returned": "Assessment returned to draft",
    "assessment.submitted": "Assessment submitted for review",
    "deployment.created": "Deployment described",
    "deployment.updated": "Deployment changed",
    "evidence.added": "Evidence added",
    "evidence.linked": "Evidence linked to an answer",
    "evidence.unlinked": "Evidence unlinked from an answer",
    "framework.loaded": "Framework loaded",
    "membership.changed": "Membership changed",
    "membership.removed": "Member removed",
    "office.created": "Office created",
    "office.renamed": "Office renamed",
    "report.frozen": "Report version frozen",
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


def target_label(target_type: str, target_id: str) -> str:
    """'answer 12' from 'reviews.answer' and '12', without a query."""
    if not target_type:
        return EMPTY
    try:
        name = str(apps.get_model(target_type)._meta.verbose_name)
    except (LookupError, ValueError):
        name = target_type
    return f"{name} {target_id}".strip()


def show(value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


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


def _is_long_text(field: str, old: Any, new: Any) -> bool:
    texts = [v for v in (old, new) if isinstance(v, str)]
    if not texts or any(v is not None and not isinstance(v, str) for v in (old, new)):
        return False
    return field in LONG_TEXT_FIELDS or max(len(t) for t in texts) > LONG_TEXT_LENGTH


def field_changes(before: Any, after: Any) -> list[FieldChange]:
    """One row per field of the before and after data, in a stable order."""
    if not isinstance(before, dict | None) or not isinstance(after, dict | None):
        pairs = [("value", before, after)]
    else:
        before, after = before or {}, after or {}
        fields = list(before) + [field for field in after if field not in before]
        pairs = [(field, before.get(field), after.get(field)) for field in fields]
    rows = []
    for field, old, new in pairs:
        diff = None
        if old != new and _is_long_text(field, old, new):
            old_text, new_text = old or "", new or ""
            if len(old_text.split()) + len(new_text.split()) <= DIFF_MAX_TOKENS:
                diff = word_diff(old_text, new_text)
        rows.append(FieldChange(field, show(old), show(new), old != new, diff))
    return rows


@dataclass(frozen=True)
class Entry:
    """An event as a page shows it."""

    event: Event
    action: str
    target: str
    changes: list[FieldChange]
    office: str = ""

    @property
    def changed_count(self) -> int:
        return sum(change.changed for change in self.changes)


def describe(event: Event, office_names: dict[int, str] | None = None) -> Entry:
    return Entry(
        event=event,
        action=action_label(event.action),
        target=target_label(event.target_type, event.target_id),
        changes=field_changes(event.before, event.after),
        office=(office_names or {}).get(event.office_id, ""),
    )
