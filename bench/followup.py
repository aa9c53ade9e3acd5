"""Follow-up pages at volume: the register with 10,000 recommendations over 1,000 deployments,
compare of two 60-criterion versions, the portfolio with 1,000 deployments.

Targets: register ≤ 100 ms server time with the same queries at 100 and 10,000 rows; compare
≤ 50 ms; portfolio ≤ 150 ms. Makes its own office ("followup-bench") the first time.
"""

import datetime
import json
import os
import sys

from common import MISSED, client_for, count_queries, get_ok, header, line, setup, timed

OFFICE = "followup-bench"
DEPLOYMENTS = int(os.environ.get("BENCH_FOLLOWUP_DEPLOYMENTS", "1000"))
PER_DEPLOYMENT = int(os.environ.get("BENCH_FOLLOWUP_PER_DEPLOYMENT", "10"))
STATUSES = (
    "open",
    "open",
    "resolved",
    "open",
    "closed_implemented",
    "resolved",
    "open",
    "closed_not_implemented",
    "open",
    "superseded",
)
RESPONSES = ("concur", "partially_concur", "non_concur", "no_response")
PRIORITIES = ("critical", "high", "medium", "low", "condition")


def report_json(version, deployment, assessment, number, statuses):
    """A real assembled report of `version` with the given statuses, as frozen JSON."""
    from safeguards.reports.assemble import (
        CategoryInput,
        CriterionInput,
        DeploymentInput,
        FrameworkInput,
        ReportInput,
        assemble,
    )

    criteria = list(version.criteria.select_related("category").order_by("position"))
    data = ReportInput(
        office=OFFICE,
        deployment=DeploymentInput(deployment.pk, deployment.name, deployment.operator),
        framework=FrameworkInput(
            version.framework.slug, version.version, version.title, version.source_sha256
        ),
        assessment_id=assessment.pk,
        assessment_title=assessment.title,
        as_of="2026-11-01",
        assessment_status="approved",
        categories=tuple(CategoryInput(c.code, c.title) for c in version.categories.all()),
        criteria=tuple(
            CriterionInput(
                c.code,
                c.category.code,
                c.title,
                c.question,
                c.severity,
                c.weight,
                c.red_line,
                status=statuses[i % len(statuses)],
                rationale="Rationale.",
                recommendation="Make it binding.",
            )
            for i, c in enumerate(criteria)
        ),
        report_version=number,
        generated_at="2026-11-26T00:00:00.000000Z",
    )
    return assemble(data).as_dict()


def build():
    """1,000 deployments, each with an approved assessment, two frozen versions, a decision
    and ten recommendations (bulk inserts: the register's pages, not its writes, are measured)."""
    from data import framework, office

    from safeguards import canonical
    from safeguards.followup.models import Decision, Recommendation, VersionSummary
    from safeguards.reports.models import ReportVersion
    from safeguards.reviews.models import Assessment, Deployment

    found, users = office(OFFICE)
    version = framework(60, categories=4)
    deployments = Deployment.objects.bulk_create(
        Deployment(
            office=found,
            name=f"Deployment {n:04d}",
            operator=f"Agency {n % 37}",
            vendor=f"Vendor {n % 11}",
            created_by=users["reviewer"],
        )
        for n in range(DEPLOYMENTS)
    )
    assessments = Assessment.objects.bulk_create(
        Assessment(
            office=found,
            deployment=d,
            framework_version=version,
            title=f"Review of {d.name}",
            as_of=datetime.date(2026, 1, 1),
            status="approved",
            created_by=users["reviewer"],
        )
        for d in deployments
    )
    old = report_json(
        version, deployments[0], assessments[0], 1, ("met", "partial", "not_met", "undisclosed")
    )
    new = report_json(
        version,
        deployments[0],
        assessments[0],
        2,
        ("met", "met", "partial", "not_met", "undisclosed"),
    )
    at = datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)
    versions = []
    for a in assessments:
        for number, data in ((1, old), (2, new)):
            text = canonical.canonical_json(data).decode()
            versions.append(
                ReportVersion(
                    office=found,
                    assessment=a,
                    number=number,
                    canonical_json=text,
                    fingerprint=data["fingerprint"],
                    pdf=b"",
                    pdf_sha256="0" * 64,
                    approved_by_username="bench",
                    approved_at=at + datetime.timedelta(days=number),
                )
            )
    versions = ReportVersion.objects.bulk_create(versions, batch_size=500)
    VersionSummary.objects.bulk_create(
        VersionSummary(
            report_version=v,
            office=found,
            deployment_id=v.assessment.deployment_id,
            approved_at=v.approved_at,
            overall_score=str(40 + v.number * 5),
            verdict="significant_gaps",
            red_line_breaches=v.number % 2,
            gaps=30,
        )
        for v in versions
    )
    Decision.objects.bulk_create(
        Decision(
            office=found,
            deployment=a.deployment,
            assessment=a,
            decided_on=datetime.date(2026, 6, 1),
            decided_by_username="bench",
            validity="1_year",
            valid_until=datetime.date(2027, 6, 1),
        )
        for a in assessments
    )
    recs, serial = [], 0
    for a in assessments:
        for k in range(PER_DEPLOYMENT):
            serial += 1
            opened = datetime.date(2025, 1, 1) + datetime.timedelta(days=serial % 700)
            recs.append(
                Recommendation(
                    office=found,
                    deployment_id=a.deployment_id,
                    number=f"FB-2026-{serial:05d}",
                    year=2026,
                    serial=serial,
                    criterion_code=f"C{k % 4 + 1}-{k + 1}",
                    criterion_title=f"Criterion {k}",
                    framework_version=version,
                    text="Amend the task order to require the safeguard and verify it by audit.",
                    priority=PRIORITIES[serial % 5],
                    status=STATUSES[serial % 10],
                    agency_response=RESPONSES[serial % 4],
                    target_date=opened + datetime.timedelta(days=200),
                    opened_on=opened,
                    status_changed_on=opened,
                    origin_assessment=a,
                    latest_assessment=a,
                )
            )
    Recommendation.objects.bulk_create(recs, batch_size=1000)
    return found


