"""Saving a category of 15 answers (all changed), audit events included: server time; and
the page the save redirects to, which renders every changed row again.

Target: ≤ 50 ms for the save. Each run changes every answer on the page, so each writes 15
audit events.
"""

import sys
import time

from common import MISSED, Samples, client_for, count_queries, header, line, setup

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

    def measured(fn, samples: Samples):
        cpu, started = time.process_time(), time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - started)
        samples.cpu.append(time.process_time() - cpu)
        return result

    def scenario(change_evidence: bool):
        samples, after, queries, after_queries = Samples(), Samples(), None, None
        samples.cpu, after.cpu = [], []
        for run in range(WARMUP + RUNS + 1):
            form = post_data(run, change_evidence)
            before = Event.objects.count()
            if run == WARMUP + RUNS:
                queries = count_queries(lambda form=form: client.post(url, form))
                after_queries = count_queries(lambda: client.get(url))
                break
            if run >= WARMUP:
                response = measured(lambda form=form: client.post(url, form), samples)
            else:
                response = client.post(url, form)
            if response.status_code != 302:
                raise SystemExit(f"save answered {response.status_code}, expected a redirect")
            written = Event.objects.count() - before
            if written != len(answers):
                raise SystemExit(f"save wrote {written} audit events, expected {len(answers)}")
            # The page the save redirects to: every changed row is rendered again.
            page = measured(lambda: client.get(url), after) if run >= WARMUP else client.get(url)
            if page.status_code != 200:
                raise SystemExit(f"the page after a save answered {page.status_code}")
        what = "status, text and evidence" if change_evidence else "status and text"
        figures = line(
            f"save {len(answers)} changed answers ({what}) + {len(answers)} audit events",
            samples,
            queries=queries,
        )
        line(
            f"  the page right after that save ({len(answers)} rows rendered again)",
            after,
            queries=after_queries,
        )
        return figures

    figures = scenario(change_evidence=True)
    scenario(change_evidence=False)
    if figures["median"] > 50:
        print(f"  MISSED: target ≤ 50 ms, by {figures['median'] - 50:.1f} ms")
        return MISSED
    return 0


if __name__ == "__main__":
    sys.exit(main())
