"""The report page, its downloads (current and frozen versions) and the verification page."""

import functools
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from safeguards.accounts.permissions import allow_fetched, office_ids
from safeguards.restricted import versions as restricted
from safeguards.reviews.models import AssessmentStatus

from . import disclosure, pdf, ratelimit, rows
from .data import live_data
from .exports import render_csv, render_json
from .forms import FingerprintForm, ReportFileForm
from .models import ReportVersion
from .present import presentation

logger = logging.getLogger(__name__)


def _verification():
    """The verify module, imported on first use: it loads pyHanko (~30 MB), which a worker
    that never verifies or signs need not hold."""
    from . import verify

    return verify


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _assessment(request, pk, row=rows.FROZEN, **params):
    """The assessment of a report view, read with what the view asks next (see rows): 404
    outside the user's offices, 403 without the right to view."""
    user = request.user
    return allow_fetched(user, row.get(pk, user_id=user.pk, **params))


def _current(request, pk):
    """The assessment of a page or download of its current report: read as the live report
    reads it (data.REPORT_ASSESSMENTS), which then need not read it again."""
    return _assessment(request, pk, rows.CURRENT)


def _current_version(assessment):
    """The latest frozen version of an approved assessment, else None (show the live draft)."""
    if assessment.status != AssessmentStatus.APPROVED:
        return None
    return assessment.report_versions.order_by("-number").first()


def _version(assessment, number):
    version = assessment.report_versions.filter(number=number).first()
    if version is None:
        raise Http404("No such report version.")
    return version


def _download(content: bytes, content_type: str, assessment, label: str, ext: str):
    name = slugify(assessment.deployment.name)[:40] or "report"
    filename = f"safeguards-{assessment.pk}-{name}-{label}.{ext}"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _current_data(assessment, public=False):
    """The version shown (or None for a live draft) and its data: the public version's when
    `public` (then withheld values are digests without their disclosures)."""
    version = _current_version(assessment)
    if version is not None:
        return version, restricted.frozen_data(version, public)
    data = live_data(assessment, loaded=True)
    return None, restricted.draft_data(assessment, data, public)


def _label(data):
    if data["status"] == "approved":
        return f"v{data['report_version']}"
    return f"draft-{data['fingerprint'][:12]}"


@require_GET
def report_page(request, pk):
    assessment = _current(request, pk)
    public, limited = restricted.choice(request, assessment)
    version, data = _current_data(assessment, public)
    context = presentation(disclosure.readable(data))
    context.update(
        public_notice=disclosure.notice(data),
        version_kind=disclosure.version_kind(data),
        public_only=limited,
        query="?version=public" if public else "",
        assessment=assessment,
        version=version,
        versions=ReportVersion.objects.filter(assessment_id=assessment.pk)
        .defer("pdf", "canonical_json")
        .order_by("-number")
        if assessment.report_version_count
        else (),
        back_url=_assessment_url(assessment),
    )
    return render(request, "reports/report.html", context)


def _assessment_url(assessment):
    try:
        return assessment.get_absolute_url()
    except NoReverseMatch:  # the assessment pages are another app's; until they exist
        return reverse("reviews:assessment_list")


@require_GET
def current_pdf(request, pk):
    assessment = _current(request, pk)
    public = restricted.wants_public(request, assessment)
    version = _current_version(assessment)
    if version is not None:
        content = restricted.frozen_pdf(version, public)
        return _download(
            content, "application/pdf", assessment, _label_of(version.number, public), "pdf"
        )
    data = restricted.draft_data(assessment, live_data(assessment, loaded=True), public)
    try:
        content = pdf.draft_pdf(data, **pdf.letterhead(assessment.office))
    except pdf.RenderFailed:
        logger.exception("Draft PDF of assessment %s could not be rendered", assessment.pk)
        return render(request, "reports/pdf_failed.html", {"assessment": assessment}, status=503)
    return _download(content, "application/pdf", assessment, _label(data), "pdf")


def _label_of(number: int, public: bool) -> str:
    return f"v{number}" + ("-public" if public else "")


@require_GET
def current_summary(request, pk):
    """The one-page summary of the current report (latest approved version, else the draft)."""
    assessment = _current(request, pk)
    _, data = _current_data(assessment, restricted.wants_public(request, assessment))
    try:
        content = pdf.render_summary(disclosure.readable(data), **pdf.letterhead(assessment.office))
    except pdf.RenderFailed:
        logger.exception("Summary PDF of assessment %s could not be rendered", assessment.pk)
        return render(request, "reports/pdf_failed.html", {"assessment": assessment}, status=503)
    label = f"{_label(data)}-summary"
    return _download(content, "application/pdf", assessment, label, "pdf")


