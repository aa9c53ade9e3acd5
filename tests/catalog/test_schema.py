"""The file checks of schema.parse: every rule refuses with a message naming file, place, field."""

import datetime

import pytest

from safeguards.catalog.schema import MAX_FILE_BYTES, FrameworkError, parse

from .samples import SMALL, criterion, dump, small_data


def problems(text: str | bytes) -> list[str]:
    with pytest.raises(FrameworkError) as caught:
        parse(text, "bad.yaml")
    return caught.value.messages


def problems_after(change) -> list[str]:
    data = small_data()
    change(data)
    return problems(dump(data))


def test_valid_file_parses_to_frozen_dataclasses():
    spec = parse(SMALL, "small.yaml")
    assert spec.slug == "small-test"
    assert spec.version == 1
    assert spec.published == datetime.date(2026, 11, 26)
    assert (spec.thresholds.adequate, spec.thresholds.significant_gaps) == (75, 40)
    assert [category.code for category in spec.categories] == ["UPL", "RET"]
    assert [item.code for item in spec.criteria] == ["UPL-1", "UPL-2", "RET-1"]
    first = spec.criteria[0]
    assert first.red_line is True
    assert first.references[0].url == "https://www.dhs.gov/publication/face-recognition"
    with pytest.raises(AttributeError):
        first.title = "changed"


def test_weight_defaults_by_severity_and_own_weight_wins():
    spec = parse(SMALL)
    weights = {item.code: (item.weight, item.effective_weight) for item in spec.criteria}
    assert weights == {"UPL-1": (None, 4), "UPL-2": (2, 2), "RET-1": (None, 3)}


def test_thresholds_default_to_80_and_50():
    data = small_data()
    del data["thresholds"]
    spec = parse(dump(data))
    assert (spec.thresholds.adequate, spec.thresholds.significant_gaps) == (80, 50)


def test_optional_reference_fields_default_to_empty():
    reference = parse(SMALL).criteria[1].references[0]
    assert (reference.section, reference.url) == ("", "")


def test_bytes_are_read_as_utf8():
    spec = parse(SMALL.replace("Small test", "Smäll tést").encode())
    assert spec.title == "Smäll tést framework"


# --- one message per rule ------------------------------------------------------------------


def test_missing_top_level_field():
    assert problems_after(lambda d: d.pop("publisher")) == [
        "bad.yaml: top level: publisher: missing field"
    ]


def test_missing_category_field():
    assert problems_after(lambda d: d["categories"][1].pop("title")) == [
        "bad.yaml: category RET: title: missing field"
    ]


def test_missing_criterion_field():
    assert problems_after(lambda d: criterion(d, "UPL-2").pop("guidance")) == [
        "bad.yaml: criterion UPL-2: guidance: missing field"
    ]


def test_missing_red_line_flag():
    assert problems_after(lambda d: criterion(d, "RET-1").pop("red_line")) == [
        "bad.yaml: criterion RET-1: red_line: missing field"
    ]


def test_missing_reference_note():
    assert problems_after(lambda d: criterion(d, "RET-1")["references"][0].pop("note")) == [
        "bad.yaml: criterion RET-1: references[1].note: missing field"
    ]


def test_unknown_top_level_field():
    messages = problems_after(lambda d: d.update(autor="x"))
    assert len(messages) == 1
    assert messages[0].startswith("bad.yaml: top level: autor: unknown field (allowed: slug,")


def test_unknown_criterion_field():
    messages = problems_after(lambda d: criterion(d, "UPL-1").update(sevrity="high"))
    assert messages[0].startswith("bad.yaml: criterion UPL-1: sevrity: unknown field")


def test_unknown_reference_field():
    messages = problems_after(lambda d: criterion(d, "UPL-1")["references"][0].update(link="x"))
    assert messages[0].startswith("bad.yaml: criterion UPL-1: references[1].link: unknown field")


def test_wrong_type_version():
    assert problems_after(lambda d: d.update(version="one")) == [
        "bad.yaml: top level: version: wrong type: expected a whole number, got 'one'"
    ]


def test_version_zero_is_refused():
    assert problems_after(lambda d: d.update(version=0)) == [
        "bad.yaml: top level: version: must be from 1 to 2147483647, got 0"
    ]


def test_wrong_type_red_line_text():
    assert problems_after(lambda d: criterion(d, "UPL-2").update(red_line="no")) == [
        "bad.yaml: criterion UPL-2: red_line: wrong type: expected true or false, got 'no'"
    ]


