"""Write an assessment's report as PDF, JSON or CSV: the current one or a frozen version."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safeguards.reports import disclosure, pdf
from safeguards.reports.data import live_report
from safeguards.reports.exports import render_csv, render_json
from safeguards.reports.models import ReportVersion
from safeguards.restricted import versions as restricted
from safeguards.reviews.models import Assessment, AssessmentStatus


class Command(BaseCommand):
    help = (
        "Export an assessment's gap report. Without --report-version: the latest approved "
        "version if the assessment is approved, else the live draft."
    )

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", type=int)
        parser.add_argument("--format", choices=["pdf", "json", "csv"], default="json")
        parser.add_argument("--report-version", type=int, dest="number")
        parser.add_argument("-o", "--output", help="File to write (default: standard output).")
        parser.add_argument(
            "--public",
            action="store_true",
            help="the public version: restricted values withheld (their reasons shown)",
        )

    def handle(self, *args, assessment_id, format, number, output, public, **options):
        assessment = Assessment.objects.filter(pk=assessment_id).first()
        if assessment is None:
            raise CommandError(f"There is no assessment {assessment_id}.")
        versions = ReportVersion.objects.filter(assessment=assessment).order_by("-number")
        if number is not None:
            version = versions.filter(number=number).first()
            if version is None:
                raise CommandError(f"Assessment {assessment_id} has no report version {number}.")
        elif assessment.status == AssessmentStatus.APPROVED:
            version = versions.first()
        else:
            version = None
        content = self.content(assessment, version, format, public)
        if output:
            Path(output).write_bytes(content)
            self.stderr.write(f"Wrote {len(content)} bytes to {output}.")
        else:
            sys.stdout.buffer.write(content)
            sys.stdout.flush()

    def content(self, assessment, version, format, public=False) -> bytes:
        if version is not None:
            if format == "pdf":
                return restricted.frozen_pdf(version, public)
            if format == "json":
                if not public:
                    return version.canonical_json.encode()
                return render_json(restricted.frozen_data(version, True))
            return render_csv(disclosure.readable(restricted.frozen_data(version, public)))
        data = restricted.draft_data(assessment, live_report(assessment).as_dict(), public)
        if format == "csv":
            return render_csv(disclosure.readable(data))
        if format == "pdf":
            return pdf.render_pdf(data, **pdf.letterhead(assessment.office))
        return render_json(data) if format == "json" else render_csv(data)
