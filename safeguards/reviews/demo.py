"""Demo content for `make run`: the border agency's face-recognition contract, assessed from
the public record and submitted for review.

The content is an ordinary import document (demo/cbp-clearview.json) run through the importer,
so the demo also proves the import format.
"""

import json
from pathlib import Path

from django.db import transaction

from safeguards.accounts.models import Role
from safeguards.catalog.models import FrameworkVersion
from safeguards.reviews import importer, workflow
from safeguards.reviews.models import Deployment

DEMO_FILE = Path(__file__).resolve().parent / "demo" / "cbp-clearview.json"
FRAMEWORK = "fr-deployment-safeguards"


def demo_document(framework_version) -> dict:
    """The demo file, aimed at `framework_version` (answers for codes it lacks are dropped)."""
    doc = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    codes = set(framework_version.criteria.values_list("code", flat=True))
    doc["framework"] = {"slug": FRAMEWORK, "version": framework_version.version}
    doc["answers"] = [answer for answer in doc["answers"] if answer["code"] in codes]
    return doc


def create_demo_content(office, users) -> str:
    """Create the demo deployment and assessment once; return what was created ('' if nothing)."""
    reviewer = users.get(Role.REVIEWER)
    versions = FrameworkVersion.objects.filter(framework__slug=FRAMEWORK)
    framework_version = versions.filter(version=1).first()
    if reviewer is None or framework_version is None:
        return ""
    doc = demo_document(framework_version)
    if Deployment.objects.filter(office=office, name=doc["deployment"]["name"]).exists():
        return ""
    raw = json.dumps(doc, ensure_ascii=False).encode()
    with transaction.atomic():
        assessment = importer.import_bytes(raw, office, reviewer)
        workflow.submit(assessment, by=reviewer)
    return (
        f"deployment “{assessment.deployment.name}” and assessment #{assessment.pk} "
        f"(in review, {len(doc['answers'])} answers)"
    )
