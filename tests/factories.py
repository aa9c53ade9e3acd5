"""Plain functions that build realistic records for tests, straight through the ORM."""

import datetime
import hashlib
from itertools import count

from safeguards import scoring
from safeguards.catalog.models import Category, Criterion, Framework, FrameworkVersion, Reference
from safeguards.reviews.models import Answer, Assessment, Deployment

_serial = count(1)
SEVERITY_CYCLE = ("critical", "high", "medium", "low")


def make_framework(
    *,
    slug: str = "test-framework",
    version: int = 1,
    categories: int = 3,
    per_category: int = 5,
    red_lines: int = 1,
    thresholds: tuple[int, int] = (80, 50),
) -> FrameworkVersion:
    """A framework version with `categories` × `per_category` criteria.

    Codes are C1-1, C1-2, ..., severities cycle critical→low, and the first `red_lines`
    criteria are red lines.
    """
    framework, _ = Framework.objects.get_or_create(slug=slug, defaults={"title": slug.title()})
    source = f"{slug} {version} {categories} {per_category} {next(_serial)}"
    framework_version = FrameworkVersion.objects.create(
        framework=framework,
        version=version,
        title=f"{slug} v{version}",
        publisher="Test publisher",
        published=datetime.date(2026, 1, 1),
        description="A framework made for tests.",
        threshold_adequate=thresholds[0],
        threshold_significant_gaps=thresholds[1],
        source_name=f"{slug}.yaml",
        source_sha256=hashlib.sha256(source.encode()).hexdigest(),
        source_text=source,
        loaded_by="tests",
    )
    position = 0
    for c in range(1, categories + 1):
        category = Category.objects.create(
            framework_version=framework_version,
            code=f"C{c}",
            title=f"Category {c}",
            description=f"What category {c} covers.",
            position=c,
        )
        for n in range(1, per_category + 1):
            position += 1
            criterion = Criterion.objects.create(
                framework_version=framework_version,
                category=category,
                code=f"C{c}-{n}",
                title=f"Criterion {c}.{n}",
                question=f"Is safeguard {c}.{n} in place?",
                guidance=f"Look at the contract for safeguard {c}.{n}.",
                met="Binding and verified.",
                partial="Stated but not binding.",
                severity=SEVERITY_CYCLE[(position - 1) % 4],
                red_line=position <= red_lines,
                position=position,
            )
            Reference.objects.create(
                criterion=criterion,
                source="Test source",
                section=f"§{position}",
                url="https://example.org/source",
                note="Made up for tests",
                position=1,
            )
    return framework_version


def make_deployment(office, user=None, **fields) -> Deployment:
    values = {
        "name": "Border face search",
        "operator": "Border agency",
        "vendor": "Face vendor",
        "technology": "Face recognition search",
        "created_by": user,
    }
    values.update(fields)
    return Deployment.objects.create(office=office, **values)


def make_assessment(
    deployment, framework_version, user=None, *, status: str = "draft", answers=None
) -> Assessment:
    """An assessment with an answer row for every criterion (not assessed unless given).

    `answers` maps criterion code -> status; each given answer gets a rationale.
    """
    assessment = Assessment.objects.create(
        office=deployment.office,
        deployment=deployment,
        framework_version=framework_version,
        title=f"Assessment of {deployment.name}",
        as_of=datetime.date(2026, 11, 1),
        status=status,
        created_by=user,
    )
    answers = answers or {}
    Answer.objects.bulk_create(
        Answer(
            assessment=assessment,
            criterion=criterion,
            status=answers.get(criterion.code, scoring.NOT_ASSESSED),
            rationale=f"Rationale for {criterion.code}." if criterion.code in answers else "",
            updated_by=user if criterion.code in answers else None,
        )
        for criterion in framework_version.criteria.order_by("position")
    )
    return assessment
