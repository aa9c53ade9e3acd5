"""The assessment History page and the office-wide log."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from safeguards.accounts.models import Membership, Profile, Role
from safeguards.audit.bulk import append_many
from safeguards.audit.record import record
from safeguards.reviews.models import Evidence
from tests.factories import make_assessment, make_deployment, make_framework

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(office, alice):
    return make_assessment(make_deployment(office, alice), make_framework(), alice)


@pytest.fixture
def answer(assessment):
    return assessment.answers.select_related("criterion__category").order_by("pk").first()


@pytest.fixture
def answer_changed(assessment, alice, answer):
    with transaction.atomic():
        return record(
            "answer.updated",
            actor=alice,
            office=assessment.office,
            target=answer,
            assessment=assessment,
            before={"criterion": "C1-1", "status": "not_met", "rationale": "No <retention> rule."},
            after={
                "criterion": "C1-1",
                "status": "partial",
                "rationale": "A draft retention rule.",
            },
        )


def history_url(assessment):
    return reverse("audit:assessment_history", args=[assessment.pk])


def test_history_shows_who_what_and_before_after(
    client_for, alice, assessment, answer, answer_changed
):
    Profile.objects.create(user=alice, full_name="Alice Auditor")
    response = client_for(alice).get(history_url(assessment))
    assert response.status_code == 200
    page = response.content.decode()
    code = answer.criterion.code
    url = reverse(
        "reviews:assessment_category", args=[assessment.pk, answer.criterion.category.code]
    )
    assert (
        f'Answer changed · <a href="{url}#criterion-{code}">{code} {answer.criterion.title}</a>'
        in page
    )
    assert "<strong>Alice Auditor</strong>" in page
    assert '<td class="audit-value">Not met</td><td class="audit-value">Partially met</td>' in page
    assert 'C1-1 <span class="small text-body-secondary">(unchanged)</span>' in page
    assert "not_met" not in page and "manage.py" not in page and "answer.updated" not in page


def test_history_names_linked_evidence_by_title(client_for, alice, office, assessment, answer):
    deployment = assessment.deployment
    contract = Evidence.objects.create(
        office=office, deployment=deployment, title="Signed <contract>", kind="document"
    )
    policy = Evidence.objects.create(
        office=office, deployment=deployment, title="Use policy", kind="document"
    )
    with transaction.atomic():
        record(
            "answer.updated",
            actor=alice,
            office=office,
            target=answer,
            assessment=assessment,
            before={"criterion": answer.criterion.code, "evidence": [contract.pk]},
            after={"criterion": answer.criterion.code, "evidence": [contract.pk, policy.pk]},
        )
    page = client_for(alice).get(history_url(assessment)).content.decode()
    contract_link = f'<a href="{contract.get_absolute_url()}">Signed &lt;contract&gt;</a>'
    assert f'<td class="audit-value">{contract_link}</td>' in page
    assert f'{contract_link}; <a href="{policy.get_absolute_url()}">Use policy</a>' in page
    assert f"[{contract.pk}" not in page


def test_history_diffs_rationale_word_by_word_and_escapes_it(
    client_for, alice, assessment, answer_changed
):
    page = client_for(alice).get(history_url(assessment)).content.decode()
    assert "<del>No &lt;retention&gt;</del><ins>A draft retention</ins> rule." in page
    assert "<retention>" not in page


def test_history_lists_newest_first_and_only_this_assessment(
    client_for, alice, office, assessment, answer_changed
):
    other = make_assessment(assessment.deployment, assessment.framework_version, alice)
    with transaction.atomic():
        record("assessment.submitted", actor=alice, office=office, assessment=assessment)
        record("assessment.approved", actor=alice, office=office, assessment=other)
    page = client_for(alice).get(history_url(assessment)).content.decode()
    assert page.index("Assessment submitted for review") < page.index("Answer changed")
    assert "Assessment approved" not in page


def test_history_is_paginated(client_for, alice, office, assessment):
    append_many(
        {"action": "answer.updated", "office": office, "assessment": assessment} for _ in range(51)
    )
    client = client_for(alice)
    assert "Page 1 of 2" in client.get(history_url(assessment)).content.decode()
    second = client.get(history_url(assessment) + "?page=2").content.decode()
    assert second.count('class="audit-entry') == 1
    assert client.get(history_url(assessment) + "?page=zzz").status_code == 200


def test_history_empty_state(client_for, victor, assessment):
    response = client_for(victor).get(history_url(assessment))
    assert b"Nothing has been recorded for this assessment yet." in response.content


def test_history_is_404_to_another_office(client_for, mallory, assessment, answer_changed):
    assert client_for(mallory).get(history_url(assessment)).status_code == 404


def test_history_sends_anonymous_to_login(client, assessment):
    response = client.get(history_url(assessment))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_history_query_count(client_for, alice, office, assessment, django_assert_num_queries):
    append_many(
        {
            "action": "answer.updated",
            "office": office,
            "assessment": assessment,
            "after": {"status": "met"},
        }
        for _ in range(60)
    )
    client = client_for(alice)
    # session, user, memberships, assessment, count, one page of events (no people or
    # targets to name); then the session is saved (savepoint, update, release)
    with django_assert_num_queries(9):
        assert client.get(history_url(assessment)).status_code == 200


def test_history_query_count_does_not_grow_with_targets(
    client_for, alice, office, assessment, django_assert_num_queries
):
    answers = list(assessment.answers.all()[:3])
    with transaction.atomic():
        for answer in answers:
            record(
                "answer.updated", actor=alice, office=office, target=answer, assessment=assessment
            )
        record(
            "assessment.submitted",
            actor=alice,
            office=office,
            target=assessment,
            assessment=assessment,
        )
    client = client_for(alice)
    # as above, plus one query for the answers and one for the assessment named
    with django_assert_num_queries(12):
        page = client.get(history_url(assessment)).content.decode()
    assert all(answer.criterion.title in page for answer in answers)


# The office log


def log(client, **params):
    return client.get(reverse("audit:office_log"), params)


def events_of(response) -> str:
    """The log's table of events (the filter's lists name every action too)."""
    page = response.content.decode()
    start = page.find('class="table table-sm align-top audit-log"')
    return page[start : page.rindex("</table>")] if start >= 0 else ""


@pytest.fixture
def office_events(office, other_office, alice, bob):
    at = datetime.datetime(2026, 5, 10, 12, 0, tzinfo=datetime.UTC)
    append_many(
        [
            {
                "action": "answer.updated",
                "actor": alice,
                "office": office,
                "at": at,
                "after": {"status": "met"},
            },
            {
                "action": "assessment.approved",
                "actor": bob,
                "office": office,
                "at": at + datetime.timedelta(days=2),
            },
            {
                "action": "evidence.added",
                "actor": alice,
                "office": office,
                "at": at + datetime.timedelta(days=5),
                "after": {"title": "Contract"},
            },
            {
                "action": "office.created",
                "office": other_office,
                "at": at,
                "after": {"name": "Secret other office"},
            },
        ]
    )


def test_office_log_lists_own_office_events_newest_first(client_for, olga, office_events):
    page = events_of(log(client_for(olga)))
    assert (
        page.index("Evidence added")
        < page.index("Assessment approved")
        < page.index("Answer changed")
    )
    assert "Secret other office" not in page


@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({"actor": "bob"}, ["Assessment approved"], ["Answer changed", "Evidence added"]),
        ({"action": "evidence.added"}, ["Evidence added"], ["Answer changed"]),
        ({"date_from": "2026-05-11"}, ["Evidence added"], ["Answer changed"]),
        ({"date_to": "2026-05-12"}, ["Answer changed", "Assessment approved"], ["Evidence added"]),
        (
            {"date_from": "2026-05-12", "date_to": "2026-05-12"},
            ["Assessment approved"],
            ["Answer changed", "Evidence added"],
        ),
    ],
)
def test_office_log_filters(client_for, olga, office_events, params, shown, hidden):
    page = events_of(log(client_for(olga), **params))
    for text in shown:
        assert text in page
    for text in hidden:
        assert text not in page


def test_office_log_filter_without_match_says_so(client_for, olga, office_events):
    response = log(client_for(olga), actor="olga")
    assert b"No events match these filters" in response.content


def test_office_log_offers_people_by_name_and_actions_by_label(
    client_for, olga, bob, office_events
):
    Profile.objects.create(user=bob, full_name="Bob Approver")
    response = log(client_for(olga))
    page = response.content.decode()
    assert '<option value="bob">Bob Approver (bob)</option>' in page
    assert '<option value="alice">alice</option>' in page
    assert '<option value="answer.updated">Answer changed</option>' in page
    assert '<optgroup label="Follow-up">' in page
    assert "Bob Approver" in events_of(response)


def test_office_log_explains_where_the_numbers_start(client_for, olga, office, other_office):
    append_many(
        [{"action": "framework.loaded"}, {"action": "office.created", "office": other_office}]
    )
    append_many([{"action": "office.created", "office": office}])
    page = log(client_for(olga)).content.decode()
    assert "Why the event numbers start at 3 and skip some numbers" in page
    assert "Events 1 to 2 were recorded before your office's first event (number 3)" in page
    assert "manage.py" not in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "not a date"}, "Enter a valid date."),
        ({"date_from": "0001-01-01"}, "Enter a date between 1900 and 9998."),
        ({"date_to": "9999-12-31"}, "Enter a date between 1900 and 9998."),
        ({"date_from": "2026-05-12", "date_to": "2026-05-01"}, "The end date is before the start"),
        ({"action": "DROP TABLE;"}, "Select a valid choice"),
        ({"actor": "mallory"}, "Select a valid choice"),
    ],
)
def test_office_log_shows_bad_filters_next_to_the_field(
    client_for, olga, office_events, params, message
):
    response = log(client_for(olga), **params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert b"invalid-feedback" in response.content
    assert events_of(response) == ""


def test_office_log_pages_by_newer_and_older(client_for, olga, office):
    append_many(
        {"action": "answer.updated", "office": office, "target_id": n} for n in range(1, 121)
    )
    client = client_for(olga)
    first = log(client)
    assert first.context["page"].newer is None and first.context["page"].older == 71
    assert [e.event.seq for e in first.context["entries"]][:2] == [120, 119]
    assert b"Older" in first.content and b"Newer" not in first.content
    second = log(client, before=71)
    assert [e.event.seq for e in second.context["entries"]][0] == 70
    third = log(client, before=second.context["page"].older)
    assert [e.event.seq for e in third.context["entries"]] == list(range(20, 0, -1))
    assert third.context["page"].older is None
    back = log(client, after=third.context["page"].newer)
    assert [e.event.seq for e in back.context["entries"]] == list(range(70, 20, -1))
    assert back.context["page"].newer == 70


@pytest.mark.parametrize("cursor", ["abc", "-5", "9" * 40, "１２"])
def test_office_log_ignores_junk_cursors(client_for, olga, office_events, cursor):
    response = log(client_for(olga), before=cursor, after=cursor)
    assert response.status_code == 200
    assert b"Evidence added" in response.content


def test_office_log_is_403_for_a_reviewer(client_for, alice, office_events):
    assert log(client_for(alice)).status_code == 403


def test_office_log_is_404_without_any_office(client_for, db):
    stranger = get_user_model().objects.create_user("stranger", password="x" * 16)
    assert log(client_for(stranger)).status_code == 404


def test_office_log_filters_by_office_when_admin_of_several(
    client_for, olga, other_office, office_events
):
    Membership.objects.create(office=other_office, user=olga, role=Role.ADMIN)
    client = client_for(olga)
    everything = events_of(log(client))
    assert "Secret other office" in everything and "Evidence added" in everything
    only_other = events_of(log(client, office=other_office.slug))
    assert "Secret other office" in only_other and "Evidence added" not in only_other
    assert "Select a valid choice" in log(client, office="not-mine").content.decode()


def test_office_log_query_count(client_for, olga, office, django_assert_num_queries):
    append_many(
        {"action": "answer.updated", "office": office, "after": {"status": "met"}}
        for _ in range(60)
    )
    client = client_for(olga)
    # session, user, memberships, offices, the members offered as "Who", one page of events
    # (no count), the office's first event; then the session is saved (savepoint, update,
    # release) as on every request
    with django_assert_num_queries(10):
        assert log(client, action="answer.updated").status_code == 200


def test_office_log_orders_by_time(client_for, olga, office):
    at = datetime.datetime(2026, 5, 10, 12, 0, tzinfo=datetime.UTC)
    # loaded out of time order (an import of older records): the log still reads by time
    append_many(
        [
            {"action": "answer.updated", "office": office, "at": at, "target_id": "late"},
            {"action": "answer.updated", "office": office, "at": at - datetime.timedelta(days=1)},
        ]
    )
    entries = log(client_for(olga)).context["entries"]
    assert [e.event.seq for e in entries] == [1, 2]


def test_office_log_merges_offices_in_time_order_across_pages(
    client_for, olga, office, other_office
):
    Membership.objects.create(office=other_office, user=olga, role=Role.ADMIN)
    at = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    append_many(
        {
            "action": "answer.updated",
            "office": office if n % 3 else other_office,
            "at": at + datetime.timedelta(minutes=n),
        }
        for n in range(1, 71)
    )
    client = client_for(olga)
    first = log(client)
    assert [e.event.seq for e in first.context["entries"]] == list(range(70, 20, -1))
    older = log(client, before=first.context["page"].older)
    assert [e.event.seq for e in older.context["entries"]] == list(range(20, 0, -1))
    assert older.context["page"].older is None
    newer = log(client, after=older.context["page"].newer)
    assert [e.event.seq for e in newer.context["entries"]] == list(range(70, 20, -1))


def test_office_log_older_page_query_count(client_for, olga, office, django_assert_num_queries):
    append_many({"action": "answer.updated", "office": office} for _ in range(120))
    client = client_for(olga)
    # as the first page, plus finding the cursor event
    with django_assert_num_queries(11):
        assert log(client, before=70).status_code == 200


# A deployment's history


def deployment_history_url(deployment):
    return reverse("audit:deployment_history", args=[deployment.pk])


@pytest.fixture
def deployment_events(office, alice, assessment):
    deployment = assessment.deployment
    other = make_deployment(office, alice, name="Another deployment")
    evidence = Evidence.objects.create(
        office=office, deployment=deployment, title="Award notice", kind="document"
    )
    elsewhere = Evidence.objects.create(
        office=office, deployment=other, title="Unrelated memo", kind="document"
    )
    with transaction.atomic():
        record(
            "deployment.updated",
            actor=alice,
            office=office,
            target=deployment,
            before={"vendor": "Old vendor"},
            after={"vendor": "New vendor"},
        )
        record(
            "evidence.added",
            actor=alice,
            office=office,
            target=evidence,
            after={"kind": "document"},
        )
        record("evidence.added", actor=alice, office=office, target=elsewhere, after={"title": "x"})
        record("deployment.updated", actor=alice, office=office, target=other, after={"notes": "y"})
    return deployment


def test_deployment_history_shows_its_own_and_its_evidence_events(
    client_for, victor, assessment, deployment_events
):
    page = client_for(victor).get(deployment_history_url(deployment_events)).content.decode()
    assert page.index("Evidence added") < page.index("Deployment changed")
    assert '<td class="audit-value">Old vendor</td><td class="audit-value">New vendor</td>' in page
    assert "Award notice" in page and "Document" in page
    assert "Unrelated memo" not in page and "Another deployment" not in page
    assert f'href="{history_url(assessment)}"' in page  # the assessments' own histories


def test_deployment_page_links_its_history(client_for, victor, deployment_events):
    page = client_for(victor).get(deployment_events.get_absolute_url()).content.decode()
    assert f'href="{deployment_history_url(deployment_events)}">History</a>' in page


def test_deployment_history_is_404_to_another_office(client_for, mallory, deployment_events):
    assert client_for(mallory).get(deployment_history_url(deployment_events)).status_code == 404


def test_deployment_history_query_count(
    client_for, alice, deployment_events, django_assert_num_queries
):
    client = client_for(alice)
    # session, user, memberships, deployment, its evidence ids, count, one page of events,
    # their people, the deployment and the evidence named, the assessments listed; then the
    # session is saved (savepoint, update, release)
    with django_assert_num_queries(15):
        assert client.get(deployment_history_url(deployment_events)).status_code == 200
