"""Records the load test works on: one office, people in each role with one password, draft
assessments for the reviewers, submitted ones for the approvers. Writes what the locust
scenario needs (ids, names, password) as JSON.

Usage (with the app's settings in the environment): python -m tests.scale.seed OUT.json
"""

import json
import secrets
import sys
from pathlib import Path

import django

SLUG = "scale"
COUNTS = {"reviewer": 24, "viewer": 16, "approver": 10}
DRAFTS = 6  # reviewers share them, so saves of one page collide on purpose
IN_REVIEW = 4  # approvals are few: each freezes a report and renders its archival PDF


def seed(out: Path) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from bench import data
    from safeguards.accounts.models import Membership, Office
    from safeguards.reviews import workflow

    password = secrets.token_urlsafe(16)
    User = get_user_model()
    with transaction.atomic():
        office = Office.objects.create(slug=SLUG, name="Load-test office")
        people = {}
        for role, count in COUNTS.items():
            people[role] = []
            for n in range(1, count + 1):
                user = User.objects.create_user(f"{role}-{n}", password=password)
                Membership.objects.create(office=office, user=user, role=role)
                people[role].append(user.username)
        # A reviewer who is not in the scenario answered the submitted assessments, so every
        # approver of the scenario may approve them.
        author = User.objects.create_user("seed-reviewer", password=password)
        Membership.objects.create(office=office, user=author, role="reviewer")
        version = data.framework()
        users = {"reviewer": author}
        drafts = [data.assessment(office, users, version) for _ in range(DRAFTS)]
        submitted = [data.assessment(office, users, version) for _ in range(IN_REVIEW)]
    for assessment in submitted:
        workflow.submit(assessment, by=author)
    # Most people are signed in already (a session made here, as a login would make it): a
    # login hashes the password with PBKDF2 (~0.5 s of CPU by design), and 50 at once would
    # measure only that. Every fifth person signs in through the form, on either instance.
    sessions = {}
    for names in people.values():
        for n, username in enumerate(names):
            if n % 5:
                sessions[username] = session_for(User.objects.get(username=username))
    categories = list(version.categories.order_by("position").values_list("code", flat=True))
    plan = {
        "password": password,
        "people": people,
        "drafts": [
            {"id": a.pk, "deployment": a.deployment_id, "categories": categories[:3]}
            for a in drafts
        ],
        "in_review": [a.pk for a in submitted],
        "sessions": sessions,
    }
    out.write_text(json.dumps(plan, indent=2))
    return plan


def session_for(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    # The backend a password sign-in ends at (the first ones only check lockouts): a session
    # naming a backend not in the settings is no session at all.
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


if __name__ == "__main__":
    django.setup()
    seed(Path(sys.argv[1]))
