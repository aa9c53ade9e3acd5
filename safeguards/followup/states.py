"""The life of a recommendation (DESIGN.md §10): its states, who may move it, and its age.

Pure: no Django. `TRANSITIONS` is the whole state machine; the model asks it before any
status change and the tests walk it row by row.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

OPEN = "open"
RESOLVED = "resolved"
CLOSED_IMPLEMENTED = "closed_implemented"
CLOSED_NOT_IMPLEMENTED = "closed_not_implemented"
SUPERSEDED = "superseded"
STATUSES = (OPEN, RESOLVED, CLOSED_IMPLEMENTED, CLOSED_NOT_IMPLEMENTED, SUPERSEDED)
STATUS_LABELS = {
    OPEN: "Open",
    RESOLVED: "Resolved",
    CLOSED_IMPLEMENTED: "Closed – implemented",
    CLOSED_NOT_IMPLEMENTED: "Closed – not implemented",
    SUPERSEDED: "Superseded",
}
LIVE = (OPEN, RESOLVED)  # still tracked: carried forward, counted as open

CONCUR = "concur"
PARTIALLY_CONCUR = "partially_concur"
NON_CONCUR = "non_concur"
NO_RESPONSE = "no_response"
RESPONSES = (CONCUR, PARTIALLY_CONCUR, NON_CONCUR, NO_RESPONSE)
RESPONSE_LABELS = {
    CONCUR: "Concurs",
    PARTIALLY_CONCUR: "Partially concurs",
    NON_CONCUR: "Does not concur",
    NO_RESPONSE: "No response",
}

# Permission needed (an Action of safeguards.accounts.permissions, by value).
EDIT = "edit"
APPROVE = "approve"

RESOLVE = "resolve"
REOPEN = "reopen"
CLOSE_IMPLEMENTED = "close_implemented"
CLOSE_NOT_IMPLEMENTED = "close_not_implemented"
SUPERSEDE = "supersede"
ACTIONS = (RESOLVE, REOPEN, CLOSE_IMPLEMENTED, CLOSE_NOT_IMPLEMENTED, SUPERSEDE)


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    permission: str  # EDIT (reviewers and up) or APPROVE (approvers and up)
    needs_evidence: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    # Resolved: the agency agreed an action, an official and a date (OMB A-50).
    Transition(RESOLVE, OPEN, RESOLVED, EDIT),
    Transition(REOPEN, RESOLVED, OPEN, EDIT),
    # Closed only on evidence, by an approver.
    Transition(CLOSE_IMPLEMENTED, OPEN, CLOSED_IMPLEMENTED, APPROVE, needs_evidence=True),
    Transition(CLOSE_IMPLEMENTED, RESOLVED, CLOSED_IMPLEMENTED, APPROVE, needs_evidence=True),
    Transition(CLOSE_NOT_IMPLEMENTED, OPEN, CLOSED_NOT_IMPLEMENTED, APPROVE, needs_evidence=True),
    Transition(
        CLOSE_NOT_IMPLEMENTED, RESOLVED, CLOSED_NOT_IMPLEMENTED, APPROVE, needs_evidence=True
    ),
    # A closure found wrong is undone by an approver; superseded is final.
    Transition(REOPEN, CLOSED_IMPLEMENTED, OPEN, APPROVE),
    Transition(REOPEN, CLOSED_NOT_IMPLEMENTED, OPEN, APPROVE),
    Transition(SUPERSEDE, OPEN, SUPERSEDED, APPROVE),
    Transition(SUPERSEDE, RESOLVED, SUPERSEDED, APPROVE),
)
_BY_KEY = {(t.source, t.action): t for t in TRANSITIONS}


def transition(status: str, action: str) -> Transition | None:
    """The transition `action` makes from `status`, or None if it is not allowed."""
    return _BY_KEY.get((status, action))


def actions_from(status: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == status]


# --- age -------------------------------------------------------------------------------------

UNRESOLVED_MONTHS = 6  # OMB Circular A-50: resolve within six months of the report
LONG_OPEN_MONTHS = 12  # the GAO-IG Act: report recommendations open more than a year


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day (31 Aug + 6 months = 28/29 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_overdue(status: str, target_date: date | None, today: date) -> bool:
    return status in LIVE and target_date is not None and target_date < today


def unresolved_cutoff(today: date) -> date:
    """Opened on or before this day and still open: unresolved after six months."""
    return add_months(today, -UNRESOLVED_MONTHS)


def long_open_cutoff(today: date) -> date:
    """Opened before this day and still live: open more than a year."""
    return add_months(today, -LONG_OPEN_MONTHS)


def is_unresolved_too_long(status: str, opened_on: date, today: date) -> bool:
    """Still open (no agreed action) six months after the report."""
    return status == OPEN and opened_on <= unresolved_cutoff(today)


def is_open_over_a_year(status: str, opened_on: date, today: date) -> bool:
    return status in LIVE and opened_on < long_open_cutoff(today)


AGE_BUCKETS = ("under_6_months", "6_to_12_months", "over_a_year")


def age_bucket(opened_on: date, today: date) -> str:
    """Which of AGE_BUCKETS a recommendation opened on `opened_on` falls in."""
    if opened_on < long_open_cutoff(today):
        return "over_a_year"
    if opened_on <= unresolved_cutoff(today):
        return "6_to_12_months"
    return "under_6_months"


# --- decisions -------------------------------------------------------------------------------

VALIDITY_MONTHS = {"6_months": 6, "1_year": 12, "2_years": 24, "3_years": 36}
CONTRACT_END = "contract_end"
VALIDITY_LABELS = {
    "6_months": "6 months",
    "1_year": "1 year",
    "2_years": "2 years",
    "3_years": "3 years",
    CONTRACT_END: "Until the contract's end",
}
DUE_SOON_DAYS = 60


def valid_until(decided_on: date, validity: str, contract_end: date | None) -> date | None:
    """The re-assessment due date a decision sets (None: no validity given)."""
    if validity in VALIDITY_MONTHS:
        return add_months(decided_on, VALIDITY_MONTHS[validity])
    if validity == CONTRACT_END:
        return contract_end
    return None


def validity_state(due: date | None, today: date) -> str:
    """'none', 'valid', 'due_soon' (within DUE_SOON_DAYS) or 'expired'."""
    if due is None:
        return "none"
    if due < today:
        return "expired"
    if due - today <= timedelta(days=DUE_SOON_DAYS):
        return "due_soon"
    return "valid"
