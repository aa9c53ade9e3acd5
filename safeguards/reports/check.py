"""Check a report JSON from the file alone: schema, fingerprint, and every number recomputed.

Pure (no Django, no database): used by the verification page, `manage.py verify_report` and
the tests. Finding the approved version a report matches is the caller's business.
"""

from __future__ import annotations

import io
import itertools
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from safeguards import scoring

from . import disclosure
from .assemble import (
    SCHEMA_1,
    credit_number,
    fingerprint_of,
    method_of,
    rate_number,
    score_number,
    scoring_criteria,
)

SCHEMA_PATH = Path(__file__).resolve().parent.parent.parent / "docs" / "report.schema.json"
ATTACHMENT_NAME = "report.json"
# A report JSON of the largest framework is well under a megabyte; refuse anything huge.
MAX_JSON_BYTES = 10 * 1024 * 1024


class Unreadable(ValueError):
    """The file is not a report we can read; the message says why, in words."""


@dataclass
class Check:
    """What the file says about itself: its fingerprint and whether everything adds up."""

    data: dict[str, Any]
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems

    @property
    def fingerprint(self) -> str:
        return self.data.get("fingerprint", "")


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text())


def parse_json(raw: bytes) -> dict[str, Any]:
    if len(raw) > MAX_JSON_BYTES:
        raise Unreadable("The report data is larger than any report this application makes.")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Unreadable(
            "This file is neither a report PDF nor a report's JSON data. Choose the PDF or the "
            ".json file downloaded from a report."
        ) from None
    if not isinstance(data, dict):
        raise Unreadable("This JSON is not a report: it is not an object.")
    return data


def embedded_json(pdf: bytes) -> bytes | None:
    """The report.json attached to a report PDF, or None if it has none."""
    from pypdf import PdfReader  # imported here: only PDF checks need it

    try:
        reader = PdfReader(io.BytesIO(pdf))
        attachments = reader.attachments
        contents = attachments.get(ATTACHMENT_NAME)
    except Exception:  # pypdf raises many kinds on damaged or hostile files
        raise Unreadable("This PDF could not be read; it may be damaged.") from None
    if not contents:
        return None
    return contents[0]


def check_report(data: dict[str, Any]) -> Check:
    """Validate against the schema, recompute the fingerprint and every score from the file."""
    check = Check(data=data)
    validator = jsonschema.Draft202012Validator(schema())
    # Only the first few: a crafted file with a million bad rows would otherwise keep a
    # worker busy for hours collecting errors nobody reads.
    first = itertools.islice(validator.iter_errors(data), 5)
    errors = sorted(first, key=lambda e: [str(part) for part in e.absolute_path])
    if errors:
        for error in errors:
            where = "/".join(str(part) for part in error.absolute_path) or "(top level)"
            check.problems.append(f"Not a valid report at {where}: {error.message}")
        return check
    recomputed = fingerprint_of(data)
    if recomputed != data["fingerprint"]:
        check.problems.append(
            f"The fingerprint in the file ({data['fingerprint'][:16]}…) is not the SHA-256 of its "
            f"content ({recomputed[:16]}…): something was changed after the report was made."
        )
    check.problems.extend(disclosure.problems(data))
    check.problems.extend(recompute_problems(data))
    return check


def _compare(problems: list[str], what: str, stated: Any, computed: Any) -> None:
    if stated != computed:
        problems.append(f"{what}: the file says {stated!r}, its own answers give {computed!r}.")


def recompute_problems(data: dict[str, Any]) -> list[str]:
    """Every number and list the method derives, recomputed and compared with the file."""
    problems: list[str] = []
    criteria = data["criteria"]
    thresholds = data["framework"]["thresholds"]
    try:
        # Each report is recomputed with its own method: one frozen under method 1 keeps its
        # verdict and still verifies.
        result = scoring.assess(
            scoring_criteria(_Row(row) for row in criteria),
            {row["code"]: row["status"] for row in criteria},
            scoring.Thresholds(thresholds["adequate"], thresholds["significant_gaps"]),
            method=method_of(data),
        )
    except ValueError as error:
        return [f"The answers cannot be scored: {error}"]
    summary = data["summary"]
    _compare(problems, "Overall score", summary["overall_score"], score_number(result.overall))
    _compare(problems, "Verdict", summary["verdict"], result.verdict)
    _compare(
        problems, "Red-line breaches", summary["red_line_breaches"], list(result.red_line_breaches)
    )
    if data["schema"] != SCHEMA_1:
        _compare(
            problems,
            "Red lines not demonstrated",
            summary["red_line_not_demonstrated"],
            list(result.red_line_not_demonstrated),
        )
    _compare(problems, "Gaps in priority order", summary["gaps"], list(result.gaps))
    _compare(problems, "Counts by status", summary["counts"], result.counts_dict())
    _compare(
        problems, "Disclosure rate", summary["disclosure_rate"], rate_number(result.disclosure_rate)
    )
    _compare(problems, "Applicable criteria", summary["applicable"], result.applicable)
    scored = {category.code: category for category in result.categories}
    for category in data["categories"]:
        found = scored.get(category["code"])
        computed = score_number(found.score) if found else None
        _compare(problems, f"Score of category {category['code']}", category["score"], computed)
    for row in criteria:
        _compare(problems, f"Credit of {row['code']}", row["credit"], credit_number(row["status"]))
    undisclosed = [row["code"] for row in criteria if row["status"] == scoring.UNDISCLOSED]
    _compare(
        problems,
        "Questions to the operator",
        [question["code"] for question in data["questions"]],
        undisclosed,
    )
    return problems


class _Row:
    """A criterion row of the JSON seen as scoring's input (its weight is already effective)."""

    def __init__(self, row: dict[str, Any]) -> None:
        self.code = row["code"]
        self.category = row["category"]
        self.severity = row["severity"]
        self.red_line = row["red_line"]
        self.weight = row["weight"]
