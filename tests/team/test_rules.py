"""The "edited after review" rule, table-driven."""

from datetime import UTC, datetime

import pytest

from safeguards.team.rules import earliest, edited_after_review, latest, waiting_after_reply


def t(hour):
    return datetime(2026, 11, 1, hour, tzinfo=UTC)


@pytest.mark.parametrize(
    "updated, first_review, last_clear, flagged",
    [
        (None, t(9), None, False),  # never saved
        (t(10), None, None, False),  # never reviewed: nothing to be edited after
        (t(8), t(9), None, False),  # saved before the review
        (t(9), t(9), None, False),  # saved at the review itself
        (t(10), t(9), None, True),  # saved after the review, not looked at since
        (t(10), t(9), t(11), False),  # reviewed again afterwards
        (t(12), t(9), t(11), True),  # edited again after that
    ],
)
def test_edited_after_review(updated, first_review, last_clear, flagged):
    assert edited_after_review(updated, first_review, last_clear) is flagged


def test_earliest_and_latest_skip_unknown_moments():
    assert earliest(None, t(10), t(9)) == t(9)
    assert latest(None, t(10), t(9)) == t(10)
    assert earliest(None, None) is None and latest() is None


@pytest.mark.parametrize("author, replier, waiting", [(1, 1, "reply"), (1, 2, "clearing")])
def test_who_replies_decides_what_the_note_waits_for(author, replier, waiting):
    assert waiting_after_reply(author, replier) == waiting
