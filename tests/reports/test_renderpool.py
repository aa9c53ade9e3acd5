"""The render pool: PDFs made in a separate, niced process; failures surface as RenderFailed;
a pool whose worker died is replaced. These use the real pool (no stand-ins)."""

import os
from concurrent.futures.process import BrokenProcessPool

import pytest

from safeguards.reports import pdf, renderpool

from .samples import sample_report

HTML = "<h1>Report</h1><p>Hello.</p>"


def job(**changes):
    values = {
        "html": HTML,
        "base_url": pdf.BASE_URL,
        "page_size": "A4",
        "variant": pdf.DRAFT_VARIANT,
        "attachment": b"{}",
        "static_roots": pdf.static_roots(),
    }
    return {**values, **changes}


def test_pool_worker_is_another_process_at_lower_priority():
    worker_pid = renderpool.executor().submit(os.getpid).result(timeout=60)
    worker_nice = renderpool.executor().submit(os.nice, 0).result(timeout=60)
    assert worker_pid != os.getpid()
    assert worker_nice >= min(os.nice(0) + renderpool.NICENESS, 19)


def test_pool_and_in_process_rendering_make_the_same_pdf(settings):
    data = sample_report(categories=1, per_category=2).as_dict()
    from_pool = pdf.render_pdf(data)
    settings.SAFEGUARDS_PDF_IN_PROCESS = True
    assert pdf.render_pdf(data) == from_pool


def test_an_error_in_the_worker_is_raised_as_render_failed_and_the_pool_goes_on():
    with pytest.raises(renderpool.RenderFailed, match="Rendering the PDF failed"):
        renderpool.render(**job(variant="pdf/no-such-variant"))
    assert renderpool.render(**job()).startswith(b"%PDF")


def test_a_pool_whose_worker_died_is_replaced():
    broken = renderpool.executor()
    with pytest.raises(BrokenProcessPool):
        broken.submit(os._exit, 1).result(timeout=60)
    assert renderpool.render(**job()).startswith(b"%PDF")
    assert renderpool.executor() is not broken


def test_a_render_over_the_time_limit_is_raised_as_render_failed(settings):
    settings.SAFEGUARDS_PDF_TIMEOUT = 0.01
    with pytest.raises(renderpool.RenderFailed, match="took longer than"):
        renderpool.render(**job(html=HTML * 200))


def test_in_process_rendering_raises_render_failed_too(settings):
    settings.SAFEGUARDS_PDF_IN_PROCESS = True
    with pytest.raises(renderpool.RenderFailed):
        renderpool.render(**job(variant="pdf/no-such-variant"))
