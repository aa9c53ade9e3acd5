"""Several people saving the same category page at once, each with their own signed-in client
in their own thread (and so their own database connection).

Used by test_concurrency: in-process on PostgreSQL; on SQLite in a child process against a
real database file (`python -m tests.security.concurrent_saves WRITERS ROUNDS`), because the
test suite's in-memory SQLite shares one cache between threads and fails with "table is
locked" instead of queueing writers as a database file does (see tests/audit).

Writer i owns criterion C1-(i+1). Round 0: everyone loads the page, then all save at the
same moment, so exactly one save can win. Later rounds: load, change, save, as fast as each
thread can. Every save states whose and which round it is in its rationale, so the results
can be traced to the database and the audit trail.
"""

import io
import json
import sys
import threading

STATUSES = ("met", "partial", "not_met", "undisclosed")
CONFLICT_TEXT = " of these answers meanwhile"


def _page_data(assessment) -> dict:
    """What the category page's form holds for C1 when loaded now."""
    data = {}
    for answer in assessment.answers.filter(criterion__category__code="C1"):
        prefix = f"a{answer.pk}"
        data |= {
            f"{prefix}-status": answer.status,
            f"{prefix}-rationale": answer.rationale,
            f"{prefix}-recommendation": answer.recommendation,
            f"{prefix}-version": str(answer.version),
        }
    return data


def _setup(writers: int):
    from django.contrib.auth import get_user_model

    from safeguards.accounts.models import Membership, Office
    from tests.factories import make_assessment, make_deployment, make_framework

    office = Office.objects.create(slug="concurrency", name="Concurrency office")
    users = []
    for n in range(writers):
        user = get_user_model().objects.create(username=f"writer{n}")
        Membership.objects.create(office=office, user=user, role="reviewer")
        users.append(user)
    framework = make_framework(slug="concurrency", categories=1, per_category=writers + 1)
    assessment = make_assessment(make_deployment(office, users[0]), framework, users[0])
    owned = {n: assessment.answers.get(criterion__code=f"C1-{n + 1}").pk for n in range(writers)}
    return users, assessment, owned


def run(writers: int = 4, rounds: int = 4) -> dict:
    """Set up an office and an assessment, let the writers loose, and report what happened."""
    from django.core.management import CommandError, call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from safeguards.audit.models import Event
    from safeguards.reviews.models import Answer, Assessment

    users, assessment, owned = _setup(writers)
    url = reverse("reviews:assessment_category", args=[assessment.pk, "C1"])
    loaded = threading.Barrier(writers)
    saves, errors = [], []
    lock = threading.Lock()

    def write(n: int) -> None:
        try:
            client = Client()
            client.force_login(users[n])
            mine = f"a{owned[n]}"
            for round_ in range(rounds):
                page = client.get(url)
                data = _page_data(Assessment.objects.get(pk=assessment.pk))
                if round_ == 0:
                    loaded.wait(timeout=60)  # everyone holds the same versions
                rationale = f"writer {n} round {round_}"
                data[f"{mine}-status"] = STATUSES[(n + round_) % len(STATUSES)]
                data[f"{mine}-rationale"] = rationale
                response = client.post(url, data)
                with lock:
                    saves.append(
                        {
                            "writer": n,
                            "round": round_,
                            "get": page.status_code,
                            "status": response.status_code,
                            "rationale": rationale,
                            "conflict_shown": CONFLICT_TEXT in response.content.decode(),
                        }
                    )
        except Exception as error:  # reported, and the test fails on it
            with lock:
                errors.append(f"writer {n}: {error.__class__.__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    out = io.StringIO()
    try:
        call_command("verify_audit", stdout=out)
        audit = out.getvalue()
    except CommandError as error:
        audit = f"BROKEN: {error}"
    answers = Answer.objects.filter(pk__in=owned.values())
    final = {n: answers.get(pk=pk).rationale for n, pk in owned.items()}
    events = Event.objects.filter(action="answer.updated", assessment_id=assessment.pk)
    return {
        "saves": saves,
        "errors": errors,
        "final": {str(n): text for n, text in final.items()},
        "event_rationales": [event.after.get("rationale") for event in events.order_by("seq")],
        "audit": audit,
    }


def main(writers: int, rounds: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test client's "testserver" host in
    call_command("migrate", verbosity=0)
    print(json.dumps(run(writers, rounds)))


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