@require_GET
def current_docx(request, pk):
    assessment = _current(request, pk)
    _, data = _current_data(assessment, restricted.wants_public(request, assessment))
    from . import word  # python-docx: loaded by the first Word download, not by every worker

    content = word.render_docx(
        disclosure.readable(data),
        paper=assessment.office.paper_size or "letter",
        site_url=settings.SITE_URL,
    )
    return _download(content, DOCX_TYPE, assessment, _label(data), "docx")


@require_GET
def current_json(request, pk):
    assessment = _current(request, pk)
    _, data = _current_data(assessment, restricted.wants_public(request, assessment))
    return _download(render_json(data), "application/json", assessment, _label(data), "json")


@require_GET
def current_csv(request, pk):
    assessment = _current(request, pk)
    _, data = _current_data(assessment, restricted.wants_public(request, assessment))
    content = render_csv(disclosure.readable(data))
    return _download(content, "text/csv; charset=utf-8", assessment, _label(data), "csv")


@require_GET
def version_pdf(request, pk, number):
    # The bytes come with the assessment's row: the approvers' download is one query.
    assessment = _assessment(request, pk, rows.FROZEN_PDF, number=number)
    if assessment.version_pdf is None:
        raise Http404("No such report version.")
    public = restricted.wants_public(request, assessment)
    content = assessment.version_pdf
    if public:  # its public version's PDF, if that was made
        content = restricted.frozen_pdf(_version(assessment, number), public)
    return _download(content, "application/pdf", assessment, _label_of(number, public), "pdf")


@require_GET
def version_json(request, pk, number):
    assessment = _assessment(request, pk)
    version = _version(assessment, number)
    public = restricted.wants_public(request, assessment)
    if public:
        content = render_json(restricted.frozen_data(version, True))
    else:
        content = version.canonical_json.encode()
    return _download(
        content, "application/json", assessment, _label_of(version.number, public), "json"
    )


@require_GET
def version_csv(request, pk, number):
    assessment = _assessment(request, pk)
    version = _version(assessment, number)
    public = restricted.wants_public(request, assessment)
    data = disclosure.readable(restricted.frozen_data(version, public))
    content = render_csv(data)
    return _download(
        content, "text/csv; charset=utf-8", assessment, _label_of(version.number, public), "csv"
    )


def _verify_page(request, fingerprint_form=None, file_form=None, outcome=None, status=200):
    context = {
        "fingerprint_form": fingerprint_form or FingerprintForm(),
        "file_form": file_form or ReportFileForm(),
        "outcome": outcome,
    }
    return render(request, "reports/verify.html", context, status=status)


def _limited(view):
    """Verification is public (no sign-in) and rate-limited per client address."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not ratelimit.allow(request, "verify"):
            response = render(request, "reports/verify_limited.html", status=429)
            response["Retry-After"] = str(settings.SAFEGUARDS_VERIFY_WINDOW_SECONDS)
            return response
        return view(request, *args, **kwargs)

    return login_not_required(wrapped)


@require_GET
@_limited
def verify(request):
    return _verify_page(request)


@require_POST
@_limited
def verify_fingerprint_view(request):
    form = FingerprintForm(request.POST)
    if not form.is_valid():
        return _verify_page(request, fingerprint_form=form, status=400)
    verify_fingerprint = _verification().verify_fingerprint
    outcome = verify_fingerprint(form.cleaned_data["fingerprint"], set(office_ids(request.user)))
    return _verify_page(request, outcome=outcome)


@require_GET
@_limited
def verify_short(request, fingerprint):
    """The short link printed on every PDF (and its QR code): /v/<fingerprint>/."""
    form = FingerprintForm({"fingerprint": fingerprint})
    if not form.is_valid():
        return _verify_page(request, fingerprint_form=form, status=400)
    verify_fingerprint = _verification().verify_fingerprint
    outcome = verify_fingerprint(form.cleaned_data["fingerprint"], set(office_ids(request.user)))
    return _verify_page(request, fingerprint_form=form, outcome=outcome)


@require_POST
@_limited
def verify_file_view(request):
    form = ReportFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _verify_page(request, file_form=form, status=400)
    raw = form.cleaned_data["file"].read()
    outcome = _verification().verify_file(raw, set(office_ids(request.user)))
    return _verify_page(request, outcome=outcome)
