"""Write an assessment's report as PDF, one-page summary, DOCX, JSON, CSV or OSCAL: the
current one or a frozen version."""

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from safeguards.reports import disclosure, oscal, pdf, word
from safeguards.reports.data import live_report
from safeguards.reports.exports import render_csv, render_json
from safeguards.reports.models import ReportVersion
from safeguards.restricted import versions as restricted
from safeguards.reviews.models import Assessment, AssessmentStatus

FORMATS = ["pdf", "summary", "docx", "json", "csv", "oscal-ar", "oscal-poam"]


class Command(BaseCommand):
    help = (
        "Export an assessment's gap report. Without --report-version: the latest approved "
        "version if the assessment is approved, else the live draft."
    )

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", type=int)
        parser.add_argument("--format", choices=FORMATS, default="json")
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
            data = restricted.frozen_data(version, public)
        else:
            data = restricted.draft_data(assessment, live_report(assessment).as_dict(), public)
        if format == "csv":
            return render_csv(disclosure.readable(data))
        layout = pdf.letterhead(assessment.office)
        if format == "pdf":
            return pdf.render_pdf(data, **layout)
        shown = disclosure.readable(data)
        if format == "summary":
            return pdf.render_summary(shown, **layout)
        if format == "docx":
            return word.render_docx(shown, paper=layout["paper"], site_url=settings.SITE_URL)
        if format == "oscal-ar":
            return oscal.render(oscal.assessment_results(self.results(assessment, version, shown)))
        if format == "oscal-poam":
            return oscal.render(oscal.plan_of_action(shown))
        return render_json(data) if format == "json" else render_csv(data)

    def results(self, assessment, version, data) -> list[dict]:
        """One result per approved version up to the one asked for; a draft's own otherwise."""
        if version is None:
            return [data]
        frozen = ReportVersion.objects.filter(assessment=assessment, number__lte=version.number)
        return [
            json.loads(text)
            for text in frozen.order_by("number").values_list("canonical_json", flat=True)
        ]