def test_wrong_type_title_number():
    assert problems_after(lambda d: criterion(d, "UPL-2").update(title=42)) == [
        "bad.yaml: criterion UPL-2: title: wrong type: expected text, got a number"
    ]


def test_wrong_type_weight():
    assert problems_after(lambda d: criterion(d, "UPL-2").update(weight=2.5)) == [
        "bad.yaml: criterion UPL-2: weight: wrong type: expected a whole number, got 2.5"
    ]


def test_weight_out_of_range():
    assert problems_after(lambda d: criterion(d, "UPL-2").update(weight=11)) == [
        "bad.yaml: criterion UPL-2: weight: must be from 1 to 10, got 11"
    ]


def test_wrong_type_categories():
    assert problems_after(lambda d: d.update(categories="UPL")) == [
        "bad.yaml: top level: categories: wrong type: expected a list, got text"
    ]


def test_wrong_type_published():
    assert problems_after(lambda d: d.update(published="26 Nov 2026")) == [
        "bad.yaml: top level: published: wrong type: expected a date like 2026-11-26, "
        "got '26 Nov 2026'"
    ]


def test_empty_required_text():
    assert problems_after(lambda d: criterion(d, "UPL-1").update(question="  ")) == [
        "bad.yaml: criterion UPL-1: question: must not be empty"
    ]


def test_text_longer_than_its_column():
    assert problems_after(lambda d: d.update(title="x" * 201)) == [
        "bad.yaml: top level: title: too long: 201 characters, at most 200"
    ]


def test_bad_slug():
    assert problems_after(lambda d: d.update(slug="Small_Test")) == [
        "bad.yaml: top level: slug: 'Small_Test' must be lowercase letters, digits and hyphens"
    ]


def test_bad_category_code():
    messages = problems_after(lambda d: d["categories"][0].update(code="upl"))
    assert (
        messages[0] == "bad.yaml: category #1: code: 'upl' must be 2 to 8 uppercase letters (A-Z)"
    )


def test_duplicate_criterion_code():
    assert problems_after(lambda d: criterion(d, "UPL-2").update(code="UPL-1")) == [
        "bad.yaml: criterion UPL-1: code: duplicate code UPL-1"
    ]


def test_duplicate_category_code():
    def change(data):
        data["categories"][1]["code"] = "UPL"
        data["categories"][1]["criteria"][0]["code"] = "UPL-3"

    assert problems_after(change) == ["bad.yaml: category UPL: code: duplicate code UPL"]


def test_code_not_matching_its_category():
    assert problems_after(lambda d: criterion(d, "RET-1").update(code="UPL-3")) == [
        "bad.yaml: criterion UPL-3: code: code UPL-3 does not match its category RET "
        "(expected RET-3)"
    ]


def test_malformed_criterion_code():
    assert problems_after(lambda d: criterion(d, "RET-1").update(code="RET1")) == [
        "bad.yaml: criterion RET1: code: 'RET1' must be the category code, a hyphen and a number"
    ]


def test_unknown_severity():
    assert problems_after(lambda d: criterion(d, "RET-1").update(severity="urgent")) == [
        "bad.yaml: criterion RET-1: severity: unknown severity 'urgent' "
        "(expected one of critical, high, medium, low)"
    ]


def test_red_line_without_references():
    assert problems_after(lambda d: criterion(d, "UPL-1").update(references=[])) == [
        "bad.yaml: criterion UPL-1: references: red line without references: cite at least one"
    ]


def test_category_without_criteria():
    assert problems_after(lambda d: d["categories"][1].update(criteria=[])) == [
        "bad.yaml: category RET: criteria: at least one criterion is required"
    ]


def test_framework_without_categories():
    assert problems_after(lambda d: d.update(categories=[])) == [
        "bad.yaml: top level: categories: at least one category is required"
    ]


def test_criterion_without_references():
    assert problems_after(lambda d: criterion(d, "RET-1").update(references=[])) == [
        "bad.yaml: criterion RET-1: references: at least one reference is required"
    ]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://example.org/file",
        "https://",
        "www.dhs.gov/page",
        "https://exa mple.org/",
        " https://example.org/",
        "https://example.org:99999/",
    ],
)
def test_bad_url(url):
    change = lambda d: criterion(d, "UPL-1")["references"][0].update(url=url)  # noqa: E731
    assert problems_after(change) == [
        f"bad.yaml: criterion UPL-1: references[1].url: bad URL {url!r}: "
        "must be an http(s):// address"
    ]


