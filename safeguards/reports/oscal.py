"""The report as OSCAL 1.2: assessment results and a plan of action and milestones (POA&M).

Pure: report JSON in, OSCAL JSON out. Every UUID is derived (UUID 5) from what it stands for,
so the same reports give the same document, and a POA&M item keeps its UUID across report
versions (it is keyed on the deployment and the recommendation's number, or the criterion's
code). Lists are in framework order and keys sorted, as Lula writes them.
"""

from __future__ import annotations

import uuid
from typing import Any

from safeguards import canonical, scoring

OSCAL_VERSION = "1.2.1"
NAMESPACE = uuid.UUID("6a3b1f0e-7c1d-5b8e-9a2f-3c4d5e6f7a8b")
PROP_NS = "https://safeguards.invalid/ns/oscal"
NOT_SATISFIED = {scoring.NOT_MET, scoring.PARTIAL, scoring.UNDISCLOSED, scoring.NOT_ASSESSED}
REGISTER_STATUS = {  # recommendation status -> OSCAL risk status
    "open": "open",
    "resolved": "remediating",
    "closed_implemented": "closed",
    "closed_not_implemented": "closed",
    "superseded": "closed",
}


def _uuid(*parts: Any) -> str:
    return str(uuid.uuid5(NAMESPACE, "\x1f".join(str(part) for part in parts)))


def _prop(name: str, value: Any) -> dict[str, str]:
    return {"name": name, "ns": PROP_NS, "value": str(value)}


def _text(value: Any, fallback: str = "—") -> str:
    text = " ".join(str(value or "").split())
    return text or fallback


def _metadata(title: str, data: dict[str, Any], version: str) -> dict[str, Any]:
    office = (data.get("office") or {}).get("name") or "Safeguards"
    party = _uuid("party", office)
    return {
        "title": title,
        "last-modified": data["generated_at"],
        "version": version,
        "oscal-version": OSCAL_VERSION,
        "roles": [{"id": "assessor", "title": "Assessor"}],
        "parties": [{"uuid": party, "type": "organization", "name": office}],
        "responsible-parties": [{"role-id": "assessor", "party-uuids": [party]}],
        "props": [
            _prop("framework", f"{data['framework']['slug']} v{data['framework']['version']}")
        ],
    }


def _observations(data: dict[str, Any]) -> tuple[list[dict], dict[str, list[str]]]:
    """One observation per distinct piece of evidence; criterion code -> observation uuids."""
    fingerprint = data["fingerprint"]
    seen: dict[str, dict[str, Any]] = {}
    by_code: dict[str, list[str]] = {}
    for row in data["criteria"]:
        for item in row["evidence"]:
            key = canonical.fingerprint(item)
            if key not in seen:
                evidence: dict[str, Any] = {
                    "description": _text(
                        ", ".join(
                            part for part in (item.get("title"), item.get("citation")) if part
                        )
                    )
                }
                if item.get("url"):
                    evidence["href"] = item["url"]
                if item.get("sha256"):
                    evidence["props"] = [_prop("sha256", item["sha256"])]
                observation = {
                    "uuid": _uuid("observation", fingerprint, key),
                    "title": _text(item.get("title")),
                    "description": _text(
                        item.get("excerpt") or item.get("title"), "Evidence on file."
                    ),
                    "methods": ["EXAMINE"],
                    "types": ["finding"],
                    "relevant-evidence": [evidence],
                    "collected": (item.get("retrieved_on") or data["assessment"]["as_of"])
                    + "T00:00:00Z",
                }
                seen[key] = observation
            by_code.setdefault(row["code"], []).append(seen[key]["uuid"])
    return list(seen.values()), by_code


def _result(data: dict[str, Any]) -> dict[str, Any]:
    fingerprint = data["fingerprint"]
    observations, by_code = _observations(data)
    summary = data["summary"]
    findings = []
    for row in data["criteria"]:
        if row["status"] not in NOT_SATISFIED:
            continue
        finding = {
            "uuid": _uuid("finding", fingerprint, row["code"]),
            "title": f"{row['code']} {_text(row['title'])}",
            "description": _text(row.get("rationale"), "No rationale recorded."),
            "props": [
                _prop("status", row["status"]),
                _prop("severity", row["severity"]),
                _prop("red-line", "yes" if row["red_line"] else "no"),
            ],
            "target": {
                "type": "objective-id",
                "target-id": row["code"],
                "title": _text(row["title"]),
                "status": {"state": "not-satisfied", "reason": row["status"].replace("_", "-")},
            },
        }
        if row.get("recommendation"):
            finding["remarks"] = _text(row["recommendation"])
        if by_code.get(row["code"]):
            finding["related-observations"] = [
                {"observation-uuid": item} for item in dict.fromkeys(by_code[row["code"]])
            ]
        findings.append(finding)
    version = data.get("report_version")
    label = f"report version {version}" if version else "draft (not approved)"
    result = {
        "uuid": _uuid("result", fingerprint),
        "title": f"{data['assessment']['title']} — {label}",
        "description": (
            f"Verdict: {summary['verdict']}; overall score {summary['overall_score']} of 100 "
            f"over {summary['applicable']} applicable criteria. Fingerprint {fingerprint}."
        ),
        "start": data["assessment"]["as_of"] + "T00:00:00Z",
        "end": data["generated_at"],
        "props": [
            _prop("fingerprint", fingerprint),
            _prop("verdict", summary["verdict"] or "none"),
            _prop("overall-score", summary["overall_score"]),
            _prop("status", data["status"]),
        ],
        "reviewed-controls": {
            "control-selections": [
                {"include-controls": [{"control-id": row["code"]} for row in data["criteria"]]}
            ]
        },
    }
    if observations:
        result["observations"] = observations
    if findings:
        result["findings"] = findings
    return result


