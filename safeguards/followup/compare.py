"""Two reports of one deployment, criterion by criterion (DESIGN.md §10, "Compare").

Pure: report JSON dicts in, a Comparison out. Criteria are matched on code, through a code
map when the framework versions differ; never on text, so a reworded criterion is not a new
one and a renamed code without a mapping shows as removed and added, not as changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

NEW_GAP = "new_gap"
CLOSED_GAP = "closed_gap"
WORSENED = "worsened"
IMPROVED = "improved"
UNCHANGED = "unchanged"  # a gap on both sides, same status
NO_GAP = "no_gap"  # met (or not applicable) on both sides
ADDED = "added"  # only in the newer report, not a gap there
REMOVED = "removed"  # only in the older report
CHANGES = (NEW_GAP, CLOSED_GAP, WORSENED, IMPROVED, ADDED, REMOVED)
KIND_LABELS = {
    NEW_GAP: "New gap",
    CLOSED_GAP: "Closed gap",
    WORSENED: "Worsened",
    IMPROVED: "Improved",
    UNCHANGED: "Unchanged gap",
    NO_GAP: "No gap",
    ADDED: "New criterion",
    REMOVED: "Criterion removed",
}
# How good a status is, for worsened/improved between two gaps.
RANK = {"met": 4, "partial": 3, "undisclosed": 2, "not_assessed": 2, "not_met": 1}
CLOSED_STATUSES = ("closed_implemented", "closed_not_implemented", "superseded")
LIVE_STATUSES = ("open", "resolved")


@dataclass(frozen=True)
class Row:
    code: str  # the newer report's code (the older one's if removed)
    old_code: str | None
    title: str
    kind: str
    old_status: str | None
    new_status: str | None
    red_line: bool

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def changed(self) -> bool:
        return self.kind in CHANGES or (self.old_code is not None and self.old_code != self.code)


@dataclass(frozen=True)
class Comparison:
    old_label: str
    new_label: str
    rows: tuple[Row, ...]
    old_score: float | int | None
    new_score: float | int | None
    old_verdict: str | None
    new_verdict: str | None
    new_breaches: tuple[str, ...]
    ended_breaches: tuple[str, ...]
    recommendations_opened: tuple[str, ...]
    recommendations_closed: tuple[str, ...]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def score_change(self) -> float | None:
        if self.old_score is None or self.new_score is None:
            return None
        return round(self.new_score - self.old_score, 1)

    @property
    def worse_reasons(self) -> list[str]:
        """Why the newer report is worse (empty: it is not)."""
        reasons = []
        if self.new_breaches:
            reasons.append("new red-line breach: " + ", ".join(self.new_breaches))
        new_gaps = [row.code for row in self.rows if row.kind == NEW_GAP]
        if new_gaps:
            reasons.append("new gap: " + ", ".join(new_gaps))
        change = self.score_change
        if change is not None and change < 0:
            reasons.append(
                f"overall score down {-change:g} ({self.old_score:g} → {self.new_score:g})"
            )
        return reasons

    @property
    def is_worse(self) -> bool:
        return bool(self.worse_reasons)

    def as_dict(self) -> dict[str, Any]:
        return {
            "old": self.old_label,
            "new": self.new_label,
            "worse": self.is_worse,
            "worse_reasons": self.worse_reasons,
            "score": {
                "old": self.old_score,
                "new": self.new_score,
                "change": self.score_change,
            },
            "verdict": {"old": self.old_verdict, "new": self.new_verdict},
            "red_lines": {
                "new_breaches": list(self.new_breaches),
                "ended_breaches": list(self.ended_breaches),
            },
            "recommendations": {
                "opened": list(self.recommendations_opened),
                "closed": list(self.recommendations_closed),
            },
            "counts": dict(self.counts),
            "criteria": [
                {
                    "code": row.code,
                    "old_code": row.old_code,
                    "title": row.title,
                    "change": row.kind,
                    "old_status": row.old_status,
                    "new_status": row.new_status,
                    "red_line": row.red_line,
                }
                for row in self.rows
            ],
        }


def _kind(old_status: str, new_status: str, old_gap: bool, new_gap: bool) -> str:
    if old_gap and not new_gap:
        return CLOSED_GAP
    if new_gap and not old_gap:
        return NEW_GAP
    if not new_gap:
        return NO_GAP
    old_rank, new_rank = RANK.get(old_status, 0), RANK.get(new_status, 0)
    if new_rank < old_rank:
        return WORSENED
    if new_rank > old_rank:
        return IMPROVED
    return UNCHANGED


def compare(
    old: dict[str, Any],
    new: dict[str, Any],
    *,
    old_label: str = "older",
    new_label: str = "newer",
    code_map: dict[str, str | None] | None = None,
) -> Comparison:
    """Compare report `old` with report `new`; `code_map` maps old codes to new ones (a code
    not in it keeps its own; None: no counterpart)."""
    code_map = code_map or {}
    mapped = {code: code_map.get(code, code) for code in (c["code"] for c in old["criteria"])}
    old_by_new_code = {new_code: code for code, new_code in mapped.items() if new_code}
    old_rows = {c["code"]: c for c in old["criteria"]}
    old_gaps = set(old["summary"]["gaps"])
    new_gaps = set(new["summary"]["gaps"])
    rows, seen = [], set()
    for criterion in new["criteria"]:
        code = criterion["code"]
        old_code = old_by_new_code.get(code)
        before = old_rows.get(old_code) if old_code else None
        gap = code in new_gaps
        if before is None:
            kind = NEW_GAP if gap else ADDED
            rows.append(
                Row(
                    code,
                    None,
                    criterion["title"],
                    kind,
                    None,
                    criterion["status"],
                    criterion["red_line"],
                )
            )
            continue
        seen.add(old_code)
        kind = _kind(before["status"], criterion["status"], old_code in old_gaps, gap)
        rows.append(
            Row(
                code,
                old_code,
                criterion["title"],
                kind,
                before["status"],
                criterion["status"],
                criterion["red_line"],
            )
        )
    for criterion in old["criteria"]:
        if criterion["code"] not in seen:
            rows.append(
                Row(
                    criterion["code"],
                    criterion["code"],
                    criterion["title"],
                    REMOVED,
                    criterion["status"],
                    None,
                    criterion["red_line"],
                )
            )
    old_breaches = {mapped.get(code) or code for code in old["summary"]["red_line_breaches"]}
    new_breaches = set(new["summary"]["red_line_breaches"])
    old_recs = {r["number"]: r["status"] for r in old.get("recommendations") or []}
    new_recs = {r["number"]: r["status"] for r in new.get("recommendations") or []}
    counts = {kind: 0 for kind in KIND_LABELS}
    for row in rows:
        counts[row.kind] += 1
    return Comparison(
        old_label=old_label,
        new_label=new_label,
        rows=tuple(rows),
        old_score=old["summary"]["overall_score"],
        new_score=new["summary"]["overall_score"],
        old_verdict=old["summary"]["verdict"],
        new_verdict=new["summary"]["verdict"],
        new_breaches=tuple(sorted(new_breaches - old_breaches)),
        ended_breaches=tuple(sorted(old_breaches - new_breaches)),
        recommendations_opened=tuple(n for n in new_recs if n not in old_recs),
        recommendations_closed=tuple(
            n
            for n, status in new_recs.items()
            if status in CLOSED_STATUSES and old_recs.get(n, "open") in LIVE_STATUSES
        ),
        counts=counts,
    )


CSV_COLUMNS = ("code", "old_code", "title", "change", "old_status", "new_status", "red_line")


def csv_rows(comparison: Comparison):
    yield CSV_COLUMNS
    for row in comparison.as_dict()["criteria"]:
        yield tuple(row[column] for column in CSV_COLUMNS)