@pytest.mark.parametrize(
    "thresholds",
    [
        {"adequate": 50, "significant_gaps": 60},
        {"adequate": 101, "significant_gaps": 50},
        {"adequate": 80, "significant_gaps": -1},
        {"adequate": "80", "significant_gaps": 50},
        {"adequate": 80, "significant_gaps": 80},
    ],
)
def test_bad_thresholds(thresholds):
    messages = problems_after(lambda d: d.update(thresholds=thresholds))
    assert messages == [
        "bad.yaml: top level: thresholds: bad thresholds: need whole numbers with "
        "0 <= significant_gaps < adequate <= 100, got "
        f"adequate={thresholds['adequate']!r}, significant_gaps={thresholds['significant_gaps']!r}"
    ]


def test_unknown_threshold_key():
    messages = problems_after(lambda d: d["thresholds"].update(minimum=10))
    assert messages[0].startswith("bad.yaml: top level: thresholds.minimum: unknown field")


def test_yaml_syntax_error_names_the_line():
    text = SMALL.replace('title: "Probe quality"', 'title: "Probe quality')
    messages = problems(text)
    assert len(messages) == 1
    assert messages[0].startswith("bad.yaml: top level: YAML syntax error at line 3")


def test_yaml_syntax_error_on_unclosed_list():
    assert problems("slug: [a, b\nversion: 1\n")[0].startswith(
        "bad.yaml: top level: YAML syntax error at line 2, column 8: expected ',' or ']'"
    )


def test_impossible_date_names_the_line():
    messages = problems(SMALL.replace("published: 2026-11-26", "published: 2026-13-45"))
    assert messages == [
        "bad.yaml: top level: YAML syntax error at line 5, column 12: "
        "'2026-13-45' is not a real date (month must be in 1..12)"
    ]


def test_duplicate_key_is_refused_with_its_line():
    text = SMALL.replace(
        "        severity: low\n", "        severity: low\n        severity: high\n"
    )
    assert problems(text) == [
        "bad.yaml: line 37: severity: duplicate key: this field is given twice"
    ]


def test_anchors_and_aliases_are_refused():
    bomb = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: [*b,*b]\n'
    messages = problems(bomb)
    assert messages == [
        "bad.yaml: top level: YAML syntax error at line 1, column 4: "
        "anchors (&name) are not allowed in framework files"
    ]


def test_file_over_two_megabytes_is_refused_unread():
    text = SMALL + "#" * MAX_FILE_BYTES
    assert problems(text) == [
        f"bad.yaml: top level: file too large: {len(text)} bytes, at most 2 MB"
    ]


def test_python_tags_are_refused():
    messages = problems("slug: !!python/object/apply:os.system ['true']\n")
    assert messages[0].startswith("bad.yaml: top level: YAML syntax error at line 1")


def test_deep_nesting_is_refused():
    assert problems("[" * 100_000) == ["bad.yaml: top level: YAML nested too deeply"]


def test_not_utf8_is_refused():
    assert problems(b"slug: caf\xe9\n") == ["bad.yaml: top level: not UTF-8 text (byte 10)"]


def test_file_that_is_not_a_mapping():
    assert problems("- just\n- a list\n") == [
        "bad.yaml: top level: the file must be a mapping of fields, got a list"
    ]


def test_empty_file():
    assert problems("") == [
        "bad.yaml: top level: the file must be a mapping of fields, got nothing (null)"
    ]


def test_every_problem_is_reported_at_once():
    def change(data):
        data.pop("title")
        criterion(data, "UPL-1")["severity"] = "urgent"
        criterion(data, "UPL-2")["code"] = "UPL-1"
        criterion(data, "RET-1")["references"][0]["url"] = "file:///etc/passwd"

    assert problems_after(change) == [
        "bad.yaml: top level: title: missing field",
        "bad.yaml: criterion UPL-1: severity: unknown severity 'urgent' "
        "(expected one of critical, high, medium, low)",
        "bad.yaml: criterion UPL-1: code: duplicate code UPL-1",
        "bad.yaml: criterion RET-1: references[1].url: bad URL 'file:///etc/passwd': "
        "must be an http(s):// address",
    ]
