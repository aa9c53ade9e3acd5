"""The PDF read back with pypdf: its text, bookmarks, embedded JSON, footers and draft mark.

Rendered once per module (rendering takes about a second), in the render pool's worker process
as in production; no database needed.
"""

import io
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from pypdf import PdfReader

from safeguards.reports import pdf, renderpool
from safeguards.reports.check import check_report, embedded_json

from .samples import sample_report


@pytest.fixture(scope="module")
def draft():
    data = sample_report().as_dict()
    raw = pdf.render_pdf(data)
    return data, raw, PdfReader(io.BytesIO(raw))


@pytest.fixture(scope="module")
def approved():
    data = sample_report(categories=2, per_category=3, version=1).as_dict()
    raw = pdf.render_pdf(data, archival=True)
    return data, raw, PdfReader(io.BytesIO(raw))


def text_of(reader):
    return "\n".join(page.extract_text() for page in reader.pages)


def flat_titles(outline):
    for item in outline:
        if isinstance(item, list):
            yield from flat_titles(item)
        else:
            yield item.title


def test_text_has_verdict_score_gaps_and_questions(draft):
    data, _, reader = draft
    text = " ".join(text_of(reader).split())
    assert "Red line breached" in text or "Significant gaps" in text or "Inadequate" in text
    assert f"Verdict: {'Inadequate' if data['summary']['verdict'] == 'inadequate' else ''}" in text
    assert f"{data['summary']['overall_score']:.1f} out of 100" in text
    for code in data["summary"]["gaps"]:
        assert code in text
    for question in data["questions"]:
        assert question["question"] in text


def test_each_recommendation_is_printed_once(draft):
    data, _, reader = draft
    compact = "".join(text_of(reader).split())
    with_recommendation = [row for row in data["criteria"] if row["recommendation"]]
    assert with_recommendation and data["summary"]["gaps"]
    assert compact.count("Adoptabindingpolicy") == len(with_recommendation)
    first_gap = data["summary"]["gaps"][0]
    assert "gap1(recommendationinthelistofgaps)" in compact and first_gap in compact


def test_every_page_has_page_n_of_total_and_short_fingerprint(draft):
    data, _, reader = draft
    total = len(reader.pages)
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


def test_approved_report_has_no_draft_mark(approved):
    _, _, reader = approved
    assert "DRAFT" not in text_of(reader)
    assert "report version 1" in text_of(reader)


def test_bookmarks_cover_the_sections(draft):
    _, _, reader = draft
    titles = list(flat_titles(reader.outline))
    for section in (
        "Summary",
        "Gaps in priority order",
        "Questions to put to the operator",
        "Findings by criterion",
        "Method",
        "Sign-off",
        "Audit summary",
    ):
        assert section in titles


def test_embedded_json_is_the_report_and_its_fingerprint_matches(draft):
    data, raw, _ = draft
    inside = json.loads(embedded_json(raw))
    assert inside == data
    assert check_report(inside).intact


def test_archival_variant_is_pdf_a_with_the_json_attached(approved):
    data, raw, reader = approved
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfaid:part" in metadata  # PDF/A identification in the XMP metadata
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged for screen readers
    assert json.loads(embedded_json(raw))["fingerprint"] == data["fingerprint"]


def test_page_size_follows_the_setting(settings):
    settings.REPORT_PAGE_SIZE = "Letter"
    raw = pdf.render_pdf(sample_report(categories=1, per_category=1).as_dict())
    box = PdfReader(io.BytesIO(raw)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


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
    raw = pdf.render_pdf(data)  # in the pool's worker process
    text = text_of(PdfReader(io.BytesIO(raw)))
    assert _Counting.requests == []
    assert url in "".join(text.split())
    assert "Page 1 of" in text  # the print stylesheet was loaded from the static files


def test_worker_loads_no_resource_from_a_local_server(local_server):
    html = (
        f'<link rel="stylesheet" href="{local_server}/style.css">'
        f'<img src="{local_server}/image.png" alt="x"><img src="file:///etc/hostname" alt="y">'
        f'<p style="background: url({local_server}/background.png)">Hello</p>'
    )
    raw = renderpool.render(
        html=html,
        base_url=pdf.BASE_URL,
        page_size="A4",
        variant=pdf.DRAFT_VARIANT,
        attachment=b"{}",
        static_roots=pdf.static_roots(),
    )
    assert raw.startswith(b"%PDF") and _Counting.requests == []


def test_fetcher_refuses_anything_but_static_files():
    fetcher = pdf.static_fetcher()
    for url in (
        "http://127.0.0.1:9/x.css",
        "file:///etc/passwd",
        f"{pdf.BASE_URL}static/../../etc/passwd",
        f"{pdf.BASE_URL}static/%2e%2e/%2e%2e/etc/passwd",
        f"{pdf.BASE_URL}static//etc/passwd",
        f"{pdf.BASE_URL}media/evidence.pdf",
        "data:text/css,body{}",
    ):
        with pytest.raises(pdf.RefusedFetch):
            fetcher.fetch(url)
    assert fetcher.fetch(f"{pdf.BASE_URL}static/reports/print.css").status == 200


def test_fetcher_refuses_a_link_out_of_its_static_roots(tmp_path):
    root, outside = tmp_path / "static", tmp_path / "secret.css"
    root.mkdir()
    outside.write_text("body {}")
    (root / "linked.css").symlink_to(outside)
    (root / "own.css").write_text("p {}")
    fetcher = renderpool.StaticOnlyFetcher([root])
    with pytest.raises(pdf.RefusedFetch):
        fetcher.fetch(f"{pdf.BASE_URL}static/linked.css")
    assert fetcher.fetch(f"{pdf.BASE_URL}static/own.css").status == 200


def test_evidence_is_cited_with_its_file_hash(draft):
    _, _, reader = draft
    compact = "".join(text_of(reader).split())
    assert "SHA-256" + "ab" * 32 in compact
    assert "E1Contract70B03C24F00000123,statementofwork,§4.1" in compact
