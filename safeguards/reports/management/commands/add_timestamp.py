"""Add an RFC 3161 document timestamp to approved PDFs signed without one (PAdES B-B), for
offices whose server could not reach a time-stamping server at approval."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from safeguards import canonical
from safeguards.audit.record import record
from safeguards.reports import signing
from safeguards.reports.models import ReportVersion
from safeguards.reports.properties import office_certificates


class Command(BaseCommand):
    help = (
        "Timestamp signed report PDFs that have no timestamp yet, through the RFC 3161 server "
        "at --tsa-url (default SAFEGUARDS_TSA_URL). The office signature stays valid; the "
        "timestamp is a new revision of the file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tsa-url", default=None)
        parser.add_argument("--office", help="only this office's reports (its slug)")
        parser.add_argument("--assessment", type=int, help="only this assessment's versions")

    def handle(self, tsa_url, office, assessment, **options):
        url = tsa_url or settings.SAFEGUARDS_TSA_URL
        if not url:
            raise CommandError("Name a time-stamping server: --tsa-url or SAFEGUARDS_TSA_URL.")
        versions = ReportVersion.objects.select_related("office").order_by("pk")
        if office:
            versions = versions.filter(office__slug=office)
        if assessment:
            versions = versions.filter(assessment_id=assessment)
        done = 0
        for pk in versions.values_list("pk", flat=True):
            if self.stamp(pk, url):
                done += 1
        self.stdout.write(f"Timestamped {done} report version(s).")

    def stamp(self, pk: int, url: str) -> bool:
        with transaction.atomic():
            version = ReportVersion.objects.select_for_update().get(pk=pk)
            pdf = bytes(version.pdf)
            report = signing.inspect_pdf(pdf, office_certificates(version.office_id))
            if report.state != signing.VALID or report.timestamps:
                return False  # unsigned (older versions), already timestamped, or not ours
            try:
                stamped = signing.add_timestamp(pdf, url)
            except signing.SignatureFailed as error:
                raise CommandError(f"{version}: {error}") from None
            before = version.pdf_sha256
            version.pdf = stamped
            version.pdf_sha256 = canonical.sha256_hex(stamped)
            version.save(update_fields=["pdf", "pdf_sha256"])
            record(
                "report.timestamped",
                office=version.office_id,
                target=version,
                assessment=version.assessment_id,
                before={"pdf_sha256": before},
                after={"pdf_sha256": version.pdf_sha256, "tsa_url": url},
            )
        self.stdout.write(f"Timestamped {version} ({version.pdf_sha256[:16]}…).")
        return True