def assessment_results(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """OSCAL assessment results of one assessment: a result per report (version), oldest first."""
    if not reports:
        raise ValueError("No report to write as OSCAL.")
    latest = reports[-1]
    fingerprints = [report["fingerprint"] for report in reports]
    return {
        "assessment-results": {
            "uuid": _uuid("assessment-results", *fingerprints),
            "metadata": _metadata(
                f"Assessment results: {latest['deployment']['name']}",
                latest,
                str(latest.get("report_version") or "draft"),
            ),
            "import-ap": {"href": f"#{_uuid('assessment-plan', latest['assessment']['id'])}"},
            "results": [_result(report) for report in reports],
        }
    }


def _register_items(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The recommendations register when the report carries one, else one item per gap."""
    register = data.get("recommendations")
    rows = {row["code"]: row for row in data["criteria"]}
    # A report before the register existed, or a draft (empty register): one item per gap.
    if isinstance(register, list) and register:
        items = []
        for entry in register:
            if not isinstance(entry, dict):
                continue
            code = entry.get("criterion") or entry.get("code") or ""
            items.append(
                {
                    "key": entry.get("number") or code,
                    "code": code,
                    "text": entry.get("text") or entry.get("recommendation") or "",
                    "status": entry.get("status") or "open",
                    "deadline": entry.get("target_date"),
                    "milestones": entry.get("notes") or entry.get("status_notes") or [],
                }
            )
        return items
    return [
        {
            "key": code,
            "code": code,
            "text": rows[code].get("recommendation") or "",
            "status": "open",
            "deadline": None,
            "milestones": [],
        }
        for code in data["summary"]["gaps"]
    ]


def plan_of_action(data: dict[str, Any]) -> dict[str, Any]:
    """OSCAL POA&M of one report: a risk and an item per recommendation, UUIDs stable across
    versions of the same deployment."""
    deployment = data["deployment"]["id"]
    rows = {row["code"]: row for row in data["criteria"]}
    risks, items = [], []
    for entry in _register_items(data):
        row = rows.get(entry["code"], {})
        risk_uuid = _uuid("risk", deployment, entry["key"])
        risk: dict[str, Any] = {
            "uuid": risk_uuid,
            "title": f"{entry['key']} {_text(row.get('title'), entry['code'])}",
            "description": _text(row.get("rationale"), "No rationale recorded."),
            "statement": _text(entry["text"], "No recommendation recorded."),
            "status": REGISTER_STATUS.get(entry["status"], "open"),
            "props": [_prop("recommendation-status", entry["status"])],
        }
        if entry["deadline"]:
            risk["deadline"] = f"{entry['deadline']}T23:59:59Z"
        milestones = []
        for index, note in enumerate(entry["milestones"], start=1):
            if not isinstance(note, dict):
                continue
            task: dict[str, Any] = {
                "uuid": _uuid("milestone", deployment, entry["key"], index),
                "type": "milestone",
                "title": _text(note.get("text") or note.get("note") or note.get("status")),
            }
            if note.get("date") or note.get("at"):
                when = str(note.get("date") or note.get("at"))[:10]
                task["timing"] = {"on-date": {"date": f"{when}T00:00:00Z"}}
            milestones.append(task)
        if milestones:
            risk["remediations"] = [
                {
                    "uuid": _uuid("remediation", deployment, entry["key"]),
                    "lifecycle": "planned",
                    "title": "Agreed action",
                    "description": _text(entry["text"], "Agreed action."),
                    "tasks": milestones,
                }
            ]
        risks.append(risk)
        items.append(
            {
                "uuid": _uuid("poam-item", deployment, entry["key"]),
                "title": f"{entry['key']} {_text(row.get('title'), entry['code'])}",
                "description": _text(entry["text"], "No recommendation recorded."),
                "props": [_prop("criterion", entry["code"] or "—")],
                "related-risks": [{"risk-uuid": risk_uuid}],
            }
        )
    if not items:
        items.append(
            {
                "uuid": _uuid("poam-item", deployment, "none"),
                "title": "No open items",
                "description": "The report has no gap and no open recommendation.",
            }
        )
    document: dict[str, Any] = {
        "uuid": _uuid("poam", data["fingerprint"]),
        "metadata": _metadata(
            f"Plan of action and milestones: {data['deployment']['name']}",
            data,
            str(data.get("report_version") or "draft"),
        ),
        "system-id": {"identifier-type": f"{PROP_NS}/deployment", "id": str(deployment)},
        "poam-items": items,
    }
    if risks:
        document["risks"] = risks
    return {"plan-of-action-and-milestones": document}


def render(document: dict[str, Any]) -> bytes:
    """Sorted keys, two-space indent, UTF-8: the same document always gives the same bytes."""
    import json

    return (json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode()
