"""What the printed report says (PDF, one-page summary, DOCX): plain data from the report JSON.

Pure: no Django, no database. The Typst templates and the DOCX writer lay this out; they never
compute a label, a date or a score themselves, so the formats cannot disagree. User text stays
text: it reaches Typst as JSON, never as markup.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from safeguards import scoring

from .present import (
    ASSESSMENT_STATUS_LABELS,
    EVIDENCE_KIND_LABELS,
    SEVERITY_LABELS,
    percent_text,
    score_text,
)

TOP_GAPS = 5
SUMMARY_GAPS = 8
SUMMARY_QUESTIONS = 6
# A run of this many characters without a space gets break opportunities (zero-width spaces),
# so a 64-digit hash or a 10,000-character word wraps instead of running off the page.
LONGEST_UNBROKEN = 32
ZWSP = "\u200b"
_UNBROKEN = re.compile(rf"\S{{{LONGEST_UNBROKEN + 1},}}")
# Control characters other than line breaks and tabs print nothing useful; drop them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

QUESTION_CLOSING = (
    "For each question: if so, please send the document that shows it (for example the policy, "
    "contract clause or record, with its date and section); if not, please say so."
)
ROLE_LABELS = {
    "reviewer": "Scored by",
    "submitter": "Submitted for review by",
    "approver": "Approved by",
}
VERDICT_SENTENCES = {
    scoring.RED_LINE_BREACHED: (
        "At least one red-line safeguard is not met. Under this framework the deployment should "
        "not continue as it stands, whatever its overall score."
    ),
    "red_line_not_demonstrated": (
        "No red line is shown to be breached, but the operator has not shown that every "
        "red-line safeguard holds. Until it does, the deployment should not be relied on."
    ),
    scoring.ADEQUATE: (
        "The deployment has the safeguards this framework asks for; the remaining gaps are minor."
    ),
    scoring.SIGNIFICANT_GAPS: (
        "The deployment has some of the safeguards this framework asks for, with significant "
        "gaps that should be closed."
    ),
    scoring.INADEQUATE: "The deployment lacks most of the safeguards this framework asks for.",
    None: "No verdict: no criterion applies to this deployment yet.",
}
# Bands of the category chart and the verdict panel, by name (the templates pick colours).
ADEQUATE_BAND, GAPS_BAND, INADEQUATE_BAND, NO_BAND = "adequate", "gaps", "inadequate", "unscored"
VERDICT_BANDS = {
    scoring.ADEQUATE: ADEQUATE_BAND,
    scoring.SIGNIFICANT_GAPS: GAPS_BAND,
    scoring.INADEQUATE: INADEQUATE_BAND,
    scoring.RED_LINE_BREACHED: INADEQUATE_BAND,
    "red_line_not_demonstrated": INADEQUATE_BAND,
}


def verdict_label(verdict: str | None) -> str:
    if verdict is None:
        return "No verdict"
    return scoring.VERDICT_LABELS.get(verdict) or verdict.replace("_", " ").capitalize()


def band(score: float | int | None, thresholds: dict[str, int]) -> str:
    if score is None:
        return NO_BAND
    if score >= thresholds["adequate"]:
        return ADEQUATE_BAND
    if score >= thresholds["significant_gaps"]:
        return GAPS_BAND
    return INADEQUATE_BAND


def soft(text: str) -> str:
    """The text with control characters dropped and long unbroken runs made breakable."""
    text = _CONTROL.sub("", text)
    return _UNBROKEN.sub(_breakable, text)


def _breakable(match: re.Match) -> str:
    run = match.group(0)
    step = LONGEST_UNBROKEN
    return ZWSP.join(run[i : i + step] for i in range(0, len(run), step))


def paragraphs(text: str | None) -> list[str]:
    """Free text as paragraphs: blank lines separate them, single line breaks are kept."""
    if not text or not text.strip():
        return []
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n").strip())
    return [block.strip() for block in blocks if block.strip()]


def grouped(fingerprint: str, size: int = 8) -> str:
    return " ".join(fingerprint[i : i + size] for i in range(0, len(fingerprint), size))


def local_time(text: str | None, zone: str) -> str:
    """An ISO time from the report as the office reads it: to the minute, in its time zone."""
    if not text:
        return "—"
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    try:
        tz = ZoneInfo(zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("UTC")
    local = moment.astimezone(tz)
    return f"{local:%-d %B %Y, %H:%M} {local.tzname() or zone}"


def long_date(text: str | None) -> str:
    if not text:
        return "—"
    try:
        return f"{datetime.fromisoformat(text):%-d %B %Y}"
    except ValueError:
        return text


def verify_url(site_url: str, fingerprint: str) -> str:
    return f"{site_url.rstrip('/')}/v/{fingerprint}/"


def _facts(data: dict[str, Any], status_text: str) -> list[list[str]]:
    deployment, framework = data["deployment"], data["framework"]
    facts = [
        ["Operator or agency", deployment.get("operator") or "—"],
        ["Vendor", deployment.get("vendor") or "—"],
    ]
    if deployment.get("technology"):
        facts.append(["Technology", deployment["technology"]])
    if deployment.get("contract_reference"):
        facts.append(["Contract", deployment["contract_reference"]])
    if deployment.get("period_start") or deployment.get("period_end"):
        facts.append(
            [
                "Period",
                f"{long_date(deployment.get('period_start'))} to "
                f"{long_date(deployment.get('period_end'))}",
            ]
        )
    facts += [
        [
            "Framework",
            f"{framework['title']} ({framework['slug']}, version {framework['version']})",
        ],
        ["Assessed as of", long_date(data["assessment"]["as_of"])],
        ["Status", status_text],
    ]
    return facts


def _status_text(data: dict[str, Any]) -> str:
    if data["status"] == "approved":
        return f"Approved — report version {data['report_version']}"
    label = ASSESSMENT_STATUS_LABELS.get(data["assessment"]["status"], data["assessment"]["status"])
    return f"Draft (assessment {label}); not approved"


def _evidence_register(criteria: list[dict[str, Any]]) -> tuple[list[dict], dict[tuple, str]]:
    """Each distinct piece of evidence once (E1, E2, ...), with the criteria citing it."""
    register: dict[tuple, dict[str, Any]] = {}
    for row in criteria:
        for item in row["evidence"]:
            key = tuple(sorted((k, str(v)) for k, v in item.items()))
            entry = register.get(key)
            if entry is None:
                kind = item.get("kind") or ""
                retrieved = item.get("retrieved_on")
                entry = {
                    "ref": f"E{len(register) + 1}",
                    "title": item.get("title") or "",
                    "citation": item.get("citation") or "",
                    "kind": EVIDENCE_KIND_LABELS.get(kind, kind),
                    "retrieved": long_date(retrieved) if retrieved else "",
                    "url": item.get("url") or "",
                    "sha256": item.get("sha256") or "",
                    "excerpt": item.get("excerpt") or "",
                    "codes": [],
                }
                register[key] = entry
            entry["codes"].append(row["code"])
    refs = {key: entry["ref"] for key, entry in register.items()}
    entries = list(register.values())
    for entry in entries:
        entry["cited_for"] = ", ".join(entry.pop("codes"))
    return entries, refs


def _evidence_refs(row: dict[str, Any], refs: dict[tuple, str]) -> str:
    parts = []
    for item in row["evidence"]:
        ref = refs[tuple(sorted((k, str(v)) for k, v in item.items()))]
        parts.append(f"{ref}, {item['citation']}" if item.get("citation") else ref)
    return "; ".join(parts) if parts else "none linked"


def _method(data: dict[str, Any]) -> list[str]:
    weights = scoring.DEFAULT_WEIGHTS
    thresholds = data["framework"]["thresholds"]
    method = data.get("method", 1)
    framework = data["framework"]
    paragraphs_ = [
        "Each criterion gets one status. Its credit: met 1 (the safeguard exists, is binding and "
        "is verified); partially met ½ (exists in part, or stated but not binding or not "
        "verified); not met 0 (absent or contradicted by evidence); undisclosed 0 (the operator "
        "has not made it knowable; it becomes a question to the operator); not assessed 0 "
        "(drafts only); not applicable — left out of every denominator, justified, and never "
        "allowed on a red line.",
        f"A criterion's weight is its own, or by severity: critical {weights['critical']}, high "
        f"{weights['high']}, medium {weights['medium']}, low {weights['low']}. A category's "
        "score is 100 × Σ(weight × credit) ÷ Σ(weight) over its applicable criteria; with none "
        "applicable it has no score (n/a, not 0). The overall score is the same sum over all "
        "applicable criteria, not an average of category scores. Scores are computed exactly "
        "and shown rounded half up to one decimal.",
    ]
    if method == 2:
        paragraphs_.append(
            "Verdict (method 2): a red line is breached when a red-line criterion is not met or "
            "partially met, and not demonstrated when it is undisclosed (or, in a draft, not "
            "assessed). Any breach — red line breached; otherwise any red line not demonstrated "
            "— red line not demonstrated; otherwise an overall score of at least "
            f"{thresholds['adequate']} — adequate; at least {thresholds['significant_gaps']} — "
            "significant gaps; below — inadequate."
        )
    else:
        paragraphs_.append(
            "Verdict (method 1): a red line is breached when a red-line criterion is anything "
            "but met. Any breach — red line breached; otherwise an overall score of at least "
            f"{thresholds['adequate']} — adequate; at least {thresholds['significant_gaps']} — "
            "significant gaps; below — inadequate."
        )
    paragraphs_ += [
        "Gaps are the applicable criteria not met, ordered: red-line criteria first, then "
        "severity (critical first), then status (not met, undisclosed, partially met), then "
        "framework order. The disclosure rate is the share of applicable criteria that are not "
        "undisclosed.",
        f"Framework: {framework['title']}, version {framework['version']}"
        + (f", published by {framework['publisher']}" if framework.get("publisher") else "")
        + ". SHA-256 of its source file"
        + (f" ({framework['source_name']})" if framework.get("source_name") else "")
        + f": {framework['sha256']}.",
        f"The fingerprint is the SHA-256 of the report's JSON (schema {data['schema']}) without "
        "its “fingerprint” and “generated_at” keys (and “disclosures”, where present), written "
        "with sorted keys, no spaces and UTF-8. The JSON carries every answer, weight and "
        "threshold, so every number in this report can be recomputed from it alone. It is "
        "attached to this PDF as report.json.",
    ]
    return paragraphs_


def view(
    data: dict[str, Any],
    *,
    paper: str = "letter",
    site_url: str = "",
    logo: str | None = None,
) -> dict[str, Any]:
    """Everything the printed report shows, as JSON-ready data with text ready to print.

    `paper` is "letter" or "a4"; `logo` the letterhead image's file name in the compile root.
    """
    summary = data["summary"]
    thresholds = data["framework"]["thresholds"]
    office = data.get("office") or {}
    zone = office.get("time_zone") or "UTC"
    titles = {category["code"]: category["title"] for category in data["categories"]}
    by_code = {row["code"]: row for row in data["criteria"]}
    gap_priority = {code: index for index, code in enumerate(summary["gaps"], start=1)}
    breaches = set(summary["red_line_breaches"])
    not_demonstrated = set(summary.get("red_line_not_demonstrated", []))
    evidence, refs = _evidence_register(data["criteria"])
    fingerprint = data.get("fingerprint", "")
    is_draft = data["status"] != "approved"
    counts = summary["counts"]

    def gap(code: str) -> dict[str, Any]:
        row = by_code[code]
        flag = (
            "red line breached"
            if code in breaches
            else "red line not demonstrated"
            if code in not_demonstrated
            else ("red line" if row["red_line"] else "")
        )
        return {
            "priority": gap_priority[code],
            "code": code,
            "title": row["title"],
            "category": titles.get(row["category"], row["category"]),
            "severity": SEVERITY_LABELS.get(row["severity"], row["severity"]),
            "status": scoring.STATUS_LABELS.get(row["status"], row["status"]),
            "red_line": flag,
            "recommendation": paragraphs(row["recommendation"]),
        }

    gaps = [gap(code) for code in summary["gaps"]]
    sections = []
    for category in data["categories"]:
        rows = []
        for row in data["criteria"]:
            if row["category"] != category["code"]:
                continue
            priority = gap_priority.get(row["code"])
            rows.append(
                {
                    "code": row["code"],
                    "title": row["title"],
                    "status": scoring.STATUS_LABELS.get(row["status"], row["status"]),
                    "status_code": row["status"],
                    "severity": SEVERITY_LABELS.get(row["severity"], row["severity"]),
                    "weight": str(row["weight"]),
                    "credit": "—" if row["credit"] is None else f"{row['credit']:g}",
                    "red_line": bool(row["red_line"]),
                    "gap": priority,
                    "question": row.get("question") or "",
                    "rationale": paragraphs(row["rationale"]),
                    # A gap's recommendation is printed once, in the list of gaps.
                    "recommendation": [] if priority else paragraphs(row["recommendation"]),
                    "evidence": _evidence_refs(row, refs),
                }
            )
        sections.append(
            {
                "code": category["code"],
                "title": category["title"],
                "score": score_text(category["score"]),
                "criteria": rows,
            }
        )
    chart = [
        {
            "code": category["code"],
            "title": category["title"],
            "score": score_text(category["score"]),
            "ratio": None if category["score"] is None else max(0, min(1, category["score"] / 100)),
            "band": band(category["score"], thresholds),
        }
        for category in data["categories"]
    ]
    questions = [
        {
            "code": item["code"],
            "title": by_code[item["code"]]["title"] if item["code"] in by_code else "",
            "question": item["question"],
        }
        for item in data["questions"]
    ]
    signoff = [
        {
            "role": ROLE_LABELS.get(approval["role"], approval["role"]),
            "name": approval.get("name") or approval["username"],
            "title": approval.get("title") or "",
            "when": local_time(approval.get("at"), zone),
            # What the approver attested on the confirmation step, and their note.
            "attestation": approval.get("attestation") or "",
            "note": approval.get("note") or "",
        }
        for approval in data["approvals"]
    ]
    verdict = summary["verdict"]
    result: dict[str, Any] = {
        "draft": is_draft,
        "paper": "us-letter" if paper.lower() == "letter" else "a4",
        "title": f"Gap report: {data['deployment']['name']}"
        + (" (draft)" if is_draft else f" (version {data['report_version']})"),
        "office": {"name": office.get("name", ""), "address": office.get("address_line") or ""},
        "logo": logo,
        "deployment": data["deployment"]["name"],
        "assessment": data["assessment"]["title"],
        "facts": _facts(data, _status_text(data)),
        "as_of": long_date(data["assessment"]["as_of"]),
        "status_text": _status_text(data),
        "verdict": {
            "label": verdict_label(verdict),
            "sentence": VERDICT_SENTENCES.get(verdict, ""),
            "band": VERDICT_BANDS.get(verdict, NO_BAND),
        },
        "score": score_text(summary["overall_score"]),
        "applicable": summary["applicable"],
        "total": len(data["criteria"]),
        "disclosure": percent_text(summary["disclosure_rate"]),
        "undisclosed": counts.get(scoring.UNDISCLOSED, 0),
        "counts": [
            [scoring.STATUS_LABELS[status], str(counts.get(status, 0))]
            for status in scoring.STATUSES
        ],
        "breaches": [gap(code) for code in summary["red_line_breaches"]],
        "not_demonstrated": [gap(code) for code in summary.get("red_line_not_demonstrated", [])],
        "top_gaps": gaps[:TOP_GAPS],
        "gaps": gaps,
        "chart": chart,
        "thresholds": {
            "adequate": str(thresholds["adequate"]),
            "significant_gaps": str(thresholds["significant_gaps"]),
        },
        "questions": questions,
        "question_closing": QUESTION_CLOSING,
        "sections": sections,
        "evidence": evidence,
        "method": _method(data),
        "signoff": signoff,
        "audit": {
            "events": str(data["audit"]["events"]),
            "head": data["audit"]["head"] or "none",
        },
        "fingerprint": fingerprint,
        "fingerprint_grouped": grouped(fingerprint),
        "short_fingerprint": fingerprint[:16],
        "generated": local_time(data.get("generated_at"), zone),
        "verify_url": verify_url(site_url, fingerprint) if site_url else "",
    }
    result["open_recommendations"] = open_recommendations(data, gaps)
    result["brief"] = brief(result)
    executive = paragraphs(data["assessment"].get("executive_summary"))
    if executive:
        result["executive_summary"] = executive
    # The recommendations register and the decision (schema 2, DESIGN.md §10).
    from safeguards.followup.printing import register_view

    result.update(register_view(data))
    # Information requests and their outcomes (DESIGN.md §10): an appendix, and a line under
    # each criterion asked about.
    from safeguards.followup.printing import requests_view

    asked = requests_view(data)
    lines = asked.pop("request_lines", {})
    for section in result["sections"]:
        for criterion in section["criteria"]:
            criterion["requests"] = lines.get(criterion["code"], [])
    result.update(asked)
    from safeguards.followup.printing import comments_view

    result.update(comments_view(data))
    return result


OPEN_STATUSES = ("open", "resolved")
# The one-page summary: at most this many items per list, each cut to BRIEF_CHARACTERS.
BRIEF_LIMITS = {"red_lines": 4, "gaps": 5, "recommendations": 4, "questions": 3}
BRIEF_CHARACTERS = 110


def shorten(text: str, limit: int = BRIEF_CHARACTERS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def brief(view: dict[str, Any]) -> dict[str, Any]:
    """The lists of the one-page summary: the first few items, each short; with the totals."""
    red = view["breaches"] + view["not_demonstrated"]
    lists = {
        "red_lines": [
            {"code": g["code"], "text": shorten(f"{g['title']} — {g['red_line']}")} for g in red
        ],
        "gaps": [
            {"code": g["code"], "text": shorten(f"{g['title']} ({g['severity']}, {g['status']})")}
            for g in view["gaps"]
        ],
        "recommendations": [
            {"code": o["ref"], "text": shorten(o["text"])} for o in view["open_recommendations"]
        ],
        "questions": [
            {"code": q["code"], "text": shorten(q["question"])} for q in view["questions"]
        ],
    }
    return {
        name: {
            "items": items[: BRIEF_LIMITS[name]],
            "more": max(0, len(items) - BRIEF_LIMITS[name]),
        }
        for name, items in lists.items()
    }


def open_recommendations(data: dict[str, Any], gaps: list[dict[str, Any]]) -> list[dict]:
    """What the office asks the operator to do: the register's open items when the report
    carries one, else each gap's recommendation."""
    register = data.get("recommendations")
    if isinstance(register, list):
        items = []
        for item in register:
            if not isinstance(item, dict) or item.get("status", "open") not in OPEN_STATUSES:
                continue
            text = item.get("text") or item.get("recommendation") or ""
            ref = item.get("number") or item.get("code") or item.get("criterion") or ""
            items.append({"ref": str(ref), "text": " ".join(paragraphs(str(text)))})
        return items
    return [
        {"ref": gap["code"], "text": " ".join(gap["recommendation"])}
        for gap in gaps
        if gap["recommendation"]
    ]


def printable(value: Any, keep: frozenset[str] = frozenset({"paper", "logo", "band"})) -> Any:
    """`value` with every string passed through `soft` (except layout keys)."""
    if isinstance(value, str):
        return soft(value)
    if isinstance(value, list):
        return [printable(item, keep) for item in value]
    if isinstance(value, dict):
        return {k: v if k in keep else printable(v, keep) for k, v in value.items()}
    return value
