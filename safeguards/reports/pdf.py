"""The report as a PDF made by WeasyPrint: tagged, paginated, with its JSON attached.

The HTML is made here; the PDF is made by `renderpool` in a separate process. Rendering fetches
nothing but the app's own static files (`renderpool.StaticOnlyFetcher`): evidence URLs are
printed as text and never loaded.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from safeguards import canonical

from . import renderpool
from .present import presentation
from .renderpool import BASE_URL, RefusedFetch, RenderFailed, StaticOnlyFetcher

__all__ = ["BASE_URL", "RefusedFetch", "RenderFailed", "StaticOnlyFetcher", "render_pdf"]

# PDF/A-3a: archival, tagged for screen readers, and allowed to carry the JSON attachment.
ARCHIVAL_VARIANT = "pdf/a-3a"
# Drafts: PDF/UA-1 (tagged, accessible) with the same attachment, so they can be checked too.
DRAFT_VARIANT = "pdf/ua-1"
# Raise when the print template or CSS changes, so cached drafts are made again.
LAYOUT_VERSION = "5"
CACHE_LIMIT = 200


def static_roots() -> list[str]:
    """The folders the static-file finders serve without a prefix: all a report may load."""
    roots = []
    for finder in finders.get_finders():
        for prefix, root in getattr(finder, "locations", ()):
            if not prefix:
                roots.append(str(root))
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location and not getattr(storage, "prefix", None) and str(location) not in roots:
                roots.append(str(location))
    return roots


def static_prefix() -> str:
    return "/" + settings.STATIC_URL.strip("/") + "/"


def static_fetcher() -> StaticOnlyFetcher:
    return StaticOnlyFetcher(static_roots(), BASE_URL, static_prefix())


def page_size() -> str:
    return "Letter" if settings.REPORT_PAGE_SIZE.strip().lower() == "letter" else "A4"


def print_html(data: dict) -> str:
    context = presentation(data)
    return render_to_string("reports/report_pdf.html", context)


def render_pdf(data: dict, *, archival: bool = False) -> bytes:
    """The PDF of one report (its full JSON document, fingerprint included).

    Raises RenderFailed when the PDF cannot be made.
    """
    return renderpool.render(
        html=print_html(data),
        base_url=BASE_URL,
        page_size=page_size(),
        variant=ARCHIVAL_VARIANT if archival else DRAFT_VARIANT,
        attachment=canonical.canonical_json(data),
        static_roots=static_roots(),
        static_prefix=static_prefix(),
        identifier=data["fingerprint"][:32].encode(),
        made=_moment(data.get("generated_at")),
    )


def _moment(text: str | None) -> datetime:
    """The PDF's time is the report's own `generated_at`, never the clock: the same report must
    make the same bytes in every process, at any time."""
    if not text:
        raise ValueError("A report without generated_at cannot be rendered (its PDF's time).")
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def cache_dir() -> Path:
    return Path(settings.DATA_DIR) / "cache" / "reports"


def draft_pdf(data: dict) -> bytes:
    """A draft's PDF, kept on disk by fingerprint so an unchanged draft is not rendered twice."""
    path = cache_dir() / f"{data['fingerprint']}-{page_size().lower()}-{LAYOUT_VERSION}.pdf"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    pdf = render_pdf(data)
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
