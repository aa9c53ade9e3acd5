"""Every format shows the whole report: one report with every feature, five renderings, and
each holds every criterion code, gap, question and recommendation (so no template drifts)."""

import csv
import html
import io
import json
import re
from dataclasses import replace

import docx
import pytest
from django.template.loader import render_to_string
from pypdf import PdfReader

from safeguards.reports import pdf, word
from safeguards.reports.assemble import assemble
from safeguards.reports.exports import render_csv, render_json
from safeguards.reports.present import presentation

from .samples import sample_input


def flat(text: str) -> str:
    return "".join(text.replace(pdf.printed.ZWSP, "").split())


@pytest.fixture(scope="module")
def report():
    source = sample_input(categories=4, per_category=6, version=1)
    criteria = tuple(
        replace(row, recommendation=f"Make safeguard {row.code} binding and audit it yearly.")
        if row.status != "met"
        else row
        for row in source.criteria
    )
    data = assemble(
        replace(
            source,
            criteria=criteria,
            executive_summary="One paragraph for the committee.\n\nAnd a second one.",
            office_address="245 Murray Lane SW, Washington, DC",
            office_time_zone="America/New_York",
        )
    ).as_dict()
    assert data["summary"]["gaps"] and data["questions"] and data["summary"]["counts"]["partial"]
    return data


def expected(data):
    rows = {row["code"]: row for row in data["criteria"]}
    items = [("criterion", row["code"]) for row in data["criteria"]]
    items += [("gap", code) for code in data["summary"]["gaps"]]
    items += [("question", q["question"]) for q in data["questions"]]
    items += [
        ("recommendation", row["recommendation"]) for row in rows.values() if row["recommendation"]
    ]
    items.append(("executive summary", data["assessment"]["executive_summary"].split("\n")[0]))
    return items


def html_text(data) -> str:
    markup = render_to_string("reports/_body.html", presentation(data))
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def pdf_text(data) -> str:
    reader = PdfReader(io.BytesIO(pdf.render_pdf(data, archival=True)))
    return "\n".join(page.extract_text() for page in reader.pages)


def docx_text(data) -> str:
    document = docx.Document(io.BytesIO(word.render_docx(data)))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def csv_text(data) -> str:
    rows = list(csv.reader(io.StringIO(render_csv(data).decode("utf-8-sig"))))
    return "\n".join(" ".join(row) for row in rows)


def json_text(data) -> str:
    return json.dumps(json.loads(render_json(data)), ensure_ascii=False)


RENDERINGS = {"HTML": html_text, "PDF": pdf_text, "DOCX": docx_text, "JSON": json_text}


@pytest.mark.parametrize("name", list(RENDERINGS))
def test_each_format_holds_every_criterion_gap_question_and_recommendation(report, name):
    text = flat(RENDERINGS[name](report))
    missing = [(kind, value) for kind, value in expected(report) if flat(value) not in text]
    assert missing == []


def test_csv_holds_every_criterion_gap_and_recommendation(report):
    # One row per criterion: gaps by their priority column, questions by their criterion row.
    rows = list(csv.DictReader(io.StringIO(render_csv(report).decode("utf-8-sig"))))
    assert [row["code"] for row in rows] == [row["code"] for row in report["criteria"]]
    gaps = [row["code"] for row in sorted(rows, key=lambda r: int(r["gap_priority"] or 10**6))]
    assert gaps[: len(report["summary"]["gaps"])] == report["summary"]["gaps"]
    text = flat(csv_text(report))
    for kind, value in expected(report):
        if kind in ("criterion", "gap", "recommendation"):
            assert flat(value) in text, (kind, value)
    undisclosed = {q["code"] for q in report["questions"]}
    assert undisclosed == {row["code"] for row in rows if row["status"] == "undisclosed"}


def test_every_format_carries_the_same_fingerprint(report):
    fingerprint = report["fingerprint"]
    for name, render in RENDERINGS.items():
        assert fingerprint in flat(render(report)), name
