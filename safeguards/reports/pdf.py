"""The report as a PDF made by Typst: tagged, paginated, with its JSON attached.

The report reaches Typst only as data: the printed view (`printed.view`) and the canonical JSON
through `sys_inputs`, never as markup. Fonts come from `typst/fonts/` in this package and system
fonts are ignored, so the same report gives the same bytes on every machine; the PDF's date is
the report's own time. Typst reads nothing outside its compile root (a temporary folder holding
the templates and, if the office has one, its logo) and fetches nothing from the network.

Drafts are PDF/UA-1; approved versions PDF/A-3a (archival, tagged) and PDF/UA-1. A render runs
on a worker thread (Typst releases the GIL) and fails cleanly with RenderFailed when it takes
longer than SAFEGUARDS_PDF_TIMEOUT seconds.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import segno
import typst
from django.conf import settings

from safeguards import canonical

from . import disclosure, printed

TEMPLATES = Path(__file__).resolve().parent / "typst"
FONTS = TEMPLATES / "fonts"
ATTACHMENT_NAME = "report.json"
DRAFT_STANDARDS = ("ua-1",)
ARCHIVAL_STANDARDS = ("a-3a", "ua-1")
# Raise when a template changes, so cached drafts are made again.
LAYOUT_VERSION = "typst-1"
CACHE_LIMIT = 200
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}

_renderers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="typst")
_busy = threading.BoundedSemaphore(4)


class RenderFailed(RuntimeError):
    """The PDF could not be made; the message says why."""


@cache
def _template_sources() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in TEMPLATES.glob("*.typ")}


COVERAGE = FONTS / "coverage.txt"


def coverage_ranges() -> list[tuple[int, int]]:
    """The code points the shipped fonts can draw, read from the fonts themselves (fontTools;
    used to write COVERAGE, which a test keeps in step with the fonts)."""
    from fontTools.ttLib import TTFont

    points: set[int] = set()
    for path in sorted(FONTS.glob("*.ttf")):
        font = TTFont(path, lazy=True)
        points.update(font.getBestCmap() or {})
        font.close()
    ranges: list[tuple[int, int]] = []
    for point in sorted(points):
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1] = (ranges[-1][0], point)
        else:
            ranges.append((point, point))
    return ranges


def coverage_text(ranges: list[tuple[int, int]]) -> str:
    return "".join(f"{start:X}-{end:X}\n" for start, end in ranges)


@cache
def _covered() -> frozenset[int]:
    """Every code point some shipped font can draw (PDF/UA refuses a missing glyph)."""
    points: set[int] = set()
    for line in COVERAGE.read_text().split():
        start, end = line.split("-")
        points.update(range(int(start, 16), int(end, 16) + 1))
    return frozenset(points)


def _drawable(text: str) -> str:
    covered = _covered()
    if all(ord(ch) in covered or ch in "\n\t\u200b" for ch in text):
        return text
    return "".join(
        ch if ord(ch) in covered or ch in "\n\t\u200b" else f"[U+{ord(ch):04X}]" for ch in text
    )


def _printable(value):
    if isinstance(value, str):
        return _drawable(value)
    if isinstance(value, list):
        return [_printable(item) for item in value]
    if isinstance(value, dict):
        return {k: _printable(v) for k, v in value.items()}
    return value


def qr_svg(url: str) -> str:
    """The verify link as a QR code (SVG, drawn as paths: no fonts, no external files)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=4, border=0, xmldecl=False, dark="#000")
    return out.getvalue().decode()


def logo_kind(content: bytes) -> str | None:
    """'png' or 'jpg' if `content` starts like one, else None."""
    for magic, kind in LOGO_TYPES.items():
        if content.startswith(magic):
            return kind
    return None


def _timestamp(text: str | None) -> int:
    """The PDF's time is the report's own `generated_at`, never the clock: the same report must
    make the same bytes in every process, at any time."""
    if not text:
        raise ValueError("A report without generated_at cannot be rendered (its PDF's time).")
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def print_view(
    data: dict,
    *,
    paper: str = "letter",
    logo: bytes | None = None,
    site_url: str | None = None,
) -> dict:
    """The printed view for Typst: text made breakable and drawable, the QR code added."""
    kind = logo_kind(logo) if logo else None
    site = settings.SITE_URL if site_url is None else site_url
    view = printed.view(
        disclosure.readable(data), paper=paper, site_url=site, logo=f"logo.{kind}" if kind else None
    )
    # A public version says so on its cover, with what it withholds and why.
    view["public_notice"] = disclosure.notice(data)
    view = _printable(printed.printable(view))
    # Only an approved version can be checked at the link; a draft's fingerprint matches nothing.
    if view["verify_url"] and not view["draft"]:
        view["qr"] = qr_svg(printed.verify_url(site, data["fingerprint"]))
        view["verify_url"] = printed.verify_url(site, data["fingerprint"])
    return view


def compile_typst(
    template: str,
    view: dict,
    attachment: bytes,
    *,
    standards: tuple[str, ...],
    timestamp: int,
    logo: bytes | None = None,
) -> bytes:
    """Typst in a fresh compile root holding only the templates (and the logo)."""
    with tempfile.TemporaryDirectory(prefix="safeguards-typst-") as root:
        for name, source in _template_sources().items():
            Path(root, name).write_bytes(source)
        if logo and view.get("logo"):
            Path(root, view["logo"]).write_bytes(logo)
        return typst.compile(
            os.path.join(root, template),
            root=root,
            format="pdf",
            font_paths=[str(FONTS)],
            ignore_system_fonts=True,
            sys_inputs={
                "view": json.dumps(view, ensure_ascii=False),
                "data": attachment.decode(),
            },
            pdf_standards=list(standards),
            timestamp=timestamp,
        )


