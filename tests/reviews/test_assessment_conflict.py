"""No lost edits: a save based on an older version of an answer never overwrites it."""

import pytest
from django.db import connection
from django.db.models import F
from django.urls import reverse

from safeguards import scoring
from safeguards.audit.models import Event
from safeguards.reviews import page_sql
from safeguards.reviews.models import Answer, AnswerChange, AnswerConflict, Evidence
from tests.browser_form import form_data
from tests.conftest import make_member
from tests.factories import make_assessment, make_deployment, make_framework


@pytest.fixture
def carol(office):
    """A second reviewer, saving the same page as alice."""
    return make_member(office, "carol", "reviewer")


@pytest.fixture
def assessment(office, alice):
    return make_assessment(make_deployment(office, alice), make_framework(), alice)


def page(assessment, name="assessment_category"):
    return reverse(f"reviews:{name}", args=[assessment.pk, "C1"])


def answer(assessment, code):
    return Answer.objects.get(assessment=assessment, criterion__code=code)


def stale_page(client, assessment):
    """The category page's POST exactly as a browser sends it, as alice loaded it before
    carol's save (every control of the rendered form: hidden versions, evidence, all)."""
    row = assessment.answers.filter(criterion__category__code="C1").first()
    return form_data(client.get(page(assessment)).content, having=f"a{row.pk}-version")


def carol_saves(assessment, carol, rationale="Carol: the contract is silent."):
    row = answer(assessment, "C1-2")
    change = AnswerChange(row.pk, row.version, scoring.NOT_MET, rationale, "Ask.")
    assessment.save_answers([change], by=carol)


def alice_edits(assessment, data):
    second, third = answer(assessment, "C1-2"), answer(assessment, "C1-3")
    data[f"a{second.pk}-status"] = scoring.MET
    data[f"a{second.pk}-rationale"] = "Alice: clause 4 binds the vendor."
    data[f"a{third.pk}-status"] = scoring.UNDISCLOSED
    data[f"a{third.pk}-rationale"] = "Alice: nothing public."
    return data


def test_a_stale_save_keeps_the_stored_answer_and_saves_nothing(
    client_for, alice, carol, assessment
):
    data = stale_page(client_for(alice), assessment)
    carol_saves(assessment, carol)
    response = client_for(alice).post(page(assessment), alice_edits(assessment, data))
    assert response.status_code == 409
    second = answer(assessment, "C1-2")
    assert (second.status, second.updated_by, second.version) == ("not_met", carol, 2)
    # All or nothing: alice's other, unconflicted answer is not saved either.
    assert answer(assessment, "C1-3").status == scoring.NOT_ASSESSED
    assert Event.objects.filter(action="answer.updated", actor=alice).count() == 0


def test_the_conflict_page_shows_both_values_with_who_and_when(
    client_for, alice, carol, assessment
):
    data = stale_page(client_for(alice), assessment)
    carol_saves(assessment, carol)
    response = client_for(alice).post(page(assessment), alice_edits(assessment, data))
    content = response.content.decode()
    assert "C1-2 Criterion 1.2" in content
    assert "Carol: the contract is silent." in content and "Not met" in content
    assert "Alice: clause 4 binds the vendor." in content
    assert "saved by carol on" in content
    assert "Keep the stored answer" in content and "Apply my answer over it" in content
    assert content.count('class="table table-sm conflict-table"') == 1


def test_the_conflict_page_lists_the_evidence_as_stored_by_title(
    client_for, alice, carol, assessment
):
    data = stale_page(client_for(alice), assessment)
    memo, contract = (
        Evidence.objects.create(
            office=assessment.office, deployment=assessment.deployment, title=title, kind="file"
        )
        for title in ("Memo", "Contract")
    )
    row = answer(assessment, "C1-2")
    change = AnswerChange(
        row.pk, row.version, scoring.NOT_MET, "Carol.", "Ask.", evidence=(memo.pk, contract.pk)
    )
    assessment.save_answers([change], by=carol)
    response = client_for(alice).post(page(assessment), alice_edits(assessment, data))
    assert response.status_code == 409
    assert "<td>Contract; Memo</td><td>none</td>" in response.content.decode()


def test_resolving_with_keep_saves_the_rest_and_keeps_the_stored_answer(
    client_for, alice, carol, assessment
):
    client = client_for(alice)
    data = stale_page(client, assessment)
    carol_saves(assessment, carol)
    conflict = client.post(page(assessment), alice_edits(assessment, data))
    resolution = _resolution_post(conflict, choice="keep")
    response = client.post(page(assessment, "assessment_category_resolve"), resolution)
    assert response.status_code == 302
    assert answer(assessment, "C1-2").rationale == "Carol: the contract is silent."
    assert answer(assessment, "C1-3").status == scoring.UNDISCLOSED


