"""Sortable list columns: `?sort=` read against the list's own columns, and the header links
that change it (with `aria-sort` on the sorted one). An unknown value falls back to the default."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    label: str
    key: str = ""  # the value of ?sort= (empty: not sortable)
    ordering: tuple[str, ...] = ()  # ascending; reversed term by term for descending
    descending_first: bool = False  # dates and counts: newest or largest first on a first click
    orders: tuple[str, str] = ("A to Z", "Z to A")  # ascending, descending: for the caption


@dataclass(frozen=True)
class Header:
    label: str
    sort: str  # the ?sort= value a click sets ("" for a column that does not sort)
    direction: str  # "ascending" / "descending" on the sorted column, else ""
    action: str  # what a click does, for screen readers


@dataclass(frozen=True)
class Sorting:
    ordering: list[str]
    headers: list[Header]
    label: str  # "As of, newest first": for the table's caption


def _reverse(term: str) -> str:
    return term[1:] if term.startswith("-") else f"-{term}"


def sort_by(value: str | None, columns: list[Column], default: str) -> Sorting:
    """The ORM ordering and the header links for `?sort=value` (e.g. "name", "-as_of")."""
    by_key = {column.key: column for column in columns if column.key}
    value = value or default
    descending = value.startswith("-")
    current = by_key.get(value.removeprefix("-"))
    if current is None:
        descending = default.startswith("-")
        current = by_key[default.removeprefix("-")]
    ordering = [_reverse(term) if descending else term for term in current.ordering]
    ordering.append("-pk" if descending else "pk")
    headers = []
    for column in columns:
        if not column.key:
            headers.append(Header(column.label, "", "", ""))
            continue
        if column is current:
            direction = "descending" if descending else "ascending"
            click_descending = not descending
        else:
            direction = ""
            click_descending = column.descending_first
        headers.append(
            Header(
                column.label,
                f"-{column.key}" if click_descending else column.key,
                direction,
                "sort descending" if click_descending else "sort ascending",
            )
        )
    return Sorting(ordering, headers, _caption(current, descending))


def _caption(column: Column, descending: bool) -> str:
    return f"sorted by {column.label.lower()}, {column.orders[descending]}"


DATES = ("oldest first", "newest first")
COUNTS = ("fewest first", "most first")
