"""Fill the database with realistic volumes for benchmarks: bulk inserts, a chain that verifies.

Everything lands in one office (created if missing) with four members, one per role. Answers are
made for every criterion of every new assessment against the default framework, or against a
synthetic framework of `--categories` × `--criteria-per-category` criteria. Audit events go
through `audit.bulk.append_many`, which chains them exactly as `record()` would.
"""

import datetime
import hashlib
import random
import time
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from safeguards import scoring
from safeguards.accounts.models import Membership, Office, Role
from safeguards.audit.bulk import append_many
from safeguards.catalog.models import Category, Criterion, Framework, FrameworkVersion, Reference
from safeguards.reviews.models import Answer, Assessment, AssessmentStatus, Deployment

DEFAULT_FRAMEWORK = "fr-deployment-safeguards"
BATCH = 2000
SEVERITIES = ("critical", "high", "medium", "low")
# Roughly what a year of real reviews looks like: mostly gaps and unknowns.
STATUS_MIX = (
    [scoring.MET] * 3
    + [scoring.PARTIAL] * 3
    + [scoring.NOT_MET] * 2
    + [scoring.UNDISCLOSED] * 4
    + [scoring.NOT_ASSESSED] * 2
)
AGENCIES = (
    "Border Protection Agency",
    "Metropolitan Police Department",
    "State Highway Patrol",
    "Immigration Enforcement Directorate",
    "County Sheriff's Office",
    "Transit Authority Police",
    "Department of Corrections",
    "Airport Security Administration",
)
VENDORS = ("FaceFind Inc.", "Gallery Search LLC", "Vigilant Vision", "OpenLens Analytics", "")
TECHNOLOGIES = (
    "Face-recognition search of scraped web images",
    "Automated licence-plate reader network",
    "Real-time video analytics",
    "Social-media monitoring service",
    "Cell-site simulator",
    "Mobile-device forensic extraction",
)
ACTIONS = (
    ("answer.updated", 14),
    ("evidence.added", 2),
    ("evidence.linked", 3),
    ("assessment.created", 1),
    ("assessment.submitted", 1),
    ("deployment.updated", 1),
)


