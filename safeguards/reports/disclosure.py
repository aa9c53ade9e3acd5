"""Restricted values and their disclosures: public and restricted versions of one report.

The selective-disclosure technique of RFC 9901 (SD-JWT), as DESIGN.md section 11 has it: in
the frozen JSON each restricted free-text value is replaced by `{"_sd": DIGEST}`, DIGEST the
SHA-256 hex of the canonical JSON of `[salt, value]` with a random 128-bit salt; `disclosures`
maps each digest to `[salt, value]` and is left out of the fingerprint, so the restricted
version (with disclosures) and the public version (without) have the same fingerprint.
`withheld` maps each digest to its reason and is part of the fingerprint.

Pure: no Django, no database. Statuses, scores and codes are never restricted.
"""

from __future__ import annotations

import base64
import copy
import os
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from safeguards import canonical

ANSWER_FIELDS = ("rationale", "recommendation")
EVIDENCE_FIELDS = ("title", "url", "citation", "excerpt")
DISCLOSURES = "disclosures"
WITHHELD = "withheld"


@dataclass(frozen=True)
class Marks:
    """What is restricted, and why: per criterion code its answer fields, per evidence item
    (its title and URL, as the report identifies evidence) the whole item."""

    answers: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    evidence: Mapping[tuple[str, str | None], str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.answers or self.evidence)


def new_salt() -> str:
    """128 random bits, base64url without padding (as SD-JWT writes salts)."""
    return base64.urlsafe_b64encode(os.urandom(16)).rstrip(b"=").decode()


def digest(salt: str, value: Any) -> str:
    return canonical.sha256_hex(canonical.canonical_json([salt, value]))


def is_sealed(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"_sd"} and isinstance(value["_sd"], str)


def seal(data: dict[str, Any], marks: Marks, salt: Callable[[], str] = new_salt) -> dict[str, Any]:
    """A copy of the report with every marked, non-empty value replaced by its digest, and the
    `disclosures` and `withheld` maps added (only when something is restricted)."""
    sealed = copy.deepcopy(data)
    disclosures: dict[str, list] = {}
    withheld: dict[str, str] = {}
    # One evidence item cited for several criteria is one withheld value, not several.
    known: dict[tuple[str, str], str] = {}

    def hide(holder: dict, key: str, reason: str) -> None:
        value = holder.get(key)
        if value in (None, "") or is_sealed(value):
            return
        hashed = known.get((canonical.canonical_json(value).decode(), reason))
        if hashed is None:
            grain = salt()
            hashed = digest(grain, value)
            known[(canonical.canonical_json(value).decode(), reason)] = hashed
            disclosures[hashed] = [grain, value]
            withheld[hashed] = reason
        holder[key] = {"_sd": hashed}

    for row in sealed.get("criteria", []):
        for name, reason in (marks.answers.get(row["code"]) or {}).items():
            if name in ANSWER_FIELDS and reason:
                hide(row, name, reason)
        for item in row.get("evidence", []):
            reason = marks.evidence.get((item.get("title"), item.get("url")))
            if reason:
                for name in EVIDENCE_FIELDS:
                    hide(item, name, reason)
    # The register repeats each criterion's recommendation as its own text: withhold it too.
    for entry in sealed.get("recommendations") or []:
        reason = (marks.answers.get(entry.get("criterion") or "") or {}).get("recommendation")
        if isinstance(entry, dict) and reason:
            hide(entry, "text", reason)
    if disclosures:
        sealed[DISCLOSURES] = disclosures
        sealed[WITHHELD] = withheld
    return sealed


def public(data: dict[str, Any]) -> dict[str, Any]:
    """The public version: the same document without its disclosures."""
    return {key: value for key, value in data.items() if key != DISCLOSURES}


def is_public(data: dict[str, Any]) -> bool:
    return bool(data.get(WITHHELD)) and DISCLOSURES not in data


def _walk(value: Any, replace: Callable[[str], Any]) -> Any:
    if is_sealed(value):
        return replace(value["_sd"])
    if isinstance(value, dict):
        return {key: _walk(item, replace) for key, item in value.items()}
    if isinstance(value, list):
        return [_walk(item, replace) for item in value]
    return value


def withheld_text(reason: str) -> str:
    return f"[withheld: {reason}]"


def readable(data: dict[str, Any]) -> dict[str, Any]:
    """The report as renderers show it: the restricted version with its values back in place,
    the public one with each withheld value replaced by a note of its reason."""
    if not data.get(WITHHELD):
        return data
    disclosures = data.get(DISCLOSURES) or {}
    reasons = data[WITHHELD]

    def replace(hashed: str) -> Any:
        if hashed in disclosures:
            return disclosures[hashed][1]
        return withheld_text(reasons.get(hashed, "restricted"))

    shown = _walk({k: v for k, v in data.items() if k not in (DISCLOSURES, WITHHELD)}, replace)
    shown[WITHHELD] = reasons
    if disclosures:
        shown[DISCLOSURES] = {}  # marks the restricted version without repeating the values
    return shown


def withheld_summary(data: dict[str, Any]) -> tuple[int, list[tuple[str, int]]]:
    """How many values the report withholds, and how many for each reason."""
    reasons = Counter((data.get(WITHHELD) or {}).values())
    return sum(reasons.values()), sorted(reasons.items())


def notice(data: dict[str, Any]) -> str | None:
    """The sentence a public rendering prints on its first page; None for other versions."""
    if not data.get(WITHHELD) or DISCLOSURES in data:
        return None
    count, reasons = withheld_summary(data)
    which = "; ".join(f"{reason}: {n}" for reason, n in reasons)
    version = data.get("report_version")
    label = f"report v{version}" if version else "the draft report"
    return (
        f"Public version of {label}, fingerprint {data.get('fingerprint', '')}; "
        f"{count} item{'s' if count != 1 else ''} withheld ({which})."
    )


def version_kind(data: dict[str, Any]) -> str:
    if not data.get(WITHHELD):
        return "complete"
    return "restricted" if DISCLOSURES in data else "public"


def problems(data: dict[str, Any]) -> list[str]:
    """Disclosures that do not hash to their digest, digests with no reason, disclosures of
    values the report does not withhold: each is a sign the file was changed."""
    found: list[str] = []
    withheld = data.get(WITHHELD)
    disclosures = data.get(DISCLOSURES)
    if withheld is None and disclosures is None:
        return found
    if not isinstance(withheld, dict) or (
        disclosures is not None and not isinstance(disclosures, dict)
    ):
        return ["The withheld values or their disclosures are not maps of digests."]
    referenced: list[str] = []
    _walk({k: v for k, v in data.items() if k not in (DISCLOSURES, WITHHELD)}, referenced.append)
    if set(referenced) != set(withheld):
        found.append("The list of withheld values does not match the values the report hides.")
    for hashed, pair in (disclosures or {}).items():
        if hashed not in withheld:
            found.append(f"Disclosure {hashed[:16]}… discloses a value the report does not hide.")
        elif not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)):
            found.append(f"Disclosure {hashed[:16]}… is not a [salt, value] pair.")
        elif digest(pair[0], pair[1]) != hashed:
            found.append(
                f"Disclosure {hashed[:16]}… does not hash to its digest: the restricted value "
                "was changed after the report was frozen."
            )
    if disclosures is not None and set(disclosures) != set(withheld):
        found.append("The restricted version lacks the disclosure of some withheld values.")
    return found
