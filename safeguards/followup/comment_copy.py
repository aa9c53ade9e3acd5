"""The copy of a draft for comment that the operator gets (as GAO sends agencies a draft):
the findings as the gaps' titles, the recommendations, the questions put to them with their
state, and the executive summary only when it states no score or verdict. Never a score,
verdict, status, rationale, evidence, restricted value or unsent question.

Pure: the frozen draft's report JSON, the restricted marks and the questions in; a frozen
dataclass out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from safeguards import scoring

# Words and figures that carry the office's judgement: a summary holding any stays out.
JUDGEMENT = re.compile(
    r"\b(scor\w*|verdicts?|rat(ed|ings?)|red[ -]lines?|breach\w*|provisional|adequate\w*|"
    r"inadequate\w*|gaps?|partially met|not met|undisclosed|disclosure rate)\b"
    r"|\d+(\.\d+)?\s*(/\s*100|%|per ?cent|points?)|\d+\.\d+",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Finding:
    code: str
    title: str
    category: str  # the category's title
    recommendation: str  # "" when the draft has none
    withheld: str  # the reason when the recommendation is restricted, else ""


@dataclass(frozen=True)
class Asked:
    number: str
    question: str
    state: str  # requests.question_state
    label: str


@dataclass(frozen=True)
class Copy:
    office: str
    deployment: str
    operator: str
    framework: str
    as_of: str
    executive_summary: str  # "" when left out (or empty)
    summary_left_out: bool  # the draft has one, but it states a judgement
    findings: tuple[Finding, ...]
    questions: tuple[Asked, ...]


def states_judgement(text: str) -> bool:
    """Whether `text` states a score, a verdict or a status (so the operator's copy leaves it
    out): any judgement word, any figure out of 100 or in per cent, any decimal."""
    if JUDGEMENT.search(text):
        return True
    # Not the status "Met" alone: "we met the programme office" is no judgement.
    labels = scoring.VERDICT_LABELS.values()
    return any(re.search(rf"\b{re.escape(label)}\b", text, re.IGNORECASE) for label in labels)


def build(
    data: Mapping,
    restricted: Mapping[str, Mapping[str, str]],
    questions: Iterable[Asked],
) -> Copy:
    """`data`: the frozen draft's report JSON; `restricted`: criterion code -> {field: reason}
    (restricted.marks); `questions`: the sent questions of the requests sent to this person."""
    categories = {row["code"]: row["title"] for row in data.get("categories", ())}
    gaps = set(data.get("summary", {}).get("gaps", ()))
    findings = []
    # In the framework's order: the report's gap order ranks them (red lines, weight first).
    for row in data.get("criteria", ()):
        code = row["code"]
        if code not in gaps:
            continue
        reason = restricted.get(code, {}).get("recommendation", "")
        text = row.get("recommendation") or ""
        findings.append(
            Finding(
                code=code,
                title=row.get("title", ""),
                category=categories.get(row.get("category"), ""),
                recommendation="" if reason else text.strip(),
                withheld=reason if text.strip() else "",
            )
        )
    summary = (data.get("assessment", {}).get("executive_summary") or "").strip()
    left_out = bool(summary) and states_judgement(summary)
    deployment = data.get("deployment", {})
    framework = data.get("framework", {})
    return Copy(
        office=data.get("office", {}).get("name", ""),
        deployment=deployment.get("name", ""),
        operator=deployment.get("operator", ""),
        framework=f"{framework.get('title', '')} (version {framework.get('version', '')})",
        as_of=str(data.get("assessment", {}).get("as_of", "")),
        executive_summary="" if left_out else summary,
        summary_left_out=left_out,
        findings=tuple(findings),
        questions=tuple(questions),
    )
