"""The report as a PDF made by WeasyPrint: tagged, paginated, with its JSON attached.

Rendering fetches nothing but the app's own static files (see `StaticOnlyFetcher`): evidence
URLs are printed as text and never loaded.
"""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from safeguards import canonical

from .check import ATTACHMENT_NAME
from .present import presentation

# Relative URLs in the print template resolve against this made-up origin, which the fetcher
# maps to static files on disk. `.invalid` can never resolve on any network.
BASE_URL = "https://report.invalid/"
# PDF/A-3a: archival, tagged for screen readers, and allowed to carry the JSON attachment.
ARCHIVAL_VARIANT = "pdf/a-3a"
# Drafts: PDF/UA-1 (tagged, accessible) with the same attachment, so they can be checked too.
DRAFT_VARIANT = "pdf/ua-1"
# Raise when the print template or CSS changes, so cached drafts are made again.
LAYOUT_VERSION = "4"
CACHE_LIMIT = 200


class RefusedFetch(ValueError):
    """A resource outside the app's static files was requested while rendering."""


class StaticOnlyFetcher(weasyprint.URLFetcher):
    """Serves files under STATIC_URL from the static folders on disk; refuses everything else."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False, timeout=1)
        self.served: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        base = urlsplit(BASE_URL)
        if (parts.scheme, parts.netloc) == (base.scheme, base.netloc) and parts.path.startswith(
            prefix
        ):
            relative = unquote(parts.path[len(prefix) :])
            if ".." not in relative.split("/"):
                found = finders.find(relative)
                if found:
                    path = Path(found)
                    self.served.append(url)
                    return weasyprint.urls.URLFetcherResponse(
                        url=path.as_uri(), body=path.read_bytes(), headers=_content_type(path)
                    )
        self.refused.append(url)
        raise RefusedFetch(f"Reports load only the app's own static files, not {url!r}.")


def _content_type(path: Path) -> dict[str, str]:
    types = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}
    return {"Content-Type": types.get(path.suffix, "application/octet-stream")}


def page_size() -> str:
    return "Letter" if settings.REPORT_PAGE_SIZE.strip().lower() == "letter" else "A4"


def print_html(data: dict) -> str:
    context = presentation(data)
    return render_to_string("reports/report_pdf.html", context)


def render_pdf(
    data: dict, *, archival: bool = False, fetcher: StaticOnlyFetcher | None = None
) -> bytes:
    """The PDF of one report (its full JSON document, fingerprint included)."""
    json_bytes = canonical.canonical_json(data)
    made = _moment(data.get("generated_at"))
    document = weasyprint.HTML(
        string=print_html(data), base_url=BASE_URL, url_fetcher=fetcher or StaticOnlyFetcher()
    )
    size = weasyprint.CSS(string=f"@page {{ size: {page_size()}; }}")
    attachment = weasyprint.Attachment(
        string=json_bytes,
        base_url=BASE_URL,
        url_fetcher=StaticOnlyFetcher(),
        name=ATTACHMENT_NAME,
        description="The report's data (schema safeguards.gap-report/1).",
        created=made,
        modified=made,
        relationship="Data",
    )
    return document.write_pdf(
        stylesheets=[size],
        attachments=[attachment],
        pdf_variant=ARCHIVAL_VARIANT if archival else DRAFT_VARIANT,
        pdf_tags=True,
        pdf_identifier=data["fingerprint"][:32].encode(),
    )


def _moment(text: str | None) -> datetime:
    try:
        return datetime.fromisoformat((text or "").replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(UTC)


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
