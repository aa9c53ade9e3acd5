"""An information request as a letter on the office's letterhead: PDF (Typst, the report's
look and fonts) and Word (python-docx), from one view of plain data."""

from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path

import typst

from safeguards.reports import pdf

TEMPLATE = Path(__file__).resolve().parent / "typst" / "letter.typ"


def view(req, questions) -> dict:
    """What the letter shows: the office, the recipient, the covering letter, the questions
    sent (never a dropped one)."""
    office = req.office
    recipient = "\n".join(line for line in (req.recipient_name, req.recipient_organisation) if line)
    return {
        "title": f"Information request {req.number}",
        "number": req.number,
        "office": {"name": office.name, "address": office.address_line},
        "deployment": req.deployment.name,
        "date": (req.sent_on or req.created_at.date()).isoformat(),
        "recipient": recipient,
        "letter": [p.strip() for p in req.covering_letter.split("\n\n") if p.strip()],
        "due_on": req.due_on.isoformat(),
        "questions": [
            {"number": q.number, "criterion": q.criterion_title, "text": q.text}
            for q in questions
            if q.sent
        ],
    }


def _compile(data: dict, logo: bytes | None) -> bytes:
    with tempfile.TemporaryDirectory(prefix="safeguards-letter-") as root:
        Path(root, "style.typ").write_bytes((pdf.TEMPLATES / "style.typ").read_bytes())
        Path(root, "letter.typ").write_bytes(TEMPLATE.read_bytes())
        if logo and data.get("logo"):
            Path(root, data["logo"]).write_bytes(logo)
        return typst.compile(
            os.path.join(root, "letter.typ"),
            root=root,
            format="pdf",
            font_paths=[str(pdf.FONTS)],
            ignore_system_fonts=True,
            sys_inputs={"view": json.dumps(data, ensure_ascii=False)},
            pdf_standards=list(pdf.DRAFT_STANDARDS),
        )


def letter_pdf(req, questions) -> bytes:
    """Raises pdf.RenderFailed when the PDF cannot be made."""
    head = pdf.letterhead(req.office)
    data = pdf._printable(view(req, questions))
    kind = pdf.logo_kind(head["logo"]) if head["logo"] else None
    data["logo"] = f"logo.{kind}" if kind else None
    data["paper"] = "a4" if head["paper"] == "a4" else "us-letter"
    return pdf.run_limited(_compile, data, head["logo"] if kind else None)


def letter_docx(req, questions) -> bytes:
    # Imported here: python-docx and the report's Word module cost every worker ~30 MB and
    # each process start its import time; only a Word letter needs them.
    from docx import Document
    from docx.shared import Cm, Pt

    from safeguards.reports import word

    data = view(req, questions)
    document = Document()
    section = document.sections[0]
    paper = req.office.paper_size or "letter"
    section.page_width, section.page_height = word.PAPER.get(paper, word.PAPER["letter"])
    section.left_margin = section.right_margin = Cm(2.3)
    document.styles["Normal"].font.name = "Times New Roman"
    document.styles["Normal"].font.size = Pt(11)
    document.core_properties.title = word._clean(data["title"])
    document.core_properties.author = word._clean(data["office"]["name"])
    head = document.add_paragraph()
    head.add_run(word._clean(data["office"]["name"])).bold = True
    if data["office"]["address"]:
        head.add_run("\n" + word._clean(data["office"]["address"])).font.color.rgb = word.MUTED
    document.add_paragraph(data["date"])
    document.add_paragraph(word._clean(data["recipient"]))
    subject = document.add_paragraph()
    subject.add_run(
        word._clean(f"Information request {data['number']} — {data['deployment']}")
    ).bold = True
    for paragraph in data["letter"]:
        document.add_paragraph(word._clean(paragraph))
    document.add_paragraph(
        f"Please answer by {data['due_on']}. A question not answered by then is recorded as "
        "“no response” and printed as such in our report."
    )
    word._heading(document, "Questions", 1)
    for q in data["questions"]:
        paragraph = document.add_paragraph()
        paragraph.add_run(word._clean(q["number"])).bold = True
        if q["criterion"]:
            paragraph.add_run(word._clean(f" ({q['criterion']})"))
        document.add_paragraph(word._clean(q["text"]))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