def run_limited(job, *args, **kwargs) -> bytes:
    """`job(*args, **kwargs)` on a renderer thread; RenderFailed on error or past the time limit.

    A render past the limit cannot be stopped, but it is bounded by its input and finishes on
    its own; meanwhile at most four renders may be under way, and further ones fail at once.
    """
    timeout = float(getattr(settings, "SAFEGUARDS_PDF_TIMEOUT", 60))
    if not _busy.acquire(blocking=False):
        raise RenderFailed("Too many PDFs are being made at once; try again in a minute.")

    def guarded():
        try:
            return job(*args, **kwargs)
        finally:
            _busy.release()

    try:
        future = _renderers.submit(guarded)
    except RuntimeError as error:
        _busy.release()
        raise RenderFailed(f"The PDF renderer is not available: {error}") from error
    try:
        return future.result(timeout=timeout)
    except FutureTimeout as error:
        future.cancel()
        raise RenderFailed(f"Rendering the PDF took longer than {timeout:g} s.") from error
    except Exception as error:
        raise RenderFailed(f"Rendering the PDF failed: {error}") from error


def render_pdf(
    data: dict,
    *,
    archival: bool = False,
    paper: str = "letter",
    logo: bytes | None = None,
    site_url: str | None = None,
    template: str = "report.typ",
) -> bytes:
    """The PDF of one report (its full JSON document, fingerprint included).

    Raises RenderFailed when the PDF cannot be made.
    """
    view = print_view(data, paper=paper, logo=logo, site_url=site_url)
    return run_limited(
        compile_typst,
        template,
        view,
        canonical.canonical_json(data),
        standards=ARCHIVAL_STANDARDS if archival else DRAFT_STANDARDS,
        timestamp=_timestamp(data.get("generated_at")),
        logo=logo,
    )


def render_summary(data: dict, **options) -> bytes:
    """The one-page summary (same data, same attachment; PDF/A-3a too for approved versions)."""
    archival = data["status"] == "approved"
    return render_pdf(data, archival=archival, template="summary.typ", **options)


def cache_dir() -> Path:
    return Path(settings.DATA_DIR) / "cache" / "reports"


def draft_pdf(data: dict, *, paper: str = "letter", logo: bytes | None = None) -> bytes:
    """A draft's PDF, kept on disk by fingerprint so an unchanged draft is not rendered twice."""
    logo_hash = canonical.sha256_hex(logo)[:12] if logo else "nologo"
    name = f"{data['fingerprint']}-{paper.lower()}-{logo_hash}-{LAYOUT_VERSION}.pdf"
    path = cache_dir() / name
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    pdf = render_pdf(data, paper=paper, logo=logo)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write then rename, so a reader never sees half a file.
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(handle, "wb") as out:
        out.write(pdf)
    os.replace(temporary, path)
    _prune(path.parent)
    return pdf


def _prune(folder: Path) -> None:
    """Keep the cache small: drop the oldest drafts beyond CACHE_LIMIT."""
    dated = []
    for path in folder.glob("*.pdf"):
        try:
            dated.append((path.stat().st_mtime, path))
        except FileNotFoundError:  # another process pruned it meanwhile
            continue
    for _, old in sorted(dated)[:-CACHE_LIMIT]:
        old.unlink(missing_ok=True)


def letterhead(office) -> dict:
    """The office's paper size and logo bytes, as `render_pdf` takes them."""
    logo = None
    if office.logo:
        try:
            with office.logo.open("rb") as handle:
                logo = handle.read(MAX_LOGO_BYTES + 1)
        except OSError:
            logo = None  # a missing logo file must not stop a report
        # Checked at upload; checked again (cached) so a damaged file cannot stop a report.
        if logo is not None and logo_problem(logo):
            logo = None
    return {"paper": office.paper_size or "letter", "logo": logo}


MAX_LOGO_BYTES = 2 * 1024 * 1024
_LOGO_CHECK = '#image("logo.{kind}", height: 1cm, alt: "logo")\n'


@cache
def _logo_renders(digest: str, kind: str, content: bytes) -> bool:
    with tempfile.TemporaryDirectory(prefix="safeguards-logo-") as root:
        Path(root, f"logo.{kind}").write_bytes(content)
        Path(root, "check.typ").write_text(_LOGO_CHECK.format(kind=kind))
        try:
            typst.compile(
                os.path.join(root, "check.typ"),
                root=root,
                format="pdf",
                font_paths=[str(FONTS)],
                ignore_system_fonts=True,
            )
        except typst.TypstError:
            return False
    return True


def logo_problem(content: bytes) -> str | None:
    """Why `content` cannot be the letterhead logo, or None: it must be a PNG or JPEG of at
    most 2 MB that the PDF engine itself decodes (not just a file named .png)."""
    if len(content) > MAX_LOGO_BYTES:
        return f"The logo must be at most {MAX_LOGO_BYTES // 2**20} MB."
    kind = logo_kind(content)
    if kind is None:
        return "The logo must be a PNG or JPEG image."
    if not _logo_renders(canonical.sha256_hex(content), kind, content):
        return "This file is not a readable PNG or JPEG image."
    return None