def batched(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


class Command(BaseCommand):
    help = (
        "Generate load-test data: deployments, assessments with answers, and audit events "
        "(chained, so verify_audit passes). For benchmarks, never for a live office."
    )

    def add_arguments(self, parser):
        parser.add_argument("--deployments", type=int, default=10)
        parser.add_argument("--assessments", type=int, default=20)
        parser.add_argument("--events", type=int, default=1000)
        parser.add_argument("--office", default="load-test", help="office slug (created if new)")
        parser.add_argument(
            "--criteria-per-category",
            type=int,
            default=None,
            help="use a synthetic framework with this many criteria per category "
            "(default: the shipped default framework)",
        )
        parser.add_argument("--categories", type=int, default=4, help="with the option above")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        for name in ("deployments", "assessments", "events"):
            if options[name] < 0:
                raise CommandError(f"--{name} must be 0 or more.")
        if options["assessments"] and not options["deployments"]:
            if not Deployment.objects.filter(office__slug=options["office"]).exists():
                raise CommandError("Assessments need deployments: give --deployments.")
        per_category = options["criteria_per_category"]
        if per_category is not None and (per_category < 1 or options["categories"] < 1):
            raise CommandError("--criteria-per-category and --categories must be at least 1.")
        rng = random.Random(options["seed"])
        started = time.perf_counter()

        office, users = self.office_and_members(options["office"])
        if per_category is None:
            version = default_framework()
        else:
            version = synthetic_framework(options["categories"], per_category)
        deployments = self.deployments(office, users, options["deployments"], rng)
        if not deployments:
            deployments = list(
                Deployment.objects.filter(office=office).values_list("pk", flat=True)
            )
        assessment_ids, answers = self.assessments(
            office, users, version, deployments, options["assessments"], rng
        )
        events = self.events(office, users, deployments, assessment_ids, options["events"], rng)

        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"office {office.slug}: {len(deployments)} deployments, {len(assessment_ids)} "
            f"assessments ({answers} answers, framework {version.framework.slug} "
            f"v{version.version}, {version.criteria.count()} criteria), {events} audit events "
            f"in {elapsed:.1f} s"
        )

    def office_and_members(self, slug):
        office, _ = Office.objects.get_or_create(slug=slug, defaults={"name": f"Load test {slug}"})
        users = {}
        User = get_user_model()
        for role in (Role.REVIEWER, Role.APPROVER, Role.VIEWER, Role.ADMIN):
            user, created = User.objects.get_or_create(username=f"{slug}-{role}")
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            Membership.objects.get_or_create(user=user, office=office, defaults={"role": role})
            users[role] = user
        return office, users

    def deployments(self, office, users, count, rng) -> list[int]:
        ids = []
        start = Deployment.objects.filter(office=office).count()
        rows = (
            Deployment(
                office=office,
                name=f"{rng.choice(TECHNOLOGIES)} #{start + n + 1}",
                operator=rng.choice(AGENCIES),
                vendor=rng.choice(VENDORS),
                technology=rng.choice(TECHNOLOGIES),
                contract_reference=f"70B0{rng.randrange(10**6):06d}",
                contract_value=rng.randrange(10_000, 5_000_000),
                period_start=datetime.date(2020, 1, 1)
                + datetime.timedelta(days=rng.randrange(2000)),
                purposes="Tactical targeting; counter-network analysis; identity verification.",
                data_sources="Images uploaded by agents; the vendor's gallery of web images.",
                notes="Generated for load testing.",
                created_by=users[Role.REVIEWER],
            )
            for n in range(count)
        )
        for chunk in batched(rows, BATCH):
            with transaction.atomic():
                ids.extend(d.pk for d in Deployment.objects.bulk_create(chunk))
        return ids

    def assessments(self, office, users, version, deployments, count, rng):
        criteria = list(version.criteria.order_by("position").values_list("pk", "code"))
        reviewer = users[Role.REVIEWER]
        ids, answers = [], 0
        # Roughly a quarter of assessments submitted, the rest drafts; none approved, because an
        # approved assessment needs a frozen report, which only the approval step makes.
        statuses = [AssessmentStatus.DRAFT] * 3 + [AssessmentStatus.IN_REVIEW]
        first = datetime.date(2019, 1, 1)
        rows = (
            Assessment(
                office=office,
                deployment_id=deployments[n % len(deployments)],
                framework_version=version,
                title=f"Assessment {n + 1} of deployment {deployments[n % len(deployments)]}",
                as_of=first + datetime.timedelta(days=rng.randrange(2900)),
                status=rng.choice(statuses),
                created_by=reviewer,
            )
            for n in range(count)
        )
        now = timezone.now()
        # Assessments per batch so one batch holds about BATCH * 5 answers.
        per_batch = max(1, (BATCH * 5) // max(1, len(criteria)))
        for chunk in batched(rows, per_batch):
            with transaction.atomic():
                created = Assessment.objects.bulk_create(chunk)
                batch = []
                for assessment in created:
                    in_review = assessment.status == AssessmentStatus.IN_REVIEW
                    for pk, code in criteria:
                        status = rng.choice(STATUS_MIX)
                        if in_review and status == scoring.NOT_ASSESSED:
                            status = scoring.UNDISCLOSED
                        answered = status != scoring.NOT_ASSESSED
                        batch.append(
                            Answer(
                                assessment_id=assessment.pk,
                                criterion_id=pk,
                                status=status,
                                rationale=f"Per the contract file, {code} is {status}."
                                if answered
                                else "",
                                recommendation=f"Require {code} in the contract."
                                if status in (scoring.NOT_MET, scoring.PARTIAL)
                                else "",
                                updated_by=reviewer if answered else None,
                                updated_at=now if answered else None,
                            )
                        )
                Answer.objects.bulk_create(batch, batch_size=BATCH)
                answers += len(batch)
                ids.extend(a.pk for a in created)
        return ids, answers

    def events(self, office, users, deployments, assessments, count, rng) -> int:
        if not count:
            return 0
        actions = [action for action, share in ACTIONS for _ in range(share)]
        people = [users[Role.REVIEWER], users[Role.APPROVER], users[Role.ADMIN]]
        # Spread over about five years up to now, oldest first, as years of an office's work.
        step = datetime.timedelta(seconds=max(1, (5 * 365 * 86400) // count))
        start = timezone.now() - step * count

        def stream():
            for n in range(count):
                action = rng.choice(actions)
                data = {"action": action, "at": start + step * n, "office": office.pk}
                data["actor"] = (
                    people[0] if action.startswith(("answer", "evidence")) else (rng.choice(people))
                )
                if action == "deployment.updated" or not assessments:
                    target = rng.choice(deployments) if deployments else 0
                    data.update(target_type="reviews.deployment", target_id=target)
                    data.update(before={"notes": "Earlier notes."}, after={"notes": "New notes."})
                else:
                    assessment = rng.choice(assessments)
                    data["assessment"] = assessment
                    code = f"C{rng.randrange(1, 9)}-{rng.randrange(1, 16)}"
                    if action == "answer.updated":
                        before = rng.choice(STATUS_MIX)
                        after = rng.choice(STATUS_MIX)
                        data.update(
                            target_type="reviews.answer",
                            target_id=rng.randrange(1, 10**7),
                            before={"criterion": code, "status": before},
                            after={
                                "criterion": code,
                                "status": after,
                                "rationale": f"Contract section {rng.randrange(1, 40)} says so.",
                            },
                        )
                    else:
                        data.update(
                            target_type="reviews.assessment",
                            target_id=assessment,
                            after={"criterion": code},
                        )
                yield data

        appended, _ = append_many(stream())
        return appended


def default_framework() -> FrameworkVersion:
    """The newest version of the shipped default framework, loaded first if it is not yet."""
    from safeguards.catalog.loader import load

    version = (
        FrameworkVersion.objects.filter(framework__slug=DEFAULT_FRAMEWORK)
        .order_by("-version")
        .first()
    )
    if version is None:
        path = (
            Path(settings.BASE_DIR) / "safeguards/catalog/frameworks" / f"{DEFAULT_FRAMEWORK}.yaml"
        )
        version = load(path, "generate_load_data").version
    return version


def synthetic_framework(categories: int, per_category: int) -> FrameworkVersion:
    """A framework version of the given size with criteria worded like real ones (made once)."""
    slug = f"load-{categories}x{per_category}"
    existing = FrameworkVersion.objects.filter(framework__slug=slug, version=1).first()
    if existing is not None:
        return existing
    source = f"synthetic framework {slug}"
    with transaction.atomic():
        framework = Framework.objects.create(slug=slug, title=f"Synthetic {slug}")
        version = FrameworkVersion.objects.create(
            framework=framework,
            version=1,
            title=f"Synthetic framework, {categories} × {per_category} criteria",
            publisher="generate_load_data",
            published=datetime.date(2026, 1, 1),
            description="Made for benchmarks: sizes beyond the shipped frameworks.",
            source_name=f"{slug}.yaml",
            source_sha256=hashlib.sha256(source.encode()).hexdigest(),
            source_text=source,
            loaded_by="generate_load_data",
        )
        cats = Category.objects.bulk_create(
            Category(
                framework_version=version,
                code=f"C{c}",
                title=f"Safeguard area {c}",
                description=f"Whether the deployment has the safeguards of area {c}.",
                position=c,
            )
            for c in range(1, categories + 1)
        )
        rows, position = [], 0
        for category in cats:
            for n in range(1, per_category + 1):
                position += 1
                rows.append(
                    Criterion(
                        framework_version=version,
                        category=category,
                        code=f"{category.code}-{n}",
                        title=f"Safeguard {category.code}.{n} is binding and verified",
                        question=(
                            f"Does the contract or a binding policy require safeguard "
                            f"{category.code}.{n}, and is there evidence that it operates?"
                        ),
                        guidance=(
                            "Ask for the contract clause, the standard operating procedure and "
                            "the latest audit log extract. A press release is not evidence."
                        ),
                        met="A binding clause and an audit showing it operates.",
                        partial="Stated in policy but not binding, or binding but not verified.",
                        severity=SEVERITIES[(position - 1) % 4],
                        red_line=position % 20 == 1,
                        position=position,
                    )
                )
        criteria = Criterion.objects.bulk_create(rows, batch_size=BATCH)
        Reference.objects.bulk_create(
            (
                Reference(
                    criterion=criterion,
                    source="Privacy Act of 1974, 5 U.S.C. 552a",
                    section="(e)(10)",
                    url="https://www.govinfo.gov/app/details/USCODE-2023-title5",
                    note="Benchmark of good practice.",
                    position=1,
                )
                for criterion in criteria
            ),
            batch_size=BATCH,
        )
    return version
