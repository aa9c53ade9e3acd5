"""The operator's copy of a draft for comment (pure): what goes in, what stays out."""

import pytest

from safeguards.followup.comment_copy import Asked, build, states_judgement


@pytest.mark.parametrize(
    ("text", "judgement"),
    [
        ("We reviewed the contract and the retention policy.", False),
        ("The agency answered 12 of 45 questions by March.", False),
        ("Overall score 61.5.", True),
        ("The deployment scores poorly on oversight.", True),
        ("Our verdict: inadequate.", True),
        ("Significant gaps in retention.", True),
        ("Retention is not met; audit logging is partially met.", True),
        ("Three red lines are not demonstrated.", True),
        ("61 / 100 overall", True),
        ("A disclosure rate of 40%.", True),
        ("Rated adequate.", True),
        ("Much is undisclosed.", True),
        ("Provisional findings only.", True),
    ],
)
def test_a_summary_stating_a_judgement_is_recognised(text, judgement):
    assert states_judgement(text) is judgement


DATA = {
    "office": {"name": "Office of Inspector General"},
    "deployment": {"name": "Border face search", "operator": "Border agency"},
    "framework": {"title": "Safeguards", "version": 2},
    "assessment": {"as_of": "2027-01-15", "executive_summary": "We read the contract."},
    "categories": [{"code": "C1", "title": "Retention", "score": 40.0}],
    "criteria": [
        {"code": "C1-1", "category": "C1", "title": "Deletion", "status": "met",
         "rationale": "R1", "recommendation": ""},
        {"code": "C1-2", "category": "C1", "title": "Limits", "status": "not_met",
         "rationale": "R2", "recommendation": "Set limits."},
        {"code": "C1-3", "category": "C1", "title": "Logs", "status": "partial",
         "rationale": "R3", "recommendation": "Keep logs."},
        {"code": "C1-4", "category": "C1", "title": "Audit", "status": "undisclosed",
         "rationale": "R4", "recommendation": ""},
    ],
    "summary": {"overall_score": 40.0, "verdict": "inadequate", "gaps": ["C1-2", "C1-3", "C1-4"]},
}  # fmt: skip


def test_the_copy_has_the_gaps_titles_and_recommendations_and_nothing_of_the_scoring():
    asked = [Asked("OIG-IR-2027-01-Q1", "Who audits?", "no_response", "No response")]
    copy = build(DATA, {"C1-3": {"recommendation": "Agency request"}}, asked)
    assert [(f.code, f.title, f.category) for f in copy.findings] == [
        ("C1-2", "Limits", "Retention"),
        ("C1-3", "Logs", "Retention"),
        ("C1-4", "Audit", "Retention"),
    ]
    assert [f.recommendation for f in copy.findings] == ["Set limits.", "", ""]
    assert [f.withheld for f in copy.findings] == ["", "Agency request", ""]
    assert copy.executive_summary == "We read the contract." and not copy.summary_left_out
    assert copy.questions == tuple(asked)
    flat = repr(copy)
    for secret in ("R2", "R3", "40.0", "inadequate", "not_met", "partial", "Keep logs."):
        assert secret not in flat


def test_a_summary_with_a_score_is_left_out_and_said_so():
    data = {**DATA, "assessment": {"executive_summary": "Overall 40.0 / 100: inadequate."}}
    copy = build(data, {}, [])
    assert copy.executive_summary == "" and copy.summary_left_out


def test_met_as_a_verb_is_no_judgement():
    assert not states_judgement("We met the programme office twice.")
