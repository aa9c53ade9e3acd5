"""The register and the decision as the printed (Typst) report shows them, from the report
JSON alone. Pure: no Django."""

from __future__ import annotations

from typing import Any

from . import states

PRIORITY_LABELS = {
    "condition": "Condition",
    "critical": "Critical",
    "high": "High",
    "medium": "Medium",
    "low": "Low",
}


def register_view(data: dict[str, Any]) -> dict[str, Any]:
    """`register` (and `decision`, when the report has one) for the printed view; nothing
    for reports made before the register existed."""
    if "recommendations" not in data:
        return {}
    rows = []
    for rec in data["recommendations"]:
        status = states.STATUS_LABELS.get(rec["status"], rec["status"])
        if rec.get("closure_proposed"):
            status += ", closure proposed"
        if rec.get("superseded_by"):
            status += f" by {rec['superseded_by']}"
        action = rec.get("agreed_action") or ""
        if action and rec.get("responsible_official"):
            action += f" ({rec['responsible_official']})"
        response = states.RESPONSE_LABELS.get(rec["agency_response"], rec["agency_response"])
        if rec.get("agency_response_date"):
            response += f" ({rec['agency_response_date']})"
        target = rec.get("target_date") or "—"
        rows.append(
            {
                "number": rec["number"],
                "criterion": rec.get("criterion") or "Condition",
                "priority": PRIORITY_LABELS.get(rec["priority"], rec["priority"]),
                "text": rec["text"],
                "action": action,
                "status": status,
                "response": response,
                "target": target + (" — overdue" if rec.get("overdue") else ""),
            }
        )
    view: dict[str, Any] = {"register": rows}
    decision = data.get("decision")
    if decision:
        validity = decision.get("validity")
        view["decision"] = {
            "decided_on": decision["decided_on"],
            "decided_by": decision["decided_by"],
            "with_reservations": bool(decision.get("with_reservations")),
            "reservations": decision.get("reservations") or "",
            "validity": states.VALIDITY_LABELS.get(validity, "").lower() if validity else "",
            "valid_until": decision.get("valid_until") or "",
            "conditions": [
                {"number": c["number"], "text": c["text"]} for c in decision.get("conditions", [])
            ],
        }
    return view


OUTCOME_LABELS = {
    "answered": "answered",
    "no_response": "no response",
    "overdue": "overdue",
    "pending": "pending",
}


def request_sentence(req: dict[str, Any], question: dict[str, Any]) -> str:
    """'requested 2027-02-01 from Pat Doe (Border agency), due 2027-03-03: no response'."""
    recipient = req["recipient"]
    who = recipient["name"]
    if recipient.get("organisation"):
        who += f" ({recipient['organisation']})"
    outcome = OUTCOME_LABELS.get(question["outcome"], question["outcome"])
    if question["outcome"] == "answered" and question.get("answered_on"):
        outcome += f" {question['answered_on']}"
    return f"requested {req['sent_on']} from {who}, due {req['due_on']}: {outcome}"


def requests_view(data: dict[str, Any]) -> dict[str, Any]:
    """`information_requests` for the printed view, and each criterion's requests by code."""
    reqs = data.get("requests")
    if not reqs:
        return {}
    listed, by_code = [], {}
    for req in reqs:
        questions = []
        for q in req["questions"]:
            sentence = request_sentence(req, q)
            questions.append(
                {
                    "number": q["number"],
                    "criterion": q.get("criterion") or "",
                    "question": q["question"],
                    "outcome": sentence,
                }
            )
            if q.get("criterion"):
                by_code.setdefault(q["criterion"], []).append(f"{q['number']} {sentence}")
        listed.append({"number": req["number"], "questions": questions})
    return {"information_requests": listed, "request_lines": by_code}


POSITION_LABELS = {
    "concur": "Concurs",
    "partially_concur": "Partially concurs",
    "non_concur": "Does not concur",
}
COMMENTS_TITLE = "Agency comments and our response"


def comments_view(data: dict[str, Any]) -> dict[str, Any]:
    """`agency_comments` for the printed view: the operator's words verbatim, and ours."""
    comments = data.get("agency_comments")
    if not comments:
        return {}
    items = [
        {
            "label": c.get("number") or c["criterion"],
            "criterion": c["criterion"],
            "recommendation": c["recommendation"],
            "position": POSITION_LABELS.get(c.get("position") or "", "No position given"),
            "comment": c.get("comment") or "",
            "reply": c.get("reply") or "",
        }
        for c in comments["recommendations"]
    ]
    sent = comments.get("sent_on") or "—"
    return {
        "agency_comments": {
            "title": COMMENTS_TITLE,
            "intro": (
                f"The draft of this report (fingerprint {comments['draft_fingerprint'][:16]}) "
                f"was sent to the operator for comment on {sent}; their comments, received on "
                f"{comments['received_on']}, are reproduced verbatim, each followed by our "
                "response."
            ),
            "overall": comments["overall"]["comment"],
            "overall_reply": comments["overall"]["reply"],
            "items": items,
        }
    }
