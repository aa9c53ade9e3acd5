"""The assembled report from plain data: scores, verdict, gap order, questions (no database)."""

import json

import pytest

from safeguards import canonical
from safeguards.reports.assemble import (
    CategoryInput,
    CriterionInput,
    DeploymentInput,
    FrameworkInput,
    ReportInput,
    assemble,
)
from safeguards.reports.check import check_report


def crit(code, status, severity="medium", red_line=False, weight=None, category="A"):
    return CriterionInput(
        code=code,
        category=category,
        title=f"Title {code}",
        question=f"Is {code} in place",
        severity=severity,
        weight=weight,
        red_line=red_line,
        status=status,
        rationale=f"Because {code}.",
    )


def report_input(criteria, thresholds=(80, 50), categories=("A", "B")):
    return ReportInput(
        office="Office",
        deployment=DeploymentInput(id=1, name="Face search", operator="Agency", vendor="Vendor"),
        framework=FrameworkInput(
            slug="fw",
            version=1,
            title="FW",
            sha256="a" * 64,
            adequate=thresholds[0],
            significant_gaps=thresholds[1],
        ),
        assessment_id=7,
        assessment_title="Review",
        as_of="2026-11-01",
        assessment_status="draft",
        categories=tuple(CategoryInput(code, f"Category {code}") for code in categories),
        criteria=tuple(criteria),
        generated_at="2026-11-26T12:00:00.000000Z",
    )


CASES = [
    pytest.param(
        [
            crit("A-1", "met"),
            crit("B-1", "not_applicable", category="B"),
            crit("B-2", "not_applicable", category="B"),
        ],
        {
            "overall": 100,
            "verdict": "adequate",
            "categories": {"A": 100, "B": None},
            "gaps": [],
            "questions": [],
        },
        id="category-all-not-applicable-has-no-score",
    ),
    pytest.param(
        [crit("A-1", "not_met", severity="low", red_line=True)]
        + [crit(f"A-{n}", "met", severity="critical") for n in range(2, 12)],
        {
            "overall": 97.6,
            "verdict": "red_line_breached",
            "categories": {"A": 97.6, "B": None},
            "gaps": ["A-1"],
            "questions": [],
        },
        id="red-line-not-met-with-otherwise-perfect-score",
    ),
    pytest.param(
        # 100 x (3 + 2 x 0.5 + 0 x ...) / ...: weights 3 (met), 1 (partial) over 40 -> 8.75 -> 8.8
        [
            crit("A-1", "met", weight=3),
            crit("A-2", "partial", weight=1),
            crit("A-3", "not_met", weight=36),
        ],
        {
            "overall": 8.8,
            "verdict": "inadequate",
            "categories": {"A": 8.8, "B": None},
            "gaps": ["A-3", "A-2"],
            "questions": [],
        },
        id="rounds-half-up-at-x5",
    ),
    pytest.param(
        [crit("A-1", "met", weight=7), crit("A-2", "not_met", weight=3)],
        {
            "overall": 70,
            "verdict": "adequate",
            "categories": {"A": 70, "B": None},
            "gaps": ["A-2"],
            "questions": [],
            "thresholds": (70, 40),
        },
        id="framework-with-its-own-thresholds",
    ),
    pytest.param(
        [
            crit("A-1", "partial", severity="critical"),
            crit("A-2", "undisclosed", severity="low"),
            crit("A-3", "not_met", severity="critical"),
            crit("A-4", "undisclosed", severity="critical"),
            crit("A-5", "partial", severity="high", red_line=True),
            crit("A-6", "met"),
        ],
        {
            "overall": 30.6,
            "verdict": "red_line_breached",
            "categories": {"A": 30.6, "B": None},
            "gaps": ["A-5", "A-3", "A-4", "A-1", "A-2"],
            "questions": ["A-2", "A-4"],
        },
        id="gap-order-and-questions",
    ),
]