def main() -> int:
    setup()
    from django.urls import reverse

    from safeguards.accounts.models import Membership, Office
    from safeguards.followup import compare
    from safeguards.followup.models import Recommendation

    header("follow-up pages at volume")
    found = Office.objects.filter(slug=OFFICE).first()
    if found is None or not Recommendation.objects.filter(office=found).exists():
        print(
            f"generating {DEPLOYMENTS} deployments × {PER_DEPLOYMENT} recommendations...",
            flush=True,
        )
        found = build()
    viewer = Membership.objects.filter(office=found, role="viewer").select_related("user")[0].user
    client = client_for(viewer)
    mine = Recommendation.objects.filter(office=found)
    recs = mine.count()
    spread = mine.values("deployment").distinct().count()
    print(f"office {OFFICE}: {recs} recommendations over {spread} deployments")
    some = mine.values_list("deployment_id", flat=True).first()
    failed = False
    register = reverse("followup:register")
    pages = [
        ("register, page 1", register),
        ("register, last page", f"{register}?page=last"),
        ("register, overdue, by target date", f"{register}?overdue=on&sort=-target"),
        ("register, open > 1 year, by priority", f"{register}?over_a_year=on&sort=priority"),
        ("register, one deployment", f"{register}?deployment={some}"),
    ]
    for label, url in pages:
        samples = timed(lambda url=url: get_ok(client, url), runs=15, warmup=2)
        figures = line(
            label, samples, url=url, queries=count_queries(lambda u=url: get_ok(client, u))
        )
        if figures["median"] > 100:
            print(f"  MISSED: target ≤ 100 ms, by {figures['median'] - 100:.1f} ms")
            failed = True
    samples = timed(lambda: get_ok(client, reverse("followup:register_csv")), runs=5, warmup=1)
    line(f"register CSV, all {recs} rows", samples)

    some = (
        Recommendation.objects.filter(office=found).values_list("deployment_id", flat=True).first()
    )
    from safeguards.reports.models import ReportVersion

    version = ReportVersion.objects.filter(assessment__deployment_id=some, number=1).first()
    old = json.loads(version.canonical_json)
    new = json.loads(
        ReportVersion.objects.get(assessment_id=version.assessment_id, number=2).canonical_json
    )
    samples = timed(lambda: compare.compare(old, new), runs=30)
    line(f"compare, pure, {len(old['criteria'])} criteria", samples)
    url = (
        reverse("followup:compare", args=[some])
        + f"?old=version:{version.assessment_id}:1&new=version:{version.assessment_id}:2"
    )
    samples = timed(lambda: get_ok(client, url), runs=30)
    figures = line(
        "compare page, two 60-criterion versions",
        samples,
        queries=count_queries(lambda: get_ok(client, url)),
    )
    if figures["median"] > 50:
        print(f"  MISSED: target ≤ 50 ms, by {figures['median'] - 50:.1f} ms")
        failed = True

    url = reverse("followup:portfolio")
    samples = timed(lambda: get_ok(client, url), runs=10, warmup=2)
    figures = line(
        f"portfolio, {DEPLOYMENTS} deployments",
        samples,
        queries=count_queries(lambda: get_ok(client, url)),
    )
    if figures["median"] > 150:
        print(f"  MISSED: target ≤ 150 ms, by {figures['median'] - 150:.1f} ms")
        failed = True
    return MISSED if failed else 0


if __name__ == "__main__":
    sys.exit(main())
