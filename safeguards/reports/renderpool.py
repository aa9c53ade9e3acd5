"""PDF rendering in a separate, lower-priority process, so a render never holds a web worker.

WeasyPrint is pure Python for most of its work: rendered inside a gunicorn thread, it holds the
GIL for seconds and starves the worker's other threads. Here the web process only sends the
finished HTML and receives PDF bytes; `render_job` runs in a `ProcessPoolExecutor` of
`SAFEGUARDS_PDF_WORKERS` processes (default 1), started by a fork server (never by forking the
threaded web process) and niced, so pages win the CPU. `SAFEGUARDS_PDF_IN_PROCESS` renders in
the calling process instead (the command line, debugging).

`render_job` and `StaticOnlyFetcher` import nothing from Django: the worker has no settings,
no database, and reads files only under the static roots it is given.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint

# Relative URLs in the print template resolve against this made-up origin, which the fetcher
# maps to static files on disk. `.invalid` can never resolve on any network.
BASE_URL = "https://report.invalid/"
STATIC_PREFIX = "/static/"
ATTACHMENT_NAME = "report.json"
NICENESS = 10
_CONTENT_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}


class RenderFailed(RuntimeError):
    """The PDF could not be made; the message says why, the cause holds the worker's error."""


class RefusedFetch(ValueError):
    """A resource outside the app's static files was requested while rendering."""


class StaticOnlyFetcher(weasyprint.URLFetcher):
    """Serves BASE_URL/static/... from the given folders on disk; refuses everything else."""

    def __init__(self, roots, base_url: str = BASE_URL, prefix: str = STATIC_PREFIX) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False, timeout=1)
        self.roots = [Path(root).resolve() for root in roots]
        self.origin = urlsplit(base_url)[:2]
        self.prefix = prefix
        self.served: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        path = self._find(url)
        if path is None:
            self.refused.append(url)
            raise RefusedFetch(f"Reports load only the app's own static files, not {url!r}.")
        self.served.append(url)
        headers = {"Content-Type": _CONTENT_TYPES.get(path.suffix, "application/octet-stream")}
        return weasyprint.urls.URLFetcherResponse(
            url=path.as_uri(), body=path.read_bytes(), headers=headers
        )

    def _find(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts[:2] != self.origin or not parts.path.startswith(self.prefix):
            return None
        relative = unquote(parts.path[len(self.prefix) :])
        if not relative or relative.startswith("/") or ".." in relative.split("/"):
            return None
        for root in self.roots:
            candidate = (root / relative).resolve()
            if candidate.is_relative_to(root) and candidate.is_file():
                return candidate
        return None


def render_job(
    html: str,
    base_url: str,
    page_size: str,
    variant: str,
    attachment: bytes,
    static_roots: list[str],
    *,
    static_prefix: str = STATIC_PREFIX,
    identifier: bytes = b"",
    made: datetime | None = None,
) -> bytes:
    """The PDF of one printed report: tagged, `variant` (PDF/UA or PDF/A), `attachment` (the
    report's JSON) embedded. Runs in the pool's worker; plain values in, bytes out."""
    fetcher = StaticOnlyFetcher(static_roots, base_url, static_prefix)
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    size = weasyprint.CSS(string=f"@page {{ size: {page_size}; }}")
    attached = weasyprint.Attachment(
        string=attachment,
        base_url=base_url,
        url_fetcher=fetcher,
        name=ATTACHMENT_NAME,
        description="The report's data (schema safeguards.gap-report/1).",
        created=made,
        modified=made,
        relationship="Data",
    )
    return document.write_pdf(
        stylesheets=[size],
        attachments=[attached],
        pdf_variant=variant,
        pdf_tags=True,
        pdf_identifier=identifier or None,
    )


def _initialize() -> None:
    """Each worker: lower priority, so web requests get the CPU first."""
    os.nice(NICENESS)


# --- the pool, as seen from the web process --------------------------------------------------

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_pid: int | None = None


def _setting(name: str, default):
    from django.conf import settings

    return getattr(settings, name, default)


def _context():
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if context.get_start_method() == "forkserver":
        # Import WeasyPrint once in the fork server; each worker then starts warm.
        context.set_forkserver_preload([__name__])
    return context


def executor() -> ProcessPoolExecutor:
    """This process's pool, made on first use (and again after a fork or a breakdown)."""
    global _pool, _pool_pid
    with _lock:
        if _pool is None or _pool_pid != os.getpid():
            _pool = ProcessPoolExecutor(
                max_workers=max(1, int(_setting("SAFEGUARDS_PDF_WORKERS", 1))),
                mp_context=_context(),
                initializer=_initialize,
            )
            _pool_pid = os.getpid()
        return _pool


def _discard(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def render(**job) -> bytes:
    """`render_job(**job)` in the pool (or here, with SAFEGUARDS_PDF_IN_PROCESS); any failure
    is raised as RenderFailed. A pool whose worker died is replaced and the job tried once more.
    """
    if _setting("SAFEGUARDS_PDF_IN_PROCESS", False):
        try:
            return render_job(**job)
        except Exception as error:
            raise RenderFailed(f"Rendering the PDF failed: {error}") from error
    timeout = float(_setting("SAFEGUARDS_PDF_TIMEOUT", 120))
    for attempt in (1, 2):
        pool = executor()
        try:
            return pool.submit(render_job, **job).result(timeout=timeout)
        except BrokenProcessPool as error:
            _discard(pool)
            if attempt == 2:
                raise RenderFailed(
                    "The PDF renderer process stopped unexpectedly, twice; try again later."
                ) from error
        except FutureTimeout as error:
            raise RenderFailed(f"Rendering the PDF took longer than {timeout:g} s.") from error
        except Exception as error:
            raise RenderFailed(f"Rendering the PDF failed: {error}") from error
    raise AssertionError("unreachable")
