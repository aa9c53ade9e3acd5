"""The one-page summary, the DOCX and OSCAL, each read back; `export_report` writes them all."""

import copy
import io
import json
import subprocess
import sys

import docx
import pytest
from django.core.management import call_command
from django.db import transaction
from pydantic import ValidationError
from pypdf import PdfReader
from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.poam import PlanOfActionAndMilestones

from safeguards.reports import oscal, pdf, word
from safeguards.reports.check import embedded_json
from safeguards.reports.freeze import freeze_report

from .builders import answered_assessment
from .samples import sample_report


def pdf_text(raw: bytes) -> str:
    reader = PdfReader(io.BytesIO(raw))
    return "\n".join(page.extract_text() for page in reader.pages).replace(pdf.printed.ZWSP, "")


def docx_text(raw: bytes) -> str:
    document = docx.Document(io.BytesIO(raw))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


# --- one-page summary ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def approved_summary():
    data = sample_report(version=1).as_dict()
    return data, pdf.render_summary(data, site_url="https://oig.example.gov")


def test_summary_is_one_page_with_verdict_score_red_lines_gaps_and_questions(approved_summary):
    data, raw = approved_summary
    assert len(PdfReader(io.BytesIO(raw)).pages) == 1
    text = " ".join(pdf_text(raw).split())
    assert pdf.printed.verdict_label(data["summary"]["verdict"]) in text
    assert f"{data['summary']['overall_score']:.1f}" in text
    assert "Red lines" in text and "Top gaps" in text and "Open recommendations" in text
    assert data["summary"]["gaps"][0] in text
    assert f"{len(data['questions'])} questions to the operator" in text
    assert "more gaps in the full report" in text


def test_summary_has_the_fingerprint_and_the_verify_link(approved_summary):
    data, raw = approved_summary
    flat = "".join(pdf_text(raw).split())
    assert data["fingerprint"] in flat
    assert f"https://oig.example.gov/v/{data['fingerprint']}/" in flat
    assert embedded_json(raw) == pdf.canonical.canonical_json(data)


def test_a_draft_summary_says_it_is_not_approved_and_has_no_verify_link():
    raw = pdf.render_summary(sample_report().as_dict(), site_url="https://oig.example.gov")
    text = pdf_text(raw)
    assert "NOT APPROVED" in text and "/v/" not in text


def test_summary_lists_the_registers_open_recommendations_when_the_report_has_one():
    data = sample_report(version=1).as_dict()
    data["recommendations"] = [
        {"number": "OIG-2026-07", "text": "Publish the retention schedule.", "status": "open"},
        {"number": "OIG-2026-08", "text": "Closed one.", "status": "closed_implemented"},
    ]
    # The register's own fields, as safeguards/followup puts them in a report.
    for rec in data["recommendations"]:
        rec.update({"criterion": "RET-1", "priority": "high", "agency_response": "concur"})
    text = pdf_text(pdf.render_summary(data))
    assert "OIG-2026-07" in text and "OIG-2026-08" not in text


# --- DOCX -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def word_file():
    data = sample_report(version=1).as_dict()
    data["assessment"]["executive_summary"] = "The agency bought access without a policy."
    return data, word.render_docx(data, site_url="https://oig.example.gov")


def test_docx_has_real_headings_for_the_navigation_pane(word_file):
    _, raw = word_file
    document = docx.Document(io.BytesIO(raw))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for title in (
        "Executive summary",
        "Summary",
        "Gaps in priority order",
        "Questions to put to the operator",
        "Findings by criterion",
        "Method",
        "Sign-off",
    ):
        assert title in headings
    levels = {p.style.name for p in document.paragraphs if p.style.name.startswith("Heading")}
    assert {"Heading 1", "Heading 2", "Heading 3"} <= levels


def test_docx_text_has_every_criterion_the_note_and_the_fingerprint_in_the_footer(word_file):
    data, raw = word_file
    text = docx_text(raw)
    for row in data["criteria"]:
        assert row["code"] in text
    assert word.EDITABLE_NOTE in text
    assert "The agency bought access without a policy." in text
    footer = docx.Document(io.BytesIO(raw)).sections[0].footer.paragraphs[0].text
    assert data["fingerprint"] in footer


def test_docx_has_tables_and_the_offices_paper(word_file):
    data, _ = word_file
    document = docx.Document(io.BytesIO(word.render_docx(data, paper="a4")))
    assert len(document.tables) >= 4
    assert round(document.sections[0].page_width.mm) == 210


def test_docx_is_the_same_bytes_for_the_same_report(word_file):
    data, raw = word_file
    assert word.render_docx(data, site_url="https://oig.example.gov") == raw


def test_docx_keeps_hostile_text_as_text():
    data = sample_report(categories=1, per_category=2).as_dict()
    data["criteria"][0]["rationale"] = "<w:p>#set page(</w:p> \x07bell ☃"
    text = docx_text(word.render_docx(data))
    assert "<w:p>#set page(</w:p> bell ☃" in text


# --- OSCAL ----------------------------------------------------------------------------------


