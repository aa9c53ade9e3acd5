"""The office log as CSV: the same filters as the page, every page of them, safe to open."""

import csv
import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from safeguards.accounts.models import Profile
from safeguards.audit.bulk import append_many
from safeguards.audit.record import record
from safeguards.reviews.models import Evidence
from tests.factories import make_assessment, make_deployment, make_framework

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2026, 5, 10, 12, 0, tzinfo=datetime.UTC)


def download(client, **params):
    return client.get(reverse("audit:office_log_csv"), params)


def rows_of(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_holds_every_matching_event_not_one_page(client_for, olga, office, other_office):
    append_many(
        {"action": "answer.updated" if n % 2 else "evidence.added", "office": office, "at": AT}
        for n in range(130)
    )
    append_many([{"action": "answer.updated", "office": other_office, "at": AT}])
    response = download(client_for(olga), action="answer.updated", before="999")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith('attachment; filename="office-log-')
    rows = rows_of(response)
    assert rows[0][:3] == ["event", "time_utc", "person"]
    assert len(rows) == 1 + 65
    assert {row[5] for row in rows[1:]} == {"Answer changed"}
    assert {row[6] for row in rows[1:]} == {"answer.updated"}
    numbers = [int(row[0]) for row in rows[1:]]
    assert numbers == sorted(numbers, reverse=True) and 131 not in numbers


def test_csv_follows_the_date_range(client_for, olga, office):
    append_many(
        {"action": "answer.updated", "office": office, "at": AT + datetime.timedelta(days=n)}
        for n in range(5)
    )
    rows = rows_of(download(client_for(olga), date_from="2026-05-11", date_to="2026-05-12"))
    assert [row[1] for row in rows[1:]] == ["2026-05-12 12:00:00", "2026-05-11 12:00:00"]


def test_csv_names_people_targets_and_changes(client_for, olga, alice, office):
    Profile.objects.create(user=alice, full_name="Alice Auditor")
    assessment = make_assessment(make_deployment(office, alice), make_framework(), alice)
    answer = assessment.answers.select_related("criterion").order_by("pk").first()
    with transaction.atomic():
        record(
            "answer.updated",
            actor=alice,
            office=office,
            target=answer,
            assessment=assessment,
            before={"criterion": answer.criterion.code, "status": "not_assessed"},
            after={"criterion": answer.criterion.code, "status": "undisclosed"},
        )
    (row,) = rows_of(download(client_for(olga)))[1:]
    values = dict(zip(rows_of(download(client_for(olga)))[0], row, strict=True))
    assert values["person"] == "Alice Auditor" and values["username"] == "alice"
    assert values["target"] == (
        f"{answer.criterion.code} {answer.criterion.title} in {assessment.title}"
    )
    assert values["changes"] == "Status: Not assessed → Undisclosed"
    assert values["assessment_id"] == str(assessment.pk)


def test_csv_defuses_formulas(client_for, olga, alice, office):
    deployment = make_deployment(office, alice)
    evidence = Evidence.objects.create(
        office=office,
        deployment=deployment,
        title='=HYPERLINK("http://x.example")',
        kind="document",
    )
    with transaction.atomic():
        record(
            "evidence.added",
            actor=alice,
            office=office,
            target=evidence,
            after={"title": "+cmd|' /C calc'!A0"},
        )
    formula_user = get_user_model().objects.create_user("@SUM(A1)", password="x" * 16)
    append_many([{"action": "answer.updated", "office": office, "actor": formula_user}])
    rows = rows_of(download(client_for(olga)))
    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("http://x.example")' in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    changes = next(row[9] for row in rows[1:] if row[6] == "evidence.added")
    assert changes == "Title: — → +cmd|' /C calc'!A0"  # inside a cell, not at its start


def test_csv_with_bad_filters_goes_back_to_the_page(client_for, olga, office):
    response = download(client_for(olga), date_from="not a date")
    assert response.status_code == 302
    assert response["Location"] == reverse("audit:office_log") + "?date_from=not+a+date"


def test_csv_is_403_for_a_reviewer(client_for, alice, office):
    assert download(client_for(alice)).status_code == 403


def test_csv_query_count(client_for, olga, alice, office, django_assert_num_queries):
    append_many(
        {"action": "evidence.added", "office": office, "actor": alice, "target_id": n}
        for n in range(300)
    )
    client = client_for(olga)
    # session, user, memberships, offices, members, the session's save (savepoint, update,
    # release); then the events, and per batch of 500 (here one) their people and one query
    # per kind of target named (here none: the events name no record)
    with django_assert_num_queries(10):
        response = download(client)
        rows = rows_of(response)
    assert len(rows) == 301
