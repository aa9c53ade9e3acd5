"""The report as a Word document (python-docx), from the same printed view as the PDF.

An editable copy for offices that edit and sign in Word: real headings (Word's navigation
pane), tables, the fingerprint in every page's footer, and a note that the PDF is the record.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from . import printed

EDITABLE_NOTE = (
    "This Word document is an editable copy of the report. The record is the PDF: only the "
    "PDF carries the report's data and, for an approved version, its verification."
)
PAPER = {"letter": (Mm(215.9), Mm(279.4)), "a4": (Mm(210), Mm(297))}
MUTED = RGBColor(0x4A, 0x53, 0x5E)
# XML 1.0 forbids most control characters; Word refuses a file holding one.
_XML_SAFE = {code: None for code in range(32) if code not in (9, 10, 13)}


def _clean(text: Any) -> str:
    return str(text).translate(_XML_SAFE)


def _fixed_core_properties(document, data: dict[str, Any], view: dict[str, Any]) -> None:
    """Same report, same properties: the times are the report's, not the clock's."""
    core = document.core_properties
    core.title = _clean(view["title"])
    core.author = _clean(view["office"]["name"]) or "Safeguards"
    core.subject = "Safeguards gap report"
    core.keywords = f"fingerprint {data.get('fingerprint', '')}"
    core.comments = EDITABLE_NOTE
    moment = datetime.fromisoformat(data["generated_at"].replace("Z", "+00:00"))
    core.created = core.modified = moment.replace(tzinfo=None)
    core.last_modified_by = "Safeguards"
    core.revision = 1


def _page_field(paragraph, instruction: str) -> None:
    """A PAGE or NUMPAGES field Word fills in."""
    run = paragraph.add_run()
    begin, text, end = (
        OxmlElement("w:fldChar"),
        OxmlElement("w:instrText"),
        OxmlElement("w:fldChar"),
    )
    begin.set(qn("w:fldCharType"), "begin")
    text.set(qn("xml:space"), "preserve")
    text.text = instruction
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(text)
    run._r.append(end)


def _table(document, header: list[str], rows: list[list[str]], widths: list[float] | None = None):
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, label in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(_clean(label)).bold = True
    # Word repeats a header row on each page and reads it as the table's header.
    properties = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = _clean(value)
    if widths:
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)
    return table


def _styled(document, text: str = "", style_id: str | None = None):
    """A paragraph in a style given by its id: python-docx's lookup by name scans every style
    of the document for each paragraph, which made a report take seconds."""
    paragraph = document.add_paragraph(_clean(text) if text else "")
    if style_id:
        paragraph._p.get_or_add_pPr().style = style_id
    return paragraph


def _heading(document, text: str, level: int):
    return _styled(document, text, "Title" if level == 0 else f"Heading{level}")


def _labelled(document, label: str, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{label}: ").italic = True
    paragraph.add_run(_clean(text))


def render_docx(data: dict[str, Any], *, paper: str = "letter", site_url: str = "") -> bytes:
    view = printed.view(data, paper=paper, site_url=site_url)
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAPER.get(paper.lower(), PAPER["letter"])
    section.left_margin = section.right_margin = Cm(2.3)
    section.top_margin = section.bottom_margin = Cm(2.3)
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(11)
    _fixed_core_properties(document, data, view)

    footer = section.footer.paragraphs[0]
    footer.text = f"Fingerprint {view['fingerprint']} · Page "
    _page_field(footer, "PAGE")
    footer.add_run(" of ")
    _page_field(footer, "NUMPAGES")
    for run in footer.runs:
        run.font.size = Pt(8)
    if view["draft"]:
        section.header.paragraphs[0].text = "DRAFT — not approved"

    office = document.add_paragraph()
    office.add_run(_clean(view["office"]["name"])).bold = True
    if view["office"]["address"]:
        office.add_run("\n" + _clean(view["office"]["address"])).font.color.rgb = MUTED
    _heading(document, _clean(view["deployment"]), level=0)
    document.add_paragraph(_clean(view["assessment"]))
    note = document.add_paragraph()
    note.add_run(EDITABLE_NOTE).italic = True
    if view["draft"]:
        document.add_paragraph(
            "DRAFT — not approved. This report shows work in progress. Its fingerprint "
            "identifies this exact content but is not an approval."
        ).runs[0].bold = True
    verdict = document.add_paragraph()
    verdict.add_run(f"Verdict: {view['verdict']['label']}. ").bold = True
    verdict.add_run(view["verdict"]["sentence"])
    document.add_paragraph(
        f"Overall score {view['score']} of 100 over {view['applicable']} applicable criteria "
        f"(of {view['total']}). {view['undisclosed']} undisclosed; disclosure rate "
        f"{view['disclosure']}."
    )
    facts = [*view["facts"], ["Fingerprint", view["fingerprint"]], ["Generated", view["generated"]]]
    if view["verify_url"] and not view["draft"]:
        facts.append(["Verify at", view["verify_url"]])
    _table(document, ["Report fact", "Value"], facts, [5, 11])

    if "executive_summary" in view:
        _heading(document, "Executive summary", level=1)
        for paragraph in view["executive_summary"]:
            document.add_paragraph(_clean(paragraph))

    _heading(document, "Summary", level=1)
    _heading(document, "Red lines", level=2)
    lines = view["breaches"] + view["not_demonstrated"]
    if not lines:
        document.add_paragraph("None breached: every red-line criterion is met.")
    for gap in lines:
        _styled(
            document,
            f"{gap['code']} {gap['title']} — {gap['status']} ({gap['red_line']})",
            "ListBullet",
        )
    _table(document, ["Status", "Criteria"], view["counts"], [12, 4])

    _heading(document, "Scores by category", level=1)
    _table(
        document,
        ["Category", "Score", "Band"],
        [[f"{c['code']} {c['title']}", c["score"], c["band"]] for c in view["chart"]],
        [10, 3, 3],
    )

    _heading(document, "Gaps in priority order", level=1)
    if not view["gaps"]:
        document.add_paragraph("No gaps.")
    else:
        document.add_paragraph(
            "Every applicable criterion not met: red-line criteria first, then by severity, "
            "status and framework order. Each gap's recommendation is given here."
        )
    for gap in view["gaps"]:
        flag = f" · {gap['red_line']}" if gap["red_line"] else ""
        item = _styled(document, "", "ListNumber")
        item.add_run(_clean(f"{gap['code']} {gap['title']}")).bold = True
        item.add_run(_clean(f" — {gap['severity']} · {gap['status']}{flag}"))
        for paragraph in gap["recommendation"]:
            _labelled(document, "Recommendation", paragraph)

    _heading(document, "Questions to put to the operator", level=1)
    if not view["questions"]:
        document.add_paragraph("None: no criterion is undisclosed.")
    else:
        document.add_paragraph(
            "The operator has not made the following knowable. " + view["question_closing"]
        )
    for question in view["questions"]:
        item = _styled(document, "", "ListNumber2")
        item.add_run(_clean(question["code"]) + " ").bold = True
        item.add_run(_clean(question["question"]))

    _heading(document, "Findings by criterion", level=1)
    for category in view["sections"]:
        _heading(
            document,
            _clean(f"{category['code']} {category['title']} — score {category['score']}"),
            level=2,
        )
        for row in category["criteria"]:
            _heading(document, _clean(f"{row['code']} {row['title']}"), level=3)
            meta = (
                f"{row['status']} · {row['severity']} · weight {row['weight']} · credit "
                f"{row['credit']}"
            )
            if row["red_line"]:
                meta += " · red line"
            if row["gap"]:
                meta += f" · gap {row['gap']} (recommendation in the list of gaps)"
            document.add_paragraph(_clean(meta)).runs[0].font.color.rgb = MUTED
            if row["question"]:
                _labelled(document, "Question", row["question"])
            _labelled(document, "Rationale", "\n\n".join(row["rationale"]) or "(none given)")
            for paragraph in row["recommendation"]:
                _labelled(document, "Recommendation", paragraph)
            _labelled(document, "Evidence", row["evidence"])

    _heading(document, "Evidence", level=1)
    if not view["evidence"]:
        document.add_paragraph("No evidence is linked to any criterion.")
    else:
        _table(
            document,
            ["Ref", "Source", "Address and hash", "Cited for"],
            [
                [
                    item["ref"],
                    ", ".join(
                        part
                        for part in (
                            item["title"],
                            item["citation"],
                            item["kind"],
                            item["retrieved"],
                            item["excerpt"] and f"“{item['excerpt']}”",
                        )
                        if part
                    ),
                    "\n".join(
                        part
                        for part in (item["url"], item["sha256"] and f"SHA-256 {item['sha256']}")
                        if part
                    ),
                    item["cited_for"],
                ]
                for item in view["evidence"]
            ],
            [1.3, 5.5, 6.2, 3],
        )

    _heading(document, "Method", level=1)
    for paragraph in view["method"]:
        document.add_paragraph(_clean(paragraph))

    for request in view.get("information_requests", []):
        _heading(document, f"Information request {request['number']}", level=1)
        for question in request["questions"]:
            paragraph = document.add_paragraph()
            paragraph.add_run(_clean(question["number"])).bold = True
            paragraph.add_run(_clean(f" {question['question']}"))
            document.add_paragraph(_clean(question["outcome"]))

    _heading(document, "Sign-off", level=1)
    if not view["signoff"]:
        document.add_paragraph("Nobody has scored or signed off this assessment yet.")
    else:
        _table(
            document,
            ["Role", "Name", "Title", "When"],
            [[s["role"], s["name"], s["title"], s["when"]] for s in view["signoff"]],
            [3.5, 4.5, 4.5, 3.5],
        )
        for signer in view["signoff"]:
            if signer["attestation"]:
                document.add_paragraph(
                    _clean(f"{signer['name']} attested: “{signer['attestation']}”")
                )
            if signer["note"]:
                document.add_paragraph(_clean(f"Note for the record: {signer['note']}"))
    if view["draft"]:
        document.add_paragraph("Not approved. A draft's fingerprint is not an approval.")

    _heading(document, "Audit summary", level=1)
    document.add_paragraph(
        f"{view['audit']['events']} audit events were recorded for this assessment when the "
        f"report was made. Hash of the latest: {view['audit']['head']}."
    )
    if "agency_comments" in view:
        comments = view["agency_comments"]
        _heading(document, comments["title"], level=1)
        document.add_paragraph(_clean(comments["intro"]))
        if comments["overall"]:
            _heading(document, "Overall comments", level=2)
            document.add_paragraph(_clean(comments["overall"]))
            if comments["overall_reply"]:
                _labelled(document, "Our response", comments["overall_reply"])
        for item in comments["items"]:
            _heading(document, f"{item['label']} — {item['position']}", level=2)
            _labelled(document, "Recommendation", item["recommendation"])
            if item["comment"]:
                document.add_paragraph(_clean(item["comment"]))
            if item["reply"]:
                _labelled(document, "Our response", item["reply"])
    out = io.BytesIO()
    document.save(out)
    return _dated(out.getvalue(), data["generated_at"])


def _dated(package: bytes, generated_at: str) -> bytes:
    """The package with every part dated at the report's time (not the clock), so the same
    report gives the same bytes."""
    moment = datetime.fromisoformat(generated_at.replace("Z", "+00:00"))
    stamp = (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
