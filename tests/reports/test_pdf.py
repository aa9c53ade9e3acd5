"""The Typst PDF read back: text, bookmarks, tags, attachment, determinism, hostile text.

Rendered once per module where possible; no database needed.
"""

import hashlib
import io
import json
import subprocess
import sys
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from safeguards.reports import pdf
from safeguards.reports.assemble import assemble
from safeguards.reports.check import check_report, embedded_json

from .samples import sample_input, sample_report

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def draft():
    data = sample_report().as_dict()
    raw = pdf.render_pdf(data, site_url="https://oig.example.gov")
    return data, raw, PdfReader(io.BytesIO(raw))


@pytest.fixture(scope="module")
def approved():
    data = sample_report(categories=2, per_category=3, version=1).as_dict()
    raw = pdf.render_pdf(data, archival=True, site_url="https://oig.example.gov")
    return data, raw, PdfReader(io.BytesIO(raw))


def text_of(reader):
    return "\n".join(page.extract_text() for page in reader.pages).replace(pdf.printed.ZWSP, "")


def body_text(reader):
    """The text without each page's running header and footer."""
    kept = []
    for page in reader.pages:
        for line in page.extract_text().replace(pdf.printed.ZWSP, "").splitlines():
            if line.startswith(("DRAFT — not approved", "Fingerprint ")) or " · " in line[:80]:
                continue
            kept.append(line)
    return "\n".join(kept)


def compact(text):
    return "".join(text.split())


def flat_titles(outline):
    for item in outline:
        if isinstance(item, list):
            yield from flat_titles(item)
        else:
            yield item.title


def test_text_has_verdict_score_gaps_and_questions(draft):
    data, _, reader = draft
    text = compact(text_of(reader))
    assert compact(pdf.printed.verdict_label(data["summary"]["verdict"])) in text
    assert f"{data['summary']['overall_score']:.1f}" in text
    for code in data["summary"]["gaps"]:
        assert code in text
    for question in data["questions"]:
        assert compact(question["question"]) in text


def test_question_boilerplate_is_said_once_above_the_list(draft):
    data, _, reader = draft
    text = compact(text_of(reader))
    assert len(data["questions"]) > 3
    assert text.count(compact(pdf.printed.QUESTION_CLOSING)) == 1


def test_each_recommendation_is_printed_once(draft):
    data, _, reader = draft
    text = compact(text_of(reader))
    with_recommendation = [row for row in data["criteria"] if row["recommendation"]]
    assert with_recommendation and data["summary"]["gaps"]
    assert text.count("Adoptabindingpolicy") == len(with_recommendation)
    assert "gap1(recommendationinthelistofgaps)" in text


def test_every_page_has_page_n_of_total_and_short_fingerprint(draft):
    data, _, reader = draft
    total = len(reader.pages)
    assert total > 5
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Page {number} of {total}" in text
        assert f"Fingerprint {data['fingerprint'][:16]}" in text


def test_draft_is_marked_on_every_page_and_says_it_is_no_approval(draft):
    _, _, reader = draft
    assert all("DRAFT — not approved" in page.extract_text() for page in reader.pages)
    assert "fingerprint identifies this exact content but is not an approval" in " ".join(
        text_of(reader).split()
    )


def test_draft_has_no_verify_qr_code_but_an_approved_version_has(draft, approved):
    _, _, draft_reader = draft
    data, _, reader = approved
    assert "/v/" not in text_of(draft_reader)
    link = f"https://oig.example.gov/v/{data['fingerprint']}/"
    assert link in compact(text_of(reader))


def test_approved_report_has_no_draft_mark(approved):
    _, _, reader = approved
    assert "DRAFT" not in text_of(reader)
    assert "report version 1" in text_of(reader)


def test_bookmarks_cover_the_sections_and_a_contents_page(draft):
    _, _, reader = draft
    titles = list(flat_titles(reader.outline))
    for section in (
        "Summary",
        "Scores by category",
        "Gaps in priority order",
        "Questions to put to the operator",
        "Findings by criterion",
        "Evidence",
        "Method",
        "Sign-off",
        "Audit summary",
    ):
        assert section in titles
    assert "Contents" in reader.pages[1].extract_text()