@pytest.mark.parametrize(("criteria", "expected"), CASES)
def test_report_numbers(criteria, expected):
    data = assemble(report_input(criteria, expected.get("thresholds", (80, 50)))).as_dict()
    summary = data["summary"]
    assert summary["overall_score"] == expected["overall"]
    assert summary["verdict"] == expected["verdict"]
    assert {c["code"]: c["score"] for c in data["categories"]} == expected["categories"]
    assert summary["gaps"] == expected["gaps"]
    assert [q["code"] for q in data["questions"]] == expected["questions"]


def test_scores_are_json_numbers_in_shortest_form():
    data = assemble(report_input([crit("A-1", "met"), crit("A-2", "partial")])).as_dict()
    text = canonical.canonical_json(data).decode()
    assert '"overall_score":75' in text
    assert '"credit":0.5' in text and '"credit":1,' in text
    assert data["summary"]["disclosure_rate"] == 1


def test_disclosure_rate_rounds_to_three_decimals():
    criteria = [crit("A-1", "undisclosed"), crit("A-2", "met"), crit("A-3", "met")]
    assert assemble(report_input(criteria)).as_dict()["summary"]["disclosure_rate"] == 0.667


def test_a_draft_with_criteria_not_assessed_is_provisional():
    criteria = [crit("A-1", "undisclosed"), crit("A-2", "met"), crit("A-3", "not_assessed")]
    summary = assemble(report_input(criteria)).as_dict()["summary"]
    assert (summary["provisional"], summary["assessed"], summary["criteria"]) == (True, 2, 3)
    # One undisclosed of the two assessed: the unassessed one is not counted as disclosed.
    assert summary["disclosure_rate"] == 0.5


def test_a_fully_assessed_report_is_not_provisional():
    summary = assemble(report_input([crit("A-1", "met")])).as_dict()["summary"]
    assert (summary["provisional"], summary["assessed"]) == (False, 1)


def test_provisional_report_page_shows_no_verdict():
    from django.template.loader import render_to_string

    from safeguards.reports.present import presentation

    criteria = [crit("A-1", "not_met"), crit("A-2", "not_assessed")]
    data = assemble(report_input(criteria)).as_dict()
    html = render_to_string("reports/_body.html", {**presentation(data), "pdf": False})
    assert "Provisional — 1 of 2 assessed" in html
    assert "<strong>Verdict: " not in html and "Red line breached" not in html


def test_question_is_the_criterions_own_without_repeated_boilerplate():
    data = assemble(report_input([crit("A-1", "undisclosed")])).as_dict()
    assert data["questions"] == [{"code": "A-1", "question": "Is A-1 in place?"}]


def test_fingerprint_ignores_generated_at_only():
    first = assemble(report_input([crit("A-1", "met")]))
    later = assemble(
        ReportInput(**{**report_input([crit("A-1", "met")]).__dict__, "generated_at": "later"})
    )
    changed = assemble(report_input([crit("A-1", "partial")]))
    assert first.fingerprint == later.fingerprint
    assert first.fingerprint != changed.fingerprint


def test_fingerprint_is_sha256_of_canonical_json_without_two_keys():
    data = assemble(report_input([crit("A-1", "met")])).as_dict()
    content = {k: v for k, v in data.items() if k not in ("fingerprint", "generated_at")}
    recipe = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert canonical.sha256_hex(recipe.encode()) == data["fingerprint"]


def test_assembled_report_checks_clean():
    data = assemble(report_input([crit("A-1", "met"), crit("A-2", "undisclosed")])).as_dict()
    assert check_report(data).problems == []


def test_changed_status_is_caught_by_the_check():
    data = assemble(report_input([crit("A-1", "met"), crit("A-2", "undisclosed")])).as_dict()
    data["criteria"][1]["status"] = "met"
    problems = check_report(data).problems
    assert any("fingerprint" in p for p in problems)
    assert any("Overall score" in p for p in problems)
