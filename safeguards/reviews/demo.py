"""Demo content for `make run`: the border agency's face-recognition contract, assessed from
the public record twice.

1. On version 1 of the framework (demo/cbp-clearview.json, run through the importer), submitted
   and approved, so its report is frozen.
2. Re-assessed on version 2 (demo/cbp-clearview-v2.json): a re-assessment of the first, so the
   answers are carried over through the framework mapping, then every answer is set from the
   file with the evidence that supports it, and the draft is submitted for review.

Both files are ordinary import documents, so the demo also proves the import format.
"""

import datetime
import json
from pathlib import Path

from django.db import transaction

from safeguards.accounts.models import Role
from safeguards.catalog.models import FrameworkVersion
from safeguards.reviews import importer, workflow
from safeguards.reviews.forms.evidence import record_added
from safeguards.reviews.models import AnswerChange, Deployment, Evidence

DEMO_DIR = Path(__file__).resolve().parent / "demo"
DEMO_FILE = DEMO_DIR / "cbp-clearview.json"
DEMO_FILE_V2 = DEMO_DIR / "cbp-clearview-v2.json"
FRAMEWORK = "fr-deployment-safeguards"


def demo_document(framework_version, path: Path = DEMO_FILE) -> dict:
    """A demo file, aimed at `framework_version` (answers for codes it lacks are dropped)."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    codes = set(framework_version.criteria.values_list("code", flat=True))
    doc["framework"] = {"slug": FRAMEWORK, "version": framework_version.version}
    doc["answers"] = [answer for answer in doc["answers"] if answer["code"] in codes]
    return doc


def _evidence(deployment, entries: list[dict], user) -> dict[tuple[str, str], Evidence]:
    """The deployment's evidence for these entries, adding the ones it does not have yet."""
    found = {}
    for entry in entries:
        key = importer.evidence_key(entry)
        if key in found:
            continue
        item = Evidence.objects.filter(deployment=deployment, title=key[0], url=key[1]).first()
        if item is None:
            retrieved = entry.get("retrieved_on")
            item = Evidence.objects.create(
                office_id=deployment.office_id,
                deployment=deployment,
                title=key[0],
                kind=entry["kind"],
                url=key[1],
                citation=entry.get("citation", "").strip(),
                excerpt=entry.get("excerpt", "").strip(),
                retrieved_on=datetime.date.fromisoformat(retrieved) if retrieved else None,
                added_by=user,
            )
            record_added(item, user)
        found[key] = item
    return found


def reassess_on(source, framework_version, doc: dict, reviewer):
    """A re-assessment of `source` on `framework_version`, answered from `doc`, submitted."""
    result = workflow.start_from(
        source,
        framework_version,
        title=doc["assessment"]["title"],
        as_of=datetime.date.fromisoformat(doc["assessment"]["as_of"]),
        by=reviewer,
    )
    assessment = result.assessment
    entries = [entry for answer in doc["answers"] for entry in answer.get("evidence", [])]
    evidence = _evidence(assessment.deployment, entries, reviewer)
    answers = {a.criterion.code: a for a in assessment.answers.select_related("criterion")}
    changes = [
        AnswerChange(
            answer_id=answers[given["code"]].pk,
            version=answers[given["code"]].version,
            status=given["status"],
            rationale=given["rationale"],
            recommendation=given.get("recommendation", ""),
            # Exactly the evidence the file gives: links carried over from version 1 that do
            # not support the new answer are dropped.
            evidence=tuple(
                sorted({evidence[importer.evidence_key(e)].pk for e in given["evidence"]})
            ),
        )
        for given in doc["answers"]
    ]
    assessment.save_answers(changes, by=reviewer)
    workflow.submit(assessment, by=reviewer)
    return assessment


def create_demo_content(office, users) -> str:
    """Create the demo deployment and its two assessments once; return what was created."""
    reviewer, approver = users.get(Role.REVIEWER), users.get(Role.APPROVER)
    versions = FrameworkVersion.objects.filter(framework__slug=FRAMEWORK)
    first = versions.filter(version=1).first()
    if reviewer is None or first is None:
        return ""
    doc = demo_document(first)
    if Deployment.objects.filter(office=office, name=doc["deployment"]["name"]).exists():
        return ""
    raw = json.dumps(doc, ensure_ascii=False).encode()
    second = versions.filter(version=2).first()
    with transaction.atomic():
        assessment = importer.import_bytes(raw, office, reviewer)
        workflow.submit(assessment, by=reviewer)
        if approver is None or second is None:
            return (
                f"deployment “{assessment.deployment.name}” and assessment #{assessment.pk} "
                f"(in review, {len(doc['answers'])} answers)"
            )
        workflow.approve(assessment, by=approver)
        again = reassess_on(assessment, second, demo_document(second, DEMO_FILE_V2), reviewer)
    return (
        f"deployment “{assessment.deployment.name}”, assessment #{assessment.pk} on framework "
        f"version 1 (approved) and its re-assessment #{again.pk} on version 2 (in review)"
    )
