"""The state machine of a recommendation, row by row: every status × action × role."""

import datetime

import pytest

from safeguards.followup import register, states
from safeguards.followup.models import Recommendation, StatusNote
from tests.conftest import make_member

TODAY = datetime.date(2026, 12, 1)
ROLES = ("viewer", "reviewer", "approver", "admin")
# (from, action) -> (to, the least role that may make it); absent: refused for everyone.
ALLOWED = {
    ("open", "resolve"): ("resolved", "reviewer"),
    ("resolved", "reopen"): ("open", "reviewer"),
    ("open", "close_implemented"): ("closed_implemented", "approver"),
    ("resolved", "close_implemented"): ("closed_implemented", "approver"),
    ("open", "close_not_implemented"): ("closed_not_implemented", "approver"),
    ("resolved", "close_not_implemented"): ("closed_not_implemented", "approver"),
    ("closed_implemented", "reopen"): ("open", "approver"),
    ("closed_not_implemented", "reopen"): ("open", "approver"),
    ("open", "supersede"): ("superseded", "approver"),
    ("resolved", "supersede"): ("superseded", "approver"),
}
CASES = [(status, action) for status in states.STATUSES for action in states.ACTIONS]


def test_the_table_is_the_state_machine():
    table = {(t.source, t.action): (t.target, t.permission) for t in states.TRANSITIONS}
    least = {"edit": "reviewer", "approve": "approver"}
    assert {key: (target, least[p]) for key, (target, p) in table.items()} == ALLOWED


def test_superseded_is_final():
    assert states.actions_from(states.SUPERSEDED) == []


@pytest.fixture
def people(office):
    return {role: make_member(office, f"{role}-person", role) for role in ROLES}


@pytest.mark.parametrize(("status", "action"), CASES)
def test_each_transition_is_allowed_only_to_its_roles(approved, people, status, action):
    recs = list(Recommendation.objects.filter(deployment=approved.deployment).order_by("serial"))
    rec, other = recs[0], recs[1]
    evidence = list(approved.deployment.evidence.order_by("pk")[:1])
    allowed = ALLOWED.get((status, action))
    for role in ROLES:
        Recommendation.objects.filter(pk=rec.pk).update(
            status=status,
            agreed_action="Publish the policy.",
            responsible_official="Chief Privacy Officer",
            target_date=datetime.date(2027, 3, 1),
        )
        rec.refresh_from_db()
        notes = StatusNote.objects.count()
        may = allowed is not None and ROLES.index(role) >= ROLES.index(allowed[1])
        try:
            register.move(
                rec,
                action,
                people[role],
                TODAY,
                note="Why.",
                evidence=evidence,
                superseded_by=other,
            )
        except register.FollowupError:
            assert not may, f"{role} was refused {status} -> {action}"
            rec.refresh_from_db()
            assert rec.status == status and StatusNote.objects.count() == notes
        else:
            assert may, f"{role} was allowed {status} -> {action}"
            assert rec.status == allowed[0]
            note = StatusNote.objects.latest("pk")
            assert (note.status_before, note.status_after) == (status, allowed[0])


def test_closing_without_evidence_is_refused(approved, bob):
    rec = Recommendation.objects.filter(deployment=approved.deployment).first()
    with pytest.raises(register.FollowupError, match="evidence"):
        register.move(rec, "close_implemented", bob, TODAY, note="Done.", evidence=[])
    rec.refresh_from_db()
    assert rec.status == "open"


def test_resolving_needs_action_official_and_date(approved, alice):
    rec = Recommendation.objects.filter(deployment=approved.deployment).first()
    with pytest.raises(register.FollowupError, match="responsible official"):
        register.move(rec, "resolve", alice, TODAY, note="Agreed.")


def test_evidence_of_another_deployment_cannot_be_cited(approved, bob, evidence_elsewhere):
    rec = Recommendation.objects.filter(deployment=approved.deployment).first()
    with pytest.raises(register.FollowupError):
        register.move(
            rec, "close_implemented", bob, TODAY, note="Done.", evidence=[evidence_elsewhere]
        )


@pytest.fixture
def evidence_elsewhere(office, alice):
    from safeguards.reviews.models import Evidence
    from tests.factories import make_deployment

    other = make_deployment(office, alice, name="Other deployment")
    return Evidence.objects.create(office=office, deployment=other, title="X", kind="document")


@pytest.mark.parametrize(
    ("status", "opened", "target", "overdue", "unresolved", "over_a_year"),
    [
        ("open", "2026-11-01", None, False, False, False),
        ("open", "2026-06-01", None, False, True, False),
        ("open", "2026-06-02", None, False, False, False),
        ("resolved", "2026-01-01", "2026-11-30", True, False, False),
        ("resolved", "2025-11-30", "2026-12-01", False, False, True),
        ("open", "2025-12-01", None, False, True, False),
        ("closed_implemented", "2020-01-01", "2021-01-01", False, False, False),
        ("superseded", "2020-01-01", "2021-01-01", False, False, False),
    ],
)
def test_age_flags(status, opened, target, overdue, unresolved, over_a_year):
    opened = datetime.date.fromisoformat(opened)
    target = datetime.date.fromisoformat(target) if target else None
    assert states.is_overdue(status, target, TODAY) is overdue
    assert states.is_unresolved_too_long(status, opened, TODAY) is unresolved
    assert states.is_open_over_a_year(status, opened, TODAY) is over_a_year


@pytest.mark.parametrize(
    ("decided", "validity", "contract_end", "due"),
    [
        ("2026-08-31", "6_months", None, "2027-02-28"),
        ("2026-12-01", "1_year", None, "2027-12-01"),
        ("2024-02-29", "1_year", None, "2025-02-28"),
        ("2026-12-01", "3_years", None, "2029-12-01"),
        ("2026-12-01", "contract_end", "2027-09-30", "2027-09-30"),
        ("2026-12-01", "", None, None),
    ],
)
def test_validity_sets_the_reassessment_date(decided, validity, contract_end, due):
    contract_end = datetime.date.fromisoformat(contract_end) if contract_end else None
    found = states.valid_until(datetime.date.fromisoformat(decided), validity, contract_end)
    assert found == (datetime.date.fromisoformat(due) if due else None)


def test_validity_state_says_due_soon_and_expired():
    assert states.validity_state(None, TODAY) == "none"
    assert states.validity_state(datetime.date(2027, 6, 1), TODAY) == "valid"
    assert states.validity_state(datetime.date(2027, 1, 15), TODAY) == "due_soon"
    assert states.validity_state(datetime.date(2026, 11, 30), TODAY) == "expired"
