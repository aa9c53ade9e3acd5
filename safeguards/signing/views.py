"""The trust-anchor bundle an office publishes: its signing certificates as PEM and FDF."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from safeguards.accounts.permissions import published_office

from .keys import trust_anchor_fdf, trust_anchor_pem
from .models import SigningCertificate


def _office_with_certificate(slug):
    office = published_office(slug)
    if not SigningCertificate.objects.filter(office=office).exists():
        raise Http404("This office has no signing certificate yet.")
    return office


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_not_required
@require_GET
def trust_anchor_pem_view(request, slug):
    office = _office_with_certificate(slug)
    return _download(
        trust_anchor_pem(office).encode(),
        "application/x-pem-file",
        f"{office.slug}-trust-anchor.pem",
    )


@login_not_required
@require_GET
def trust_anchor_fdf_view(request, slug):
    office = _office_with_certificate(slug)
    return _download(
        trust_anchor_fdf(office), "application/vnd.fdf", f"{office.slug}-trust-anchor.fdf"
    )
