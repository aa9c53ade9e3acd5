"""Information requests at the CBP demo's size: the request page with 45 questions and their
answers, the respondent's page, and the import of the filled-in JSON file of 45 answers —
each against the same at 5 questions, so a query per question shows.

Targets: the pages ≤ 100 ms (as the other list pages), with the same queries at 5 and 45
questions; the import's queries grow by a fixed number per answer (each answer is recorded
with its evidence, link and audit event, one by one in one transaction), reported here.
"""

import datetime
import json
import os
import sys

from common import MISSED, client_for, count_queries, get_ok, header, line, setup, timed

SIZES = (5, 45)
RUNS = 30
IMPORTS = 5  # fresh requests imported into per size (an import answers a request once)


def request_with(office, users, questions: int):
    """A sent request of `questions` questions (the assessment's undisclosed criteria), with
    a respondent invited."""
    import data

    from safeguards import scoring
    from safeguards.followup import requests
    from safeguards.reviews.models import Answer

    version = data.framework(60, categories=4)
    assessment = data.assessment(office, users, version, evidence=5)
    answers = list(assessment.answers.order_by("criterion__position"))
    Answer.objects.filter(pk__in=[a.pk for a in answers[:questions]]).update(
        status=scoring.UNDISCLOSED
    )
    Answer.objects.filter(pk__in=[a.pk for a in answers[questions:]]).exclude(
        status=scoring.MET
    ).update(status=scoring.PARTIAL)
    req = requests.create(
        assessment,
        users["reviewer"],
        recipient={"name": "Pat Doe", "organisation": "Border agency", "email": ""},
        due_on=datetime.date(2027, 3, 3),
        covering_letter="Please answer the questions below.",
    )
    invitation = requests.invite_respondent(
        req, users["reviewer"], username=f"resp-{req.pk}", full_name="Pat Doe", email=""
    )
    requests.send(req, users["reviewer"])
    return req, invitation.user


def filled_file(client, req) -> bytes:
    """The request's JSON file as the operator returns it: every question answered."""
    from django.urls import reverse

    doc = json.loads(get_ok(client, reverse("followup:request_json", args=[req.pk])).content)
    for question in doc["questions"]:
        question["answer"] = f"Our answer to {question['number']}: see the attached policy."
        question["received_on"] = "2027-02-20"
    return json.dumps(doc).encode()


def import_once(client, req):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    upload = SimpleUploadedFile("answers.json", filled_file(client, req), "application/json")
    response = client.post(reverse("followup:answers_import", args=[req.pk]), {"file": upload})
    if response.status_code != 302:
        raise SystemExit(f"import answered {response.status_code}: {response.content[:400]!r}")


def measure(office, users, size: int, queries: dict) -> bool:
    """The three figures at `size` questions; whether a page missed its target."""
    from django.urls import reverse

    from safeguards.followup import requests

    office_client = client_for(users["reviewer"])
    missed = False
    req, _ = request_with(office, users, size)
    import_once(office_client, req)  # every question answered, by the office's import
    url = reverse("followup:request", args=[req.pk])
    samples = timed(lambda: get_ok(office_client, url), runs=RUNS)
    queries["request"][size] = count_queries(lambda: get_ok(office_client, url))
    figures = line(
        f"request page, {size} questions answered", samples, queries=queries["request"][size]
    )
    missed |= figures.get("cpu_median", figures["median"]) > 100

    # The respondent's page, with every answer saved (not submitted) by them.
    own, person = request_with(office, users, size)
    for question in own.questions.exclude(n=None):
        requests.save_answer(question, person, f"Draft answer to {question.number}.")
    respondent_client = client_for(person)
    mine = reverse("respond:request", args=[own.pk])
    samples = timed(lambda: get_ok(respondent_client, mine), runs=RUNS)
    queries["respondent"][size] = count_queries(lambda: get_ok(respondent_client, mine))
    figures = line(
        f"respondent page, {size} questions with draft answers",
        samples,
        queries=queries["respondent"][size],
    )
    missed |= figures.get("cpu_median", figures["median"]) > 100

    fresh = [request_with(office, users, size)[0] for _ in range(IMPORTS + 1)]
    queries["import"][size] = count_queries(lambda: import_once(office_client, fresh[0]))
    pending = iter(fresh[1:])
    samples = timed(lambda: import_once(office_client, next(pending)), runs=IMPORTS, warmup=0)
    line(
        f"import of the filled-in JSON file, {size} answers (POST, redirect)",
        samples,
        queries=queries["import"][size],
    )
    return missed


def main() -> int:
    setup()
    import data

    header("information requests: request page, respondent page, JSON import")
    print("load average at start: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    office, users = data.office("requests-bench")
    queries = {"request": {}, "respondent": {}, "import": {}}
    failed = False
    for size in SIZES:
        failed |= measure(office, users, size, queries)
    same = all(len(set(queries[page].values())) == 1 for page in ("request", "respondent"))
    print(
        f"queries the same at {' and '.join(map(str, SIZES))} questions: "
        f"{'yes' if same else 'NO'} {queries}"
    )
    per_answer = (queries["import"][SIZES[1]] - queries["import"][SIZES[0]]) / (SIZES[1] - SIZES[0])
    print(f"import: {per_answer:.1f} queries per answer")
    print("load average at end: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return MISSED if failed or not same else 0


if __name__ == "__main__":
    sys.exit(main())
