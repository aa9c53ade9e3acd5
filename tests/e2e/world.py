"""A small but complete office for browser tests: a framework, a deployment with an uploaded
piece of evidence, and a draft assessment with some answers saved (so history, gaps and
blockers all have something to show). Built through the app's own code paths."""

import datetime
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from safeguards.catalog.models import FrameworkVersion
from safeguards.reviews import workflow
from safeguards.reviews.forms.evidence import EvidenceForm
from safeguards.reviews.models import AnswerChange, Assessment, Deployment, Evidence
from tests.factories import make_deployment, make_framework

# (status, recommendation) of category C1's answers; category C2 stays not assessed.
SAVED = [
    ("not_met", "Bind the rule in the contract."),  # C1-1, a red line: a breach
    ("partial", "Make the policy binding."),
    ("undisclosed", ""),  # a gap without a recommendation
]


@dataclass
class World:
    framework_version: FrameworkVersion
    deployment: Deployment
    evidence: Evidence
    assessment: Assessment


def build_world(office, reviewer) -> World:
    framework_version = make_framework(categories=2, per_category=3)
    deployment = make_deployment(
        office,
        reviewer,
        name="Border face search",
        purposes="Tactical targeting; counter-network analysis.",
    )
    form = EvidenceForm(
        {"title": "Contract award notice", "kind": "document", "citation": "p. 4, section C.2"},
        {"upload": SimpleUploadedFile("award-notice.txt", b"One year of face search access.\n")},
    )
    assert form.is_valid(), form.errors
    evidence = form.save_for(deployment, reviewer)
    assessment = workflow.create_assessment(
        deployment,
        framework_version,
        title="Border face search review",
        as_of=datetime.date(2026, 11, 1),
        by=reviewer,
    )
    answers = assessment.answers.select_related("criterion").order_by("criterion__position")
    assessment.save_answers(
        [
            AnswerChange(
                answer_id=answer.pk,
                version=answer.version,
                status=status,
                rationale=f"The contract notice is silent on {answer.criterion.code}.",
                recommendation=recommendation,
                evidence=(evidence.pk,),
            )
            for answer, (status, recommendation) in zip(answers, SAVED, strict=False)
        ],
        by=reviewer,
    )
    return World(framework_version, deployment, evidence, assessment)


def page_types(w: World) -> list[tuple[str, str]]:
    """(name, URL) of every page type a reviewer opens (browser tests visit them all)."""
    a, d = w.assessment.pk, w.deployment.pk
    slug = w.framework_version.framework.slug
    return [
        ("home", "/"),
        ("search", "/search/?q=contract"),
        ("search-one-kind", "/search/?q=contract&kind=answers"),
        ("deployment-list", "/deployments/"),
        ("deployment-list-sorted", "/deployments/?sort=-operator"),
        ("deployment-form", "/deployments/new/"),
        ("deployment-detail", f"/deployments/{d}/"),
        ("deployment-edit", f"/deployments/{d}/edit/"),
        ("evidence-list", f"/deployments/{d}/evidence/"),
        ("evidence-create", f"/deployments/{d}/evidence/new/?assessment={a}&criterion=C1-2"),
        ("evidence-detail", f"/evidence/{w.evidence.pk}/"),
        ("assessment-list", "/assessments/"),
        ("assessment-start", f"/deployments/{d}/assess/"),
        ("assessment-overview", f"/assessments/{a}/"),
        ("category-form", f"/assessments/{a}/categories/C1/"),
        ("evidence-picker", f"/assessments/{a}/categories/C1/evidence/C1-2/"),
        ("history", f"/audit/assessments/{a}/history/"),
        ("deployment-history", f"/audit/deployments/{d}/history/"),
        ("report-draft", f"/reports/assessments/{a}/"),
        ("verify", "/reports/verify/"),
        ("framework-list", "/frameworks/"),
        ("framework", f"/frameworks/{slug}/"),
        ("framework-version", f"/frameworks/{slug}/v1/"),
        ("recommendations", "/recommendations/"),
        ("portfolio", "/portfolio/"),
        ("compare", f"/deployments/{d}/compare/"),
        ("notifications", "/notifications/"),
        ("password-change", "/accounts/password/"),
        ("offices", "/accounts/offices/"),
        ("profile", "/accounts/profile/"),
        ("import", "/assessments/import/"),
    ]