def test_embedded_json_is_the_report_and_its_fingerprint_matches(draft):
    data, raw, _ = draft
    inside = json.loads(embedded_json(raw))
    assert inside == data
    assert check_report(inside).intact


def test_archival_variant_is_pdf_a_and_ua_with_one_attachment(approved):
    data, raw, reader = approved
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfaid:part" in metadata and b"pdfuaid:part" in metadata
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert embedded_json(raw) == pdf.canonical.canonical_json(data)
    with pikepdf.open(io.BytesIO(raw)) as document:
        assert len(document.Root.AF) == 1


def test_draft_metadata_identifies_pdf_ua(draft):
    _, raw, reader = draft
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfuaid:part" in metadata


def _structure_types(raw):
    types: dict[str, int] = {}
    scopes = []
    with pikepdf.open(io.BytesIO(raw)) as document:
        stack = [document.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Array):
                stack.extend(node)
                continue
            if not isinstance(node, pikepdf.Dictionary):
                continue
            kind = str(node.get("/S", ""))
            types[kind] = types.get(kind, 0) + 1
            if kind == "/TH":
                attributes = node.get("/A")
                scopes.append("/Scope" in repr(attributes))
            if "/K" in node:
                stack.append(node.K)
    return types, scopes


def test_lists_and_table_headers_are_tagged(draft):
    _, raw, _ = draft
    types, scopes = _structure_types(raw)
    for kind in ("/L", "/LI", "/Lbl", "/LBody", "/Table", "/TH", "/TD", "/H1", "/H2"):
        assert types.get(kind), kind
    assert scopes and all(scopes)


