"""Newer/Older pages of the office log, newest first by time, without counting the table.

A COUNT over a million events on every page view is the slow part of ordinary pagination;
keyset pages read one page and one more row, straight down an index on (office, at, seq).
Each office is read on its own (an IN over several offices would sort every matching row) and
the pages are merged here.
"""

import heapq
from dataclasses import dataclass

from django.db.models import QuerySet

from .models import Event

PER_PAGE = 50


@dataclass(frozen=True)
class KeysetPage:
    events: list[Event]  # newest first
    newer: int | None  # `after` cursor (an event's seq) of the Newer link, None at the newest
    older: int | None  # `before` cursor of the Older link, None at the oldest

    @property
    def has_other_pages(self) -> bool:
        return self.newer is not None or self.older is not None


def _cursor(value: str | None) -> int | None:
    """A sequence number from the query string; anything else means 'no cursor'."""
    if value and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def _key(event: Event):
    return (event.at, event.seq)


def keyset_page(parts: list[QuerySet], params, per_page: int = PER_PAGE) -> KeysetPage:
    """The page that `params` (?before=seq or ?after=seq) points at, of the union of `parts`
    (disjoint querysets of events, typically one per office)."""
    after, before = _cursor(params.get("after")), _cursor(params.get("before"))
    cursor = after if after is not None else before
    at = Event.objects.filter(seq=cursor).values_list("at", flat=True).first() if cursor else None
    if at is None:
        after = before = None
    if after is not None:
        pages = [
            part.filter(at__gte=at)
            .exclude(at=at, seq__lte=after)
            .order_by("at", "seq")[: per_page + 1]
            for part in parts
        ]
        rows = list(heapq.merge(*pages, key=_key))[: per_page + 1]
        more_newer = len(rows) > per_page
        rows = rows[:per_page][::-1]
        return KeysetPage(
            rows, rows[0].seq if more_newer else None, rows[-1].seq if rows else after
        )
    pages = [
        (
            part if before is None else part.filter(at__lte=at).exclude(at=at, seq__gte=before)
        ).order_by("-at", "-seq")[: per_page + 1]
        for part in parts
    ]
    rows = list(heapq.merge(*pages, key=_key, reverse=True))[: per_page + 1]
    older = rows[per_page - 1].seq if len(rows) > per_page else None
    rows = rows[:per_page]
    newer = None if before is None else (rows[0].seq if rows else before)
    return KeysetPage(rows, newer, older)
