"""Restricted marks in bulk through the import format: per answer and per evidence item."""

import io
import json

import pytest
from django.core.management import call_command

from safeguards.audit.models import Event
from safeguards.restricted.models import AnswerRestriction, EvidenceRestriction
from safeguards.reviews.models import Evidence
from tests.factories import make_framework
from tests.reviews.test_import import errors_of, valid_doc

REASON = "FOIA exemption (b)(7)(E): law-enforcement techniques"


def marked_doc():
    doc = valid_doc()
    doc["answers"][0]["restricted"] = {"rationale": REASON, "recommendation": "Agency request"}
    doc["answers"][1]["evidence"][1]["restricted"] = REASON
    return doc


def test_restricted_marks_are_valid():
    assert errors_of(marked_doc()) == []


@pytest.mark.parametrize(
    ("restricted", "expected"),
    [
        ({"score": "x"}, "answers[0] (C1-1).restricted.score: unknown key"),
        ({"rationale": ""}, "answers[0] (C1-1).restricted.rationale: must not be blank"),
        (
            {"rationale": 7},
            "answers[0] (C1-1).restricted.rationale: must be a string, not a number",
        ),
        ("FOIA", "answers[0] (C1-1).restricted: must be an object, not a string"),
    ],
)
def test_bad_restricted_marks_name_the_field(restricted, expected):
    doc = valid_doc()
    doc["answers"][0]["restricted"] = restricted
    assert any(error.startswith(expected) for error in errors_of(doc)), errors_of(doc)


def test_restricting_an_absent_value_is_an_error():
    doc = valid_doc()
    doc["answers"][1]["restricted"] = {"recommendation": REASON}
    assert (
        "answers[1] (C1-2).restricted.recommendation: there is no recommendation to restrict"
        in (errors_of(doc))
    )


def test_import_creates_the_marks(tmp_path, office, alice):
    make_framework()
    path = tmp_path / "import.json"
    path.write_text(json.dumps(marked_doc()))
    call_command("import_assessment", str(path), office="oig", user="alice", stdout=io.StringIO())
    marks = {(m.answer.criterion.code, m.field): m.reason for m in AnswerRestriction.objects.all()}
    assert marks == {("C1-1", "rationale"): REASON, ("C1-1", "recommendation"): "Agency request"}
    (evidence_mark,) = EvidenceRestriction.objects.all()
    assert evidence_mark.evidence == Evidence.objects.get(title="Letter")
    assert Event.objects.get(action="assessment.imported").after["restricted"] == 3