@pytest.mark.parametrize("fixture", ["draft", "approved"])
def test_pdf_ua_checker_finds_nothing(fixture, request, tmp_path):
    _, raw, _ = request.getfixturevalue(fixture)
    path = tmp_path / "report.pdf"
    path.write_bytes(raw)
    result = subprocess.run(
        [sys.executable, "-m", "pdfua", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "errors=0 warnings=0" in result.stdout


@pytest.mark.parametrize(("paper", "size"), [("letter", (612, 792)), ("a4", (595, 842))])
def test_paper_size_is_the_offices(paper, size):
    raw = pdf.render_pdf(sample_report(categories=1, per_category=1).as_dict(), paper=paper)
    box = PdfReader(io.BytesIO(raw)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size


RENDER_SCRIPT = """
import hashlib, os, sys
sys.path[:0] = [{root!r}, {tests!r}]
os.environ["DJANGO_SETTINGS_MODULE"] = "safeguards.settings"
import django
django.setup()
from safeguards.reports import pdf
from samples import sample_report
data = sample_report(categories=2, per_category=3, version={version}).as_dict()
print(hashlib.sha256(pdf.render_pdf(data, archival={archival})).hexdigest())
"""


@pytest.mark.parametrize("archival", [False, True])
def test_the_same_report_gives_the_same_bytes_across_processes_and_runs(archival, tmp_path):
    version = 1 if archival else None
    data = sample_report(categories=2, per_category=3, version=version).as_dict()
    here = hashlib.sha256(pdf.render_pdf(data, archival=archival)).hexdigest()
    again = hashlib.sha256(pdf.render_pdf(data, archival=archival)).hexdigest()
    script = RENDER_SCRIPT.format(
        root=str(ROOT), tests=str(ROOT / "tests" / "reports"), version=version, archival=archival
    )
    other = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "SAFEGUARDS_DATA_DIR": str(tmp_path), "HOME": str(tmp_path)},
    )
    assert other.returncode == 0, other.stderr
    assert here == again == other.stdout.strip()


HOSTILE = (
    '#read("/etc/passwd") #import "style.typ": * [link](x) <label> @ref $x^2$ *bold* _it_ '
    "`raw` \\ // comment /* block */ = Heading"
)
LONG_WORD = "Ab" * 5000
RTL = "שלום עולם — مرحبا بالعالم"
EMOJI = "Upload 📷 then 😀 and 💩 ✅"


def test_hostile_text_prints_literally_and_reads_no_file():
    source = sample_input(categories=1, per_category=2)
    first, second = source.criteria
    first = replace(first, status="not_met", rationale=HOSTILE, recommendation=LONG_WORD)
    second = replace(second, status="undisclosed", title=RTL, rationale=EMOJI)
    data = assemble(
        replace(
            source,
            criteria=(first, second),
            assessment_title='#pagebreak() ") #panic("x',
        )
    ).as_dict()
    raw = pdf.render_pdf(data)
    text = text_of(PdfReader(io.BytesIO(raw)))
    flat = compact(text)
    assert compact(HOSTILE) in flat
    assert LONG_WORD in compact(body_text(PdfReader(io.BytesIO(raw))))  # wrapped, all there
    assert compact('#pagebreak() ") #panic("x') in flat
    assert "root:" not in text  # /etc/passwd was not read
    for word in ("📷", "😀", "💩", "✅"):
        assert word in text
    with pikepdf.open(io.BytesIO(raw)) as document:
        assert len(document.pages) < 30


def test_right_to_left_text_is_kept():
    source = sample_input(categories=1, per_category=1)
    row = replace(source.criteria[0], status="not_met", rationale=RTL)
    raw = pdf.render_pdf(assemble(replace(source, criteria=(row,))).as_dict())
    text = text_of(PdfReader(io.BytesIO(raw)))
    # Extraction order of RTL runs varies between readers; the words are there.
    for word in ("שלום", "עולם", "مرحبا"):
        assert word in text or word[::-1] in text


def test_a_character_no_shipped_font_has_is_printed_as_its_code_point():
    source = sample_input(categories=1, per_category=1)
    row = replace(source.criteria[0], status="not_met", rationale="Glyph \U000e0041 here")
    raw = pdf.render_pdf(assemble(replace(source, criteria=(row,))).as_dict())
    assert "[U+E0041]" in text_of(PdfReader(io.BytesIO(raw)))


def test_font_coverage_file_matches_the_shipped_fonts():
    assert pdf.COVERAGE.read_text() == pdf.coverage_text(pdf.coverage_ranges())


class _Counting(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        type(self).requests.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    """A web server on 127.0.0.1 that records every request it gets."""
    _Counting.requests = []
    server = HTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_evidence_url_is_printed_but_never_requested(local_server):
    url = f"{local_server}/secret-evidence.png"
    data = sample_report(categories=1, per_category=2, evidence_url=url).as_dict()
    text = text_of(PdfReader(io.BytesIO(pdf.render_pdf(data))))
    assert _Counting.requests == []
    assert url in compact(text)


def test_evidence_is_cited_with_its_file_hash(draft):
    _, _, reader = draft
    text = compact(text_of(reader))
    assert "SHA-256" + "ab" * 32 in text
    assert "E1Contract70B03C24F00000123,statementofwork,§4.1" in text


def test_a_render_past_the_time_limit_fails_cleanly(settings):
    settings.SAFEGUARDS_PDF_TIMEOUT = 0.001
    with pytest.raises(pdf.RenderFailed, match="took longer than"):
        pdf.render_pdf(sample_report().as_dict())


def test_a_logo_that_is_not_an_image_is_left_out():
    data = sample_report(categories=1, per_category=1).as_dict()
    assert pdf.print_view(data, logo=b"<svg onload=x>")["logo"] is None
    png = (ROOT / "docs" / "screenshots" / "assessment-overview.png").read_bytes()
    view = pdf.print_view(data, logo=png)
    assert view["logo"] == "logo.png"
    raw = pdf.render_pdf(data, logo=png)
    with pikepdf.open(io.BytesIO(raw)) as document:
        assert any("/XObject" in page.Resources for page in document.pages[:1])
