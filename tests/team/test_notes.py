"""Review notes: raise, reply, clear; they block approval; "edited after review"."""

from unittest import mock

import pytest
from django.urls import reverse

from safeguards.audit.models import Event
from safeguards.notifications.models import Notification
from safeguards.reviews import workflow
from safeguards.reviews.models import AnswerChange
from safeguards.team import review
from safeguards.team.models import NoteWaiting, ReviewNote
from tests.security.conftest import ONE_PAGE_PDF as PDF  # noqa: E402

from .conftest import answer


def test_a_note_goes_round_raise_reply_clear_with_events_and_notifications(in_review, alice, bob):
    a = answer(in_review, "C1-2")
    note = review.raise_note(in_review, a, bob, "Which clause says so?")
    assert note.waiting == NoteWaiting.REPLY
    assert Notification.objects.filter(user=alice, kind="note_raised").exists()
    review.reply(note, alice, "Clause 4.2 of the contract.")
    note.refresh_from_db()
    assert note.waiting == NoteWaiting.CLEARING
    assert Notification.objects.filter(user=bob, kind="note_replied").exists()
    review.clear(note, bob)
    note.refresh_from_db()
    assert note.waiting == NoteWaiting.CLEARED and note.cleared_by == bob
    assert Notification.objects.filter(user=alice, kind="note_cleared").exists()
    actions = list(
        Event.objects.filter(assessment_id=in_review.pk, action__startswith="note.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["note.raised", "note.replied", "note.cleared"]


def test_only_the_author_clears_a_note(in_review, alice, bob):
    note = review.raise_note(in_review, answer(in_review, "C1-1"), bob, "Source?")
    with pytest.raises(review.ReviewError, match="author"):
        review.clear(note, alice)
    assert ReviewNote.objects.get().is_open


def test_an_admin_clears_a_note_whose_author_left(in_review, alice, bob, olga, office):
    from safeguards.accounts.members import remove_member

    note = review.raise_note(in_review, answer(in_review, "C1-1"), bob, "Source?")
    remove_member(office, bob, by=olga)
    review.clear(note, olga)
    assert not ReviewNote.objects.get().is_open


def test_open_notes_block_approval_until_cleared(in_review, bob, olga):
    note = review.raise_note(in_review, answer(in_review, "C1-2"), olga, "Cite it.")
    with pytest.raises(workflow.WorkflowError, match=r"1 review note still open \(C1-2\)"):
        workflow.approve(in_review, bob)
    in_review.refresh_from_db()
    assert in_review.status == "in_review"
    review.clear(note, olga)
    with mock.patch("safeguards.reports.freeze.render_pdf", return_value=PDF):
        workflow.approve(in_review, bob)
    in_review.refresh_from_db()
    assert in_review.status == "approved"


def test_raising_a_note_does_not_count_as_scoring(in_review, bob):
    from safeguards.accounts.permissions import has_scored

    review.raise_note(in_review, answer(in_review, "C1-1"), bob, "Source?")
    assert not has_scored(bob, in_review)


def test_no_notes_on_an_approved_assessment(in_review, bob):
    with mock.patch("safeguards.reports.freeze.render_pdf", return_value=PDF):
        workflow.approve(in_review, bob)
    with pytest.raises(review.ReviewError, match="approved"):
        review.raise_note(in_review, answer(in_review, "C1-1"), bob, "Late note")


def _edit(assessment, code, by, rationale):
    a = answer(assessment, code)
    assessment.save_answers(
        [
            AnswerChange(
                a.pk, a.version, a.status, rationale, a.recommendation, tuple(a.evidence_ids())
            )
        ],
        by=by,
    )


def flagged(assessment):
    reviews = review.answer_reviews(assessment.pk)
    return sorted(
        a.criterion.code
        for a in assessment.answers.select_related("criterion")
        if reviews.get(a.pk) and reviews[a.pk].edited_after_review
    )


def test_edited_after_review_appears_after_return_and_clears_when_reviewed(in_review, alice, bob):
    assert flagged(in_review) == []
    workflow.return_to_draft(in_review, bob, "Tighten C1-2.")
    _edit(in_review, "C1-2", alice, "Clause 4.2, signed 2026-10-01.")
    assert flagged(in_review) == ["C1-2"]
    workflow.submit(in_review, alice)
    assert flagged(in_review) == ["C1-2"]  # a second submission does not review it
    with pytest.raises(review.ReviewError, match="other than its last editor"):
        review.mark_reviewed(in_review, answer(in_review, "C1-2"), alice)
    review.mark_reviewed(in_review, answer(in_review, "C1-2"), bob)
    assert flagged(in_review) == []
    assert Event.objects.filter(action="review.marked", actor=bob).exists()


def test_an_answer_edited_after_its_note_was_cleared_is_flagged(draft, alice, bob):
    note = review.raise_note(draft, answer(draft, "C1-1"), bob, "Source?")
    review.reply(note, alice, "Added.")
    review.clear(note, bob)
    assert flagged(draft) == []
    _edit(draft, "C1-1", alice, "Rewritten after the note.")
    assert flagged(draft) == ["C1-1"]


def test_notes_page_shows_notes_and_the_category_page_shows_them_beside_the_answer(
    client_for, in_review, alice, bob
):
    a = answer(in_review, "C1-2")
    review.raise_note(in_review, a, bob, "Which clause says so?")
    notes = client_for(alice).get(reverse("team:notes", args=[in_review.pk]))
    assert "Which clause says so?" in notes.text and "Send reply" in notes.text
    assert "Clear note" not in notes.text  # alice is not the author
    page = client_for(alice).get(reverse("reviews:assessment_category", args=[in_review.pk, "C1"]))
    assert "Open note" in page.text and "Which clause says so?" in page.text
    overview = client_for(bob).get(reverse("reviews:assessment", args=[in_review.pk]))
    assert "1 open" in overview.text
    assert "Open review notes block approval" in overview.text


def test_clearing_someone_elses_note_is_403(client_for, in_review, alice, bob):
    note = review.raise_note(in_review, answer(in_review, "C1-2"), bob, "Why?")
    response = client_for(alice).post(reverse("team:note_clear", args=[note.pk]))
    assert response.status_code == 403
    assert ReviewNote.objects.get().is_open


def test_raise_reply_clear_through_the_pages(client_for, in_review, alice, bob):
    a = answer(in_review, "C1-2")
    bobs = client_for(bob)
    bobs.post(reverse("team:note_raise", args=[in_review.pk]), {"answer": a.pk, "text": "Why?"})
    note = ReviewNote.objects.get()
    from django.test import Client

    alices = Client()
    alices.force_login(alice)
    alices.post(reverse("team:note_reply", args=[note.pk]), {"text": "Clause 4."})
    bobs.post(reverse("team:note_clear", args=[note.pk]))
    note.refresh_from_db()
    assert not note.is_open and note.replies.get().text == "Clause 4."


def test_a_note_needs_text(client_for, in_review, bob):
    a = answer(in_review, "C1-2")
    response = client_for(bob).post(
        reverse("team:note_raise", args=[in_review.pk]), {"answer": a.pk, "text": " "}, follow=True
    )
    assert "The note was not raised" in response.text
    assert not ReviewNote.objects.exists()


def test_a_draft_is_under_review_once_it_has_a_note_and_its_page_shows_the_note(
    client_for, draft, alice, bob
):
    assert review.under_review(draft.pk) is False  # the category page skips the review query
    assert review.answer_reviews(draft.pk) == {}
    review.raise_note(draft, answer(draft, "C1-2"), bob, "Never submitted, still a note.")
    assert review.under_review(draft.pk) is True
    assert review.answer_reviews(draft.pk)[answer(draft, "C1-2").pk].open_notes == 1
    page = client_for(alice).get(reverse("reviews:assessment_category", args=[draft.pk, "C1"]))
    assert "Open note" in page.text and "Never submitted, still a note." in page.text


def test_a_submitted_assessment_is_under_review(in_review):
    assert review.under_review(in_review.pk) is True