def test_resolving_with_mine_applies_my_answer_over_the_stored_one(
    client_for, alice, carol, assessment
):
    client = client_for(alice)
    data = stale_page(client, assessment)
    carol_saves(assessment, carol)
    conflict = client.post(page(assessment), alice_edits(assessment, data))
    resolution = _resolution_post(conflict, choice="mine")
    client.post(page(assessment, "assessment_category_resolve"), resolution)
    second = answer(assessment, "C1-2")
    assert (second.status, second.updated_by, second.version) == ("met", alice, 3)
    assert answer(assessment, "C1-3").status == scoring.UNDISCLOSED


def test_a_change_after_the_conflict_page_conflicts_again(client_for, alice, carol, assessment):
    client = client_for(alice)
    data = stale_page(client, assessment)
    carol_saves(assessment, carol)
    conflict = client.post(page(assessment), alice_edits(assessment, data))
    resolution = _resolution_post(conflict, choice="mine")
    carol_saves(assessment, carol, "Carol again, while alice reads the conflict page.")
    response = client.post(page(assessment, "assessment_category_resolve"), resolution)
    assert response.status_code == 409
    assert answer(assessment, "C1-2").updated_by == carol


def test_submitting_the_stored_value_with_an_old_version_is_no_conflict(
    client_for, alice, carol, assessment
):
    data = stale_page(client_for(alice), assessment)
    carol_saves(assessment, carol)
    third = answer(assessment, "C1-3")
    data[f"a{third.pk}-status"] = scoring.MET
    data[f"a{third.pk}-rationale"] = "Clause 9."
    second = answer(assessment, "C1-2")
    data[f"a{second.pk}-status"] = second.status
    data[f"a{second.pk}-rationale"] = second.rationale
    data[f"a{second.pk}-recommendation"] = second.recommendation
    response = client_for(alice).post(page(assessment), data)
    assert response.status_code == 302
    assert answer(assessment, "C1-3").status == scoring.MET


def test_a_stale_version_is_refused_before_anything_is_written(alice, carol, assessment):
    row = answer(assessment, "C1-4")
    stale = AnswerChange(row.pk, row.version, scoring.MET, "First writer.", "")
    late = AnswerChange(row.pk, row.version, scoring.NOT_MET, "Second writer.", "")
    assessment.save_answers([stale], by=carol)
    with pytest.raises(AnswerConflict) as error:
        assessment.save_answers([late], by=alice)
    stored, submitted = error.value.conflicts[0]
    assert (stored.rationale, submitted.rationale) == ("First writer.", "Second writer.")
    assert answer(assessment, "C1-4").rationale == "First writer."


def test_a_writer_between_the_read_and_the_update_still_loses_nothing(
    alice, assessment, monkeypatch
):
    """The conditional UPDATE stays the last word: an answer changed after the page's
    transaction read it (by a writer that did not lock the assessment) refuses the whole page."""
    first, second = answer(assessment, "C1-1"), answer(assessment, "C1-2")
    read = page_sql.stored_answers

    def read_then_someone_writes(assessment_id, answer_ids):
        stored = read(assessment_id, answer_ids)
        Answer.objects.filter(pk=second.pk).update(version=F("version") + 1)
        return stored

    monkeypatch.setattr(page_sql, "stored_answers", read_then_someone_writes)
    changes = [
        AnswerChange(first.pk, first.version, scoring.MET, "Clause 2.", ""),
        AnswerChange(second.pk, second.version, scoring.MET, "Clause 3.", ""),
    ]
    with pytest.raises(AnswerConflict) as error:
        assessment.save_answers(changes, by=alice)
    assert [stored.pk for stored, _ in error.value.conflicts] == [second.pk]
    # All or nothing: the first answer's UPDATE went through, and was rolled back.
    assert answer(assessment, "C1-1").status == scoring.NOT_ASSESSED
    assert answer(assessment, "C1-2").version == second.version  # the other writer's, undone too
    assert Event.objects.filter(action="answer.updated").count() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_a_refused_save_keeps_the_connections_prepared_statements(alice, carol, assessment):
    """A conflict ends the save's transaction without a ROLLBACK, which would make psycopg drop
    every statement the connection has prepared (and PostgreSQL plan them all again)."""

    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            return cursor.fetchone()[0]

    for _ in range(3):
        answer(assessment, "C1-4")  # the same query, prepared on its third use
    before = prepared()
    assert before > 0
    row = answer(assessment, "C1-4")
    assessment.save_answers([AnswerChange(row.pk, row.version, scoring.MET, "First.", "")], carol)
    late = AnswerChange(row.pk, row.version, scoring.NOT_MET, "Second.", "")
    with pytest.raises(AnswerConflict):
        assessment.save_answers([late], by=alice)
    assert prepared() >= before


def _resolution_post(conflict_response, choice: str) -> dict:
    """Re-post the conflict page's form as a browser would, with one choice for all."""
    rows = conflict_response.context["rows"]
    data = form_data(conflict_response.content, having=f"{rows[0]['prefix']}-stored_version")
    for row in rows:
        data[f"{row['prefix']}-resolution"] = [choice]
    return data