def test_assessment_results_validate_with_one_result_per_version():
    first, second = sample_report(version=1).as_dict(), sample_report(version=2).as_dict()
    document = oscal.assessment_results([first, second])
    model = AssessmentResults.model_validate(document["assessment-results"])
    assert all(r.title.endswith(f"report version {n}") for n, r in enumerate(model.results, 1))
    findings = model.results[1].findings
    not_met = [row for row in second["criteria"] if row["status"] in oscal.NOT_SATISFIED]
    assert len(findings) == len(not_met)
    observations = model.results[1].observations
    hashes = {
        p.value for o in observations for e in o.relevant_evidence or [] for p in e.props or []
    }
    assert "ab" * 32 in hashes


def test_oscal_validation_is_real():
    document = oscal.assessment_results([sample_report(version=1).as_dict()])
    broken = copy.deepcopy(document["assessment-results"])
    broken["results"][0]["findings"][0]["target"]["status"]["state"] = "sort of"
    with pytest.raises(ValidationError):
        AssessmentResults.model_validate(broken)


def test_poam_validates_and_keeps_item_uuids_across_versions():
    first, second = sample_report(version=1).as_dict(), sample_report(version=2).as_dict()
    one, two = oscal.plan_of_action(first), oscal.plan_of_action(second)
    PlanOfActionAndMilestones.model_validate(two["plan-of-action-and-milestones"])
    uuids = [item["uuid"] for item in one["plan-of-action-and-milestones"]["poam-items"]]
    assert uuids == [item["uuid"] for item in two["plan-of-action-and-milestones"]["poam-items"]]
    assert len(uuids) == len(first["summary"]["gaps"])


def test_poam_from_the_recommendations_register_has_status_deadline_and_milestones():
    data = sample_report(version=1).as_dict()
    data["recommendations"] = [
        {
            "number": "OIG-2026-07",
            "criterion": data["criteria"][1]["code"],
            "text": "Publish the retention schedule.",
            "status": "resolved",
            "target_date": "2027-03-31",
            "notes": [{"date": "2027-01-15", "text": "Agency agreed an action."}],
        }
    ]
    document = oscal.plan_of_action(data)["plan-of-action-and-milestones"]
    PlanOfActionAndMilestones.model_validate(document)
    risk = document["risks"][0]
    assert risk["status"] == "remediating" and risk["deadline"].startswith("2027-03-31")
    milestone = risk["remediations"][0]["tasks"][0]
    assert milestone["type"] == "milestone"
    assert milestone["timing"]["on-date"]["date"].startswith("2027-01-15")
    assert document["poam-items"][0]["title"].startswith("OIG-2026-07")


def test_oscal_output_is_ordered_and_deterministic():
    data = sample_report(version=1).as_dict()
    first = oscal.render(oscal.assessment_results([data]))
    assert first == oscal.render(oscal.assessment_results([copy.deepcopy(data)]))
    assert json.loads(first)["assessment-results"]["results"][0]["findings"]


# --- export_report --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "check"),
    [
        (
            "summary",
            lambda raw: raw.startswith(b"%PDF") and len(PdfReader(io.BytesIO(raw)).pages) == 1,
        ),
        ("docx", lambda raw: "Findings by criterion" in docx_text(raw)),
        (
            "oscal-ar",
            lambda raw: AssessmentResults.model_validate(json.loads(raw)["assessment-results"]),
        ),
        (
            "oscal-poam",
            lambda raw: PlanOfActionAndMilestones.model_validate(
                json.loads(raw)["plan-of-action-and-milestones"]
            ),
        ),
    ],
)
def test_export_report_writes_each_format_of_a_frozen_version(
    fmt, check, office, alice, bob, tmp_path
):
    assessment = answered_assessment(office, alice)
    with transaction.atomic():
        freeze_report(assessment, approved_by=bob)
    out = tmp_path / "out"
    call_command("export_report", str(assessment.pk), "--format", fmt, "-o", str(out))
    assert check(out.read_bytes())


def test_export_report_lists_the_formats_in_its_help():
    result = subprocess.run(
        [sys.executable, "manage.py", "export_report", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    for fmt in ("pdf", "summary", "docx", "json", "csv", "oscal-ar", "oscal-poam"):
        assert fmt in result.stdout


def test_summary_stays_on_one_page_with_long_texts_and_many_red_lines():
    from dataclasses import replace

    from safeguards.reports.assemble import assemble

    from .samples import sample_input

    source = sample_input(categories=6, per_category=9, version=1)
    long = "A very long sentence about what the operator has not shown, " * 8
    criteria = tuple(
        replace(
            row,
            red_line=index % 3 == 0,
            title=long[:180],
            question=long[:400],
            recommendation=long if row.status != "met" else "",
        )
        for index, row in enumerate(source.criteria)
    )
    data = assemble(replace(source, criteria=criteria)).as_dict()
    raw = pdf.render_summary(data, site_url="https://oig.example.gov")
    assert len(PdfReader(io.BytesIO(raw)).pages) == 1
    assert "more red lines in the full report" in pdf_text(raw)
