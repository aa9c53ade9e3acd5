"""Newer/Older pages over events by sequence number, without counting the table.

A COUNT over a million events on every page view is the slow part of ordinary pagination;
keyset pages only ever read one page and one more row.
"""

from dataclasses import dataclass

from django.db.models import QuerySet

from .models import Event

PER_PAGE = 50


@dataclass(frozen=True)
class KeysetPage:
    events: list[Event]  # newest first
    newer: int | None  # `after` cursor of the Newer link, or None at the newest
    older: int | None  # `before` cursor of the Older link, or None at the oldest

    @property
    def has_other_pages(self) -> bool:
        return self.newer is not None or self.older is not None


def _cursor(value: str | None) -> int | None:
    """A sequence number from the query string; anything else means 'no cursor'."""
    if value and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def keyset_page(events: QuerySet, params, per_page: int = PER_PAGE) -> KeysetPage:
    """The page of `events` that `params` (?before=seq or ?after=seq) points at."""
    after, before = _cursor(params.get("after")), _cursor(params.get("before"))
    if after is not None:
        rows = list(events.filter(seq__gt=after).order_by("seq")[: per_page + 1])
        more_newer = len(rows) > per_page
        rows = rows[:per_page][::-1]
        newer = rows[0].seq if more_newer else None
        return KeysetPage(rows, newer, rows[-1].seq if rows else after + 1)
    if before is not None:
        events = events.filter(seq__lt=before)
    rows = list(events.order_by("-seq")[: per_page + 1])
    older = rows[per_page - 1].seq if len(rows) > per_page else None
    rows = rows[:per_page]
    newer = None if before is None else (rows[0].seq if rows else before - 1)
    return KeysetPage(rows, newer, older)
