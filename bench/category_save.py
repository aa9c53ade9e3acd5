"""Saving a category of 15 answers (all changed), audit events included: server time.

Target: ≤ 50 ms. Each run changes every answer on the page, so each writes 15 audit events.
"""

import sys
import time

from common import MISSED, client_for, count_queries, header, line, setup

RUNS = 30
WARMUP = 3
STATUSES = ("partial", "not_met")


def main() -> int:
    setup()
    import data
    from django.urls import reverse

    from safeguards.audit.models import Event
    from safeguards.reviews.models import Answer

    header("saving a category of 15 answers")
    office, users = data.office("bench-save")
    client = client_for(users["reviewer"])
    version = data.framework(60, categories=4)
    assessment = data.assessment(office, users, version)
    url = reverse("reviews:assessment_category", args=[assessment.pk, "C1"])
    answers = list(
        Answer.objects.filter(assessment=assessment, criterion__category__code="C1").order_by(
            "criterion__position"
        )
    )
    evidence = list(assessment.deployment.evidence.values_list("pk", flat=True)[:2])

    def post_data(run: int, change_evidence: bool) -> dict:
        versions = dict(
            Answer.objects.filter(pk__in=[a.pk for a in answers]).values_list("pk", "version")
        )
        status = STATUSES[run % 2]
        form = {}
        for answer in answers:
            prefix = f"a{answer.pk}"
            form[f"{prefix}-status"] = status
            form[f"{prefix}-rationale"] = f"Run {run}: the task order is silent on this."
            form[f"{prefix}-recommendation"] = f"Run {run}: require it in the task order."
            form[f"{prefix}-evidence"] = [str(evidence[run % 2 if change_evidence else 0])]
            form[f"{prefix}-version"] = str(versions[answer.pk])
        return form

    def scenario(change_evidence: bool):
        samples, queries = [], None
        for run in range(WARMUP + RUNS + 1):
            form = post_data(run, change_evidence)
            before = Event.objects.count()
            if run == WARMUP + RUNS:
                queries = count_queries(lambda form=form: client.post(url, form))
                break
            started = time.perf_counter()
            response = client.post(url, form)
            elapsed = time.perf_counter() - started
            if response.status_code != 302:
                raise SystemExit(f"save answered {response.status_code}, expected a redirect")
            written = Event.objects.count() - before
            if written != len(answers):
                raise SystemExit(f"save wrote {written} audit events, expected {len(answers)}")
            if run >= WARMUP:
                samples.append(elapsed)
        what = "status, text and evidence" if change_evidence else "status and text"
        return line(
            f"save {len(answers)} changed answers ({what}) + {len(answers)} audit events",
            samples,
            queries=queries,
        )

    figures = scenario(change_evidence=True)
    scenario(change_evidence=False)
    if figures["median"] > 50:
        print(f"  MISSED: target ≤ 50 ms, by {figures['median'] - 50:.1f} ms")
        return MISSED
    return 0


if __name__ == "__main__":
    sys.exit(main())
