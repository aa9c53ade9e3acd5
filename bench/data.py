"""Records the benchmarks measure: an office, frameworks of a chosen size, answered assessments."""

import datetime
import hashlib
import itertools

from safeguards import scoring
from safeguards.audit.bulk import append_many
from safeguards.reviews.management.commands.generate_load_data import (
    Command as Generator,
)
from safeguards.reviews.management.commands.generate_load_data import (
    default_framework,
    synthetic_framework,
)
from safeguards.reviews.models import Answer, Assessment, Deployment, Evidence

_serial = itertools.count(1)
# A finished review: every criterion answered, mostly gaps, the odd one not applicable.
FINAL_STATUSES = (
    scoring.MET,
    scoring.PARTIAL,
    scoring.NOT_MET,
    scoring.UNDISCLOSED,
    scoring.UNDISCLOSED,
    scoring.PARTIAL,
    scoring.NOT_APPLICABLE,
)


def office(slug: str = "bench"):
    """(office, {role: user}) with one member per role."""
    return Generator().office_and_members(slug)


def framework(criteria: int | None = None, categories: int = 4):
    """The default framework (criteria=None), or a synthetic one of `criteria` in all."""
    if criteria is None:
        return default_framework()
    if criteria % categories:
        raise ValueError("criteria must divide evenly into categories")
    return synthetic_framework(categories, criteria // categories)


def synthetic_one_category(criteria: int):
    """A framework whose first category alone holds `criteria` (the category page's load)."""
    return synthetic_framework(1, criteria)


def assessment(office, users, version, *, answered: bool = True, evidence: int = 20):
    """A deployment and a draft assessment of it; with `answered`, every criterion answered
    with rationale and recommendation, linked to one or two of `evidence` items (shared between
    answers, as in real reviews: a contract, a privacy impact assessment, FOIA releases...)."""
    reviewer = users["reviewer"]
    n = next(_serial)
    deployment = Deployment.objects.create(
        office=office,
        name=f"Border face search {n}",
        operator="Border Protection Agency",
        vendor="FaceFind Inc.",
        technology="Face-recognition search of scraped web images",
        contract_reference=f"70B03C26P{n:08d}",
        contract_value=225000,
        purposes="Tactical targeting; counter-network analysis.",
        created_by=reviewer,
    )
    item = Assessment.objects.create(
        office=office,
        deployment=deployment,
        framework_version=version,
        title=f"Assessment {n} of the border face search",
        as_of=datetime.date(2026, 11, 1),
        created_by=reviewer,
    )
    criteria = list(version.criteria.order_by("position"))
    answers = []
    for position, criterion in enumerate(criteria):
        status = scoring.NOT_ASSESSED
        if answered:
            status = FINAL_STATUSES[position % len(FINAL_STATUSES)]
            if criterion.red_line and status == scoring.NOT_APPLICABLE:
                status = scoring.UNDISCLOSED
        answers.append(
            Answer(
                assessment=item,
                criterion=criterion,
                status=status,
                rationale=(
                    f"The contract (section {position + 3}) and the agency's privacy impact "
                    f"assessment are silent on {criterion.code}; the vendor's terms of service "
                    "describe a retention period but do not bind the agency."
                )
                if answered
                else "",
                recommendation=(
                    f"Amend the task order to require {criterion.code} and verify it by audit."
                )
                if answered and status != scoring.MET
                else "",
                updated_by=reviewer if answered else None,
            )
        )
    answers = Answer.objects.bulk_create(answers)
    if answered and evidence:
        items = Evidence.objects.bulk_create(
            Evidence(
                office=office,
                deployment=deployment,
                title=f"Evidence {k + 1}: contract file, privacy impact assessment excerpt",
                kind="document",
                url=f"https://www.example.gov/foia/release-{k + 1}.pdf",
                citation=f"p. {k + 4}, section {k % 9 + 1}",
                excerpt="Agents may upload probe images obtained in the course of duties.",
                retrieved_on=datetime.date(2026, 10, 1),
                file_sha256=hashlib.sha256(f"evidence {n} {k}".encode()).hexdigest(),
                added_by=reviewer,
            )
            for k in range(evidence)
        )
        through = Answer.evidence.through
        links = []
        for position, answer in enumerate(answers):
            links.append(through(answer_id=answer.pk, evidence_id=items[position % len(items)].pk))
            if position % 2:
                links.append(through(answer_id=answer.pk, evidence_id=items[0].pk))
        through.objects.bulk_create(links, ignore_conflicts=True)
        append_many(
            {
                "action": "answer.updated",
                "actor": reviewer,
                "office": office.pk,
                "target": answer,
                "assessment": item.pk,
                "before": {"criterion": answer.criterion.code, "status": scoring.NOT_ASSESSED},
                "after": {"criterion": answer.criterion.code, "status": answer.status},
            }
            for answer in answers
        )
    return item
