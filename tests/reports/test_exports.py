"""JSON against the published schema, CSV safety, and `manage.py export_report`."""

import csv
import io
import json

import jsonschema
import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from safeguards.reports.check import schema
from safeguards.reports.exports import render_csv
from safeguards.reports.freeze import freeze_report

from .builders import answered_assessment
from .samples import sample_report


@pytest.mark.parametrize("version", [None, 1])
def test_reports_validate_against_the_schema_in_docs(version):
    jsonschema.Draft202012Validator.check_schema(schema())
    data = sample_report(version=version).as_dict()
    jsonschema.validate(data, schema(), cls=jsonschema.Draft202012Validator)


def test_csv_defuses_spreadsheet_formulas():
    data = sample_report(categories=1, per_category=1).as_dict()
    data["criteria"][0]["rationale"] = '=HYPERLINK("http://evil")'
    row = next(csv.DictReader(io.StringIO(render_csv(data).decode("utf-8-sig"))))
    assert row["rationale"].startswith("'=")


def test_export_json_of_the_draft_recomputes(office, alice, tmp_path):
    assessment = answered_assessment(office, alice)
    out = tmp_path / "r.json"
    call_command("export_report", str(assessment.pk), "--format", "json", "-o", str(out))
    data = json.loads(out.read_bytes())
    assert data["status"] == "draft" and data["assessment"]["id"] == assessment.pk


def test_export_frozen_version_pdf_is_the_stored_bytes(office, alice, bob, tmp_path):
    assessment = answered_assessment(office, alice)
    with transaction.atomic():
        version = freeze_report(assessment, approved_by=bob)
    out = tmp_path / "r.pdf"
    call_command(
        "export_report",
        str(assessment.pk),
        "--format",
        "pdf",
        "--report-version",
        "1",
        "-o",
        str(out),
    )
    assert out.read_bytes() == bytes(version.pdf)


def test_export_of_a_missing_version_says_so(office, alice):
    assessment = answered_assessment(office, alice)
    with pytest.raises(CommandError, match="has no report version 3"):
        call_command("export_report", str(assessment.pk), "--report-version", "3")
