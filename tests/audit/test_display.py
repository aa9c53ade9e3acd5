"""Events in words: labels and field-by-field changes with word diffs (no database)."""

import pytest

from safeguards.audit.display import action_label, field_changes, target_label, word_diff


@pytest.mark.parametrize(
    ("old", "new", "html"),
    [
        ("a b c", "a x c", "a <del>b</del><ins>x</ins> c"),
        ("keep it", "keep it", "keep it"),
        ("", "new text", "<ins>new text</ins>"),
        ("old text", "", "<del>old text</del>"),
        ("one two three", "one four five three", "one <del>two</del><ins>four five</ins> three"),
        (
            "<b>x</b> & y",
            "<i>x</i> & y",
            "<del>&lt;b&gt;x&lt;/b&gt;</del><ins>&lt;i&gt;x&lt;/i&gt;</ins> &amp; y",
        ),
    ],
)
def test_word_diff(old, new, html):
    assert word_diff(old, new) == html


def test_word_diff_keeps_line_breaks():
    assert word_diff("a\nb", "a\nc") == "a\n<del>b</del><ins>c</ins>"


def test_field_changes_mark_changed_and_unchanged_fields():
    rows = field_changes(
        {"criterion": "C1", "status": "not_met"}, {"criterion": "C1", "status": "met"}
    )
    assert [(r.field, r.before, r.after, r.changed) for r in rows] == [
        ("criterion", "C1", "C1", False),
        ("status", "not_met", "met", True),
    ]


def test_field_changes_show_added_and_removed_fields_as_empty():
    rows = field_changes(None, {"title": "Contract", "pages": [1, 2]})
    assert [(r.field, r.before, r.after) for r in rows] == [
        ("title", "—", "Contract"),
        ("pages", "—", "[1, 2]"),
    ]


def test_long_text_fields_get_a_word_diff():
    rows = field_changes({"rationale": "no rule"}, {"rationale": "a rule"})
    assert rows[0].diff == "<del>no</del><ins>a</ins> rule"


def test_short_text_fields_do_not():
    assert field_changes({"status": "no rule"}, {"status": "a rule"})[0].diff is None


def test_non_object_data_is_one_value_row():
    rows = field_changes("draft", ["x"])
    assert [(r.field, r.before, r.after) for r in rows] == [("value", "draft", '["x"]')]


@pytest.mark.parametrize(
    ("action", "label"),
    [
        ("answer.updated", "Answer changed"),
        ("evidence.renamed_twice", "Evidence renamed twice"),
    ],
)
def test_action_label(action, label):
    assert action_label(action) == label


@pytest.mark.parametrize(
    ("target_type", "target_id", "label"),
    [
        ("reviews.answer", "12", "answer 12"),
        ("gone.model", "3", "gone.model 3"),
        ("", "", "—"),
    ],
)
def test_target_label(target_type, target_id, label):
    assert target_label(target_type, target_id) == label
