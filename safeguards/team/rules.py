"""Pure rules of review notes and "edited after review" (no ORM, no I/O)."""

from datetime import datetime


def edited_after_review(
    updated_at: datetime | None, first_review: datetime | None, last_clear: datetime | None
) -> bool:
    """Whether an answer changed after someone reviewed it and nobody has reviewed it since.

    first_review: the earliest moment a second person looked at the answer: the assessment's
    first submission, or a note on the answer being cleared. last_clear: the latest moment it
    was reviewed again: a note cleared, a "reviewed" mark, or an approval.
    """
    if updated_at is None or first_review is None or updated_at <= first_review:
        return False
    return last_clear is None or updated_at > last_clear


def earliest(*moments: datetime | None) -> datetime | None:
    known = [moment for moment in moments if moment is not None]
    return min(known) if known else None


def latest(*moments: datetime | None) -> datetime | None:
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def waiting_after_reply(author_id: int | None, replier_id: int) -> str:
    """A reply by the note's author keeps it waiting for an answer; anyone else's answers it."""
    return "reply" if replier_id == author_id else "clearing"
