"""Events in words: labels and field-by-field changes with word diffs (no database)."""

import pytest

from safeguards.audit.display import (
    ACTION_LABELS,
    action_label,
    changes_text,
    field_changes,
    field_label,
    show,
    word_diff,
)
from safeguards.audit.names import plain_target


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
    assert [(r.label, r.before, r.after, r.changed) for r in rows] == [
        ("Criterion", "C1", "C1", False),
        ("Status", "Not met", "Met", True),
    ]


def test_field_changes_show_added_and_removed_fields_as_empty():
    rows = field_changes(None, {"title": "Contract", "pages": [1, 2]})
    assert [(r.field, r.before, r.after) for r in rows] == [
        ("title", "—", "Contract"),
        ("pages", "—", "1, 2"),
    ]


def test_long_text_fields_get_a_word_diff():
    rows = field_changes({"rationale": "no rule"}, {"rationale": "a rule"})
    assert rows[0].diff == "<del>no</del><ins>a</ins> rule"


def test_short_text_fields_do_not():
    assert field_changes({"status": "no rule"}, {"status": "a rule"})[0].diff is None


def test_non_object_data_is_one_value_row():
    rows = field_changes("draft", ["x"])
    assert [(r.field, r.before, r.after) for r in rows] == [("value", "draft", "x")]


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
        ("", "", ""),
    ],
)
def test_plain_target(target_type, target_id, label):
    assert plain_target(target_type, target_id) == label


@pytest.mark.parametrize(
    ("value", "field", "shown"),
    [
        ("not_assessed", "status", "Not assessed"),
        ("not_applicable", "status", "Not applicable"),
        ("in_review", "status", "In review"),
        ("closed_implemented", "status", "Closed – implemented"),
        ("web_page", "kind", "Web page"),
        ("admin", "role", "Office admin"),
        ("not_assessed", "rationale", "not_assessed"),  # free text is never relabelled
        (True, "red_line", "Yes"),
        (None, "status", "—"),
        ([], "evidence", "—"),
    ],
)
def test_show_labels_stored_codes(value, field, shown):
    assert show(value, field) == shown


@pytest.mark.parametrize(
    ("field", "label"),
    [("retrieved_on", "Retrieved on"), ("pdf_sha256", "PDF SHA-256"), ("url", "URL")],
)
def test_field_label(field, label):
    assert field_label(field) == label


def test_empty_and_missing_are_not_a_change():
    assert field_changes({"notes": None}, {"notes": ""})[0].changed is False


def test_changes_text_lists_only_changed_fields():
    rows = field_changes(
        {"criterion": "C1", "status": "not_met"}, {"criterion": "C1", "status": "met"}
    )
    assert changes_text(rows) == "Status: Not met → Met"


def test_every_recorded_action_has_a_label():
    """Each action name the code records (a literal first argument of record(), or an
    "action" key given to record_many) is one the office log's filter offers."""
    import ast
    from pathlib import Path

    import safeguards

    found = set()
    for path in Path(safeguards.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in {"record"}:
                if node.args and isinstance(node.args[0], ast.Constant):
                    found.add(node.args[0].value)
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if (
                        isinstance(key, ast.Constant)
                        and key.value == "action"
                        and isinstance(value, ast.Constant)
                        and isinstance(value.value, str)
                        and "." in value.value
                    ):
                        found.add(value.value)
    assert len(found) > 40
    assert found - set(ACTION_LABELS) == set()
