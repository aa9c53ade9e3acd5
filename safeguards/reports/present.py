"""What the HTML page and the PDF show, derived from a report's JSON alone (pure, no Django).

Working from the JSON means a frozen version is shown from exactly what was approved.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from safeguards import scoring

from .assemble import method_of

TOP_GAPS = 5
SEVERITY_LABELS = {"critical": "Critical", "high": "High", "medium": "Medium", "low": "Low"}
VERDICT_SENTENCES = {
    scoring.RED_LINE_BREACHED: (
        "At least one red-line safeguard is not met. Under this framework the deployment should "
        "not continue as it stands, whatever its overall score."
    ),
    scoring.RED_LINE_NOT_DEMONSTRATED: (
        "No red-line safeguard is shown to be broken, but the operator has not shown that at "
        "least one of them holds. Until it does, the deployment should not be relied on, "
        "whatever its overall score."
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
ASSESSMENT_STATUS_LABELS = {"draft": "draft", "in_review": "in review", "approved": "approved"}
EVIDENCE_KIND_LABELS = {
    "document": "document",
    "web_page": "web page",
    "quotation": "quotation",
    "correspondence": "correspondence",
    "file": "file",
}
ROLE_LABELS = {
    "reviewer": "Scored by",
    "submitter": "Submitted for review by",
    "approver": "Approved by",
}


def score_text(value: float | int | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def percent_text(rate: float | int | None) -> str:
    return "n/a" if rate is None else f"{rate * 100:.1f} %"


BAND_COLOURS = {"adequate": "#2e6b30", "gaps": "#8a6100", "inadequate": "#a4262c"}
LABEL_CHARACTERS = 34  # per line of a category label; longer labels wrap, never cut


def category_chart(categories: list[dict[str, Any]], thresholds: dict[str, int]) -> str:
    """A horizontal bar chart of category scores as inline SVG markup (already escaped).

    Full labels, wrapped onto as many lines as they need (left-aligned, so none runs off the
    edge); each bar coloured by its band (adequate, significant gaps, inadequate), with a
    legend. Presentation attributes only (no style attributes: the page's CSP forbids them);
    the <title> and <desc> give screen readers the same figures as the bars.
    """
    label_w, bar_w, line_h, top, legend_h = 270, 300, 15, 30, 28
    width = label_w + bar_w + 56
    rows = []
    y = top
    for category in categories:
        lines = textwrap.wrap(f"{category['code']} {category['title']}", LABEL_CHARACTERS) or [""]
        height = max(26, line_h * len(lines) + 10)
        rows.append((category, lines, y, height))
        y += height
    height = y + legend_h
    described = "; ".join(f"{c['code']} {c['title']}: {score_text(c['score'])}" for c in categories)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
        f'aria-labelledby="chart-title chart-desc" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="DejaVu Sans, sans-serif" font-size="12">',
        '<title id="chart-title">Score by category (0 to 100)</title>',
        f'<desc id="chart-desc">{escape(described)}</desc>',
    ]
    for name, value in (
        ("significant gaps", thresholds["significant_gaps"]),
        ("adequate", thresholds["adequate"]),
    ):
        x = label_w + bar_w * value / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 8}" x2="{x:.1f}" y2="{y}" stroke="#555" '
            f'stroke-dasharray="3 3" stroke-width="1"/>'
            f'<text x="{x:.1f}" y="{top - 12}" text-anchor="middle" fill="#333" font-size="10">'
            f"{escape(name)} {value}</text>"
        )
    for category, lines, row_y, row_h in rows:
        middle = row_y + row_h / 2
        first = middle - (len(lines) - 1) * line_h / 2 + 4
        tspans = "".join(
            f'<tspan x="4" y="{first + index * line_h:.1f}">{escape(text)}</tspan>'
            for index, text in enumerate(lines)
        )
        parts.append(
            f'<text fill="#111">{tspans}</text>'
            f'<rect x="{label_w}" y="{middle - 8:.1f}" width="{bar_w}" height="16" '
            f'fill="#eceff3"/>'
        )
        score = category["score"]
        if score is None:
            parts.append(
                f'<text x="{label_w + 6}" y="{middle + 4:.1f}" fill="#333">n/a (no applicable '
                f"criteria)</text>"
            )
            continue
        colour = BAND_COLOURS[printed_band(score, thresholds)]
        parts.append(
            f'<rect x="{label_w}" y="{middle - 8:.1f}" width="{bar_w * score / 100:.1f}" '
            f'height="16" fill={quoteattr(colour)}/>'
            f'<text x="{label_w + bar_w + 6}" y="{middle + 4:.1f}" fill="#111">'
            f"{score_text(score)}</text>"
        )
    legend_y = y + 18
    x = 4
    for band, text in (
        ("adequate", f"adequate ({thresholds['adequate']} or more)"),
        (
            "gaps",
            f"significant gaps ({thresholds['significant_gaps']} to below "
            f"{thresholds['adequate']})",
        ),
        ("inadequate", f"inadequate (below {thresholds['significant_gaps']})"),
    ):
        parts.append(
            f'<rect x="{x}" y="{legend_y - 9}" width="10" height="10" '
            f"fill={quoteattr(BAND_COLOURS[band])}/>"
            f'<text x="{x + 14}" y="{legend_y}" fill="#333" font-size="10">{escape(text)}</text>'
        )
        x += 14 + 6 * len(text) + 14
    parts.append("</svg>")
    return "".join(parts)


def printed_band(score: float | int, thresholds: dict[str, int]) -> str:
    if score >= thresholds["adequate"]:
        return "adequate"
    if score >= thresholds["significant_gaps"]:
        return "gaps"
    return "inadequate"


def _criterion_row(
    row: dict[str, Any], titles: dict[str, str], register: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    refs = [_register(item, register, row["code"]) for item in row["evidence"]]
    return {
        **row,
        "category_title": titles.get(row["category"], ""),
        "status_label": scoring.STATUS_LABELS[row["status"]],
        "severity_label": SEVERITY_LABELS[row["severity"]],
        "credit_text": "—" if row["credit"] is None else f"{row['credit']:g}",
        "evidence_refs": refs,
        # What a criterion's detail shows of its evidence: the register number and citation.
        "citations": [(entry["ref"], entry["citation"]) for entry in refs],
        "gap_priority": None,
    }


def _register(item: dict[str, Any], register: dict[str, dict[str, Any]], code: str):
    """Number each distinct piece of evidence once (E1, E2, ...): the same contract cited by
    forty criteria is listed, with its URL and hash, in one place."""
    key = _item_key(item)
    entry = register.get(key)
    if entry is None:
        entry = {
            **item,
            "ref": f"E{len(register) + 1}",
            "kind_label": EVIDENCE_KIND_LABELS.get(item.get("kind") or "", item.get("kind") or ""),
            "href": item["url"] if _linkable(item["url"]) else None,
            "codes": [],
        }
        register[key] = entry
    entry["codes"].append(code)
    return entry


def _item_key(item: dict[str, Any]):
    """Equal for equal items, as their JSON would be: each value with its type (1, 1.0 and
    True differ), in key order. Items are flat; anything nested is keyed by its JSON."""
    if any(isinstance(value, dict | list) for value in item.values()):
        return json.dumps(item, sort_keys=True)
    return tuple(sorted((key, type(value), value) for key, value in item.items()))


def _linkable(url: str | None) -> bool:
    """Only plain web addresses become links on the page; anything else stays text."""
    return bool(url) and url.lower().startswith(("https://", "http://"))


def presentation(data: dict[str, Any]) -> dict[str, Any]:
    """Template context for one report: the JSON plus labels, groupings and the chart."""
    summary = data["summary"]
    titles = {category["code"]: category["title"] for category in data["categories"]}
    register: dict[str, dict[str, Any]] = {}
    rows = [_criterion_row(row, titles, register) for row in data["criteria"]]
    by_code = {row["code"]: row for row in rows}
    # Schema 1 reports have no such list: under method 1 every red line not met was a breach.
    not_demonstrated = summary.get("red_line_not_demonstrated", [])
    breaches = set(summary["red_line_breaches"])
    # Each gap's recommendation is printed once, in the gap list; its detail points there.
    for index, code in enumerate(summary["gaps"], start=1):
        by_code[code]["gap_priority"] = index
    gaps = [
        {
            **by_code[code],
            "priority": index,
            "breach": code in breaches,
            "not_demonstrated": code in not_demonstrated,
        }
        for index, code in enumerate(summary["gaps"], start=1)
    ]
    questions = [
        {**question, "title": by_code[question["code"]]["title"]} for question in data["questions"]
    ]
    sections = [
        {
            **category,
            "score_text": score_text(category["score"]),
            "criteria": [row for row in rows if row["category"] == category["code"]],
        }
        for category in data["categories"]
    ]
    from . import printed  # printed builds on this module's labels

    counts = summary["counts"]
    fingerprint = data.get("fingerprint", "")
    zone = (data.get("office") or {}).get("time_zone") or "UTC"
    return {
        "report": data,
        "is_draft": data["status"] != "approved",
        "fingerprint": fingerprint,
        "short_fingerprint": fingerprint[:16],
        "assessment_status_label": ASSESSMENT_STATUS_LABELS.get(
            data["assessment"]["status"], data["assessment"]["status"]
        ),
        # Drafts with criteria not assessed claim no verdict (older reports lack the keys).
        "provisional": summary.get("provisional", False),
        "provisional_text": (
            f"Provisional — {summary['assessed']} of {summary['criteria']} assessed"
            if summary.get("provisional")
            else ""
        ),
        "verdict_label": scoring.VERDICT_LABELS.get(summary["verdict"], "No verdict"),
        "verdict_sentence": VERDICT_SENTENCES.get(summary["verdict"], ""),
        "overall_text": score_text(summary["overall_score"]),
        "disclosure_text": percent_text(summary["disclosure_rate"]),
        "counts": [(scoring.STATUS_LABELS[status], counts[status]) for status in scoring.STATUSES],
        "breaches": [by_code[code] for code in summary["red_line_breaches"]],
        "not_demonstrated": [by_code[code] for code in not_demonstrated],
        "method": method_of(data),
        "gaps": gaps,
        "top_gaps": gaps[:TOP_GAPS],
        "questions": questions,
        "sections": sections,
        "evidence": list(register.values()),
        "chart": category_chart(data["categories"], data["framework"]["thresholds"]),
        "approvals": [
            {
                **approval,
                "role_label": ROLE_LABELS.get(approval["role"], approval["role"]),
                "name": approval.get("name") or approval["username"],
                "when": printed.local_time(approval.get("at"), zone),
            }
            for approval in data["approvals"]
        ],
        "time_zone": zone,
        "question_closing": printed.QUESTION_CLOSING,
        "executive_summary": printed.paragraphs(data["assessment"].get("executive_summary")),
        "weights": scoring.DEFAULT_WEIGHTS,
    }
