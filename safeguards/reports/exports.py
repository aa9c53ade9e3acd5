"""The report as JSON and as CSV (one row per criterion, for spreadsheets)."""

from __future__ import annotations

import csv
import io
from typing import Any

from safeguards import canonical

CSV_COLUMNS = (
    "code",
    "category",
    "category_title",
    "title",
    "question",
    "severity",
    "weight",
    "red_line",
    "status",
    "credit",
    "gap_priority",
    "rationale",
    "recommendation",
    "evidence",
    "recommendations",  # the register's numbers for the criterion, with their status
)
# A cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def render_json(data: dict[str, Any]) -> bytes:
    """The canonical JSON: the same bytes that are stored, embedded in the PDF and verified."""
    return canonical.canonical_json(data)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    # Defuse formulas (a hostile rationale could run one when the CSV is opened).
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def _evidence_cell(items: list[dict[str, Any]]) -> str:
    lines = []
    for item in items:
        parts = [item["title"]]
        parts += [item[key] for key in ("citation", "url") if item.get(key)]
        if item.get("sha256"):
            parts.append(f"SHA-256 {item['sha256']}")
        lines.append(" | ".join(parts))
    return "\n".join(lines)


def _register_cell(recs: list[dict[str, Any]]) -> str:
    return "\n".join(f"{rec['number']} ({rec['status']})" for rec in recs)


def render_csv(data: dict[str, Any]) -> bytes:
    """UTF-8 with a byte-order mark, which spreadsheet programs need to read accents right."""
    titles = {category["code"]: category["title"] for category in data["categories"]}
    priority = {code: index for index, code in enumerate(data["summary"]["gaps"], start=1)}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    register: dict[str | None, list[dict[str, Any]]] = {}
    for rec in data.get("recommendations") or []:
        register.setdefault(rec.get("criterion"), []).append(rec)
    for row in data["criteria"]:
        values = {
            **row,
            "category_title": titles.get(row["category"], ""),
            "gap_priority": priority.get(row["code"]),
            "evidence": _evidence_cell(row["evidence"]),
            "recommendations": _register_cell(register.get(row["code"], [])),
        }
        writer.writerow([_cell(values.get(column)) for column in CSV_COLUMNS])
    # Conditions of approval belong to no criterion: one row each, after the criteria.
    for rec in register.get(None, []):
        values = {
            "code": rec["number"],
            "title": "Condition of approval",
            "recommendation": rec["text"],
            "recommendations": _register_cell([rec]),
        }
        writer.writerow([_cell(values.get(column)) for column in CSV_COLUMNS])
    return out.getvalue().encode("utf-8-sig")
