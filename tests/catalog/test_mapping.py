"""Framework mappings: the file format's rules, identity, reading backwards, and the shipped
mappings checked against the shipped frameworks (no database)."""

import pytest

from safeguards.catalog import mapping
from safeguards.catalog.mapping import (
    MappingError,
    MappingNotFound,
    check_against,
    framework_codes,
    map_codes,
    new_codes,
    parse_mapping,
    shipped_mappings,
)

FR = "fr-deployment-safeguards"
OMB = "omb-m-25-21-high-impact-ai"

SAMPLE = """
schema: safeguards.framework-mapping/1
from: {slug: demo, version: 1}
to: {slug: demo, version: 2}
entries:
  - {from: A-1, relation: same, to: A-1}
  - {from: A-2, relation: split, to: [A-2, A-5]}
  - {from: A-3, relation: merged, to: A-3}
  - {from: A-4, relation: merged, to: A-3}
  - {from: B-1, relation: retired}
  - {relation: new, to: [B-7, B-8]}
  - {from: B-2, relation: same, to: C-1, note: renamed and moved}
"""


def test_forward_lists_every_old_code_with_its_fate():
    parsed = parse_mapping(SAMPLE)
    assert parsed.forward() == {
        "A-1": [("A-1", "same")],
        "A-2": [("A-2", "split"), ("A-5", "split")],
        "A-3": [("A-3", "merged")],
        "A-4": [("A-3", "merged")],
        "B-1": [],
        "B-2": [("C-1", "same")],
    }
    assert parsed.new_codes() == ["B-7", "B-8"]


def test_reading_backwards_swaps_split_and_merged_new_and_retired():
    back = parse_mapping(SAMPLE).inverse()
    assert (back.from_version, back.to_version) == (2, 1)
    assert back.forward() == {
        "A-1": [("A-1", "same")],
        "A-2": [("A-2", "merged")],
        "A-5": [("A-2", "merged")],
        "A-3": [("A-3", "split"), ("A-4", "split")],
        "B-7": [],
        "B-8": [],
        "C-1": [("B-2", "same")],
    }
    assert back.new_codes() == ["B-1"]


def test_check_against_finds_unknown_and_unmapped_codes():
    parsed = parse_mapping(SAMPLE)
    old = ["A-1", "A-2", "A-3", "A-4", "B-1", "B-2", "B-9"]
    new = ["A-1", "A-2", "A-5", "A-3", "B-7", "B-8", "C-1", "D-1"]
    assert check_against(parsed, old, new) == [
        "B-9 (from version) is not mapped",
        "D-1 (to version) is not accounted for",
    ]
    assert check_against(parsed, old[:-1], new[:-1]) == []
    assert (
        check_against(parsed, ["A-1"], new[:-1])[0] == "A-2 is not a criterion of the from version"
    )


HEAD = (
    "schema: safeguards.framework-mapping/1\n"
    "from: {slug: d, version: 1}\nto: {slug: d, version: 2}\n"
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("schema: other\n", "schema must be", id="schema"),
        pytest.param(HEAD.replace("version: 2", "version: two"), "to must be", id="version"),
        pytest.param(HEAD + "entries: []\n", "entries must be a non-empty list", id="no-entries"),
        pytest.param(
            HEAD + "entries:\n  - {from: A-1, relation: moved, to: A-2}\n",
            "relation must",
            id="relation",
        ),
        pytest.param(
            HEAD + "entries:\n  - {from: A-1, relation: same, to: [A-1, A-2]}\n",
            "same needs exactly one to",
            id="same-two",
        ),
        pytest.param(
            HEAD + "entries:\n  - {from: A-1, relation: split, to: A-1}\n",
            "split needs at least two",
            id="split-one",
        ),
        pytest.param(
            HEAD + "entries:\n  - {from: A-1, relation: merged, to: A-9}\n",
            "use same for one code",
            id="merged-alone",
        ),
        pytest.param(
            HEAD + "entries:\n  - {from: A-1, relation: retired, to: A-2}\n",
            "retired criterion has no to",
            id="retired-to",
        ),
        pytest.param(
            HEAD + "entries:\n  - {from: A-1, relation: new, to: A-2}\n",
            "new entry has no from",
            id="new-from",
        ),
        pytest.param(
            HEAD
            + "entries:\n  - {from: A-1, relation: same, to: A-1}\n"
            + "  - {from: A-1, relation: retired}\n",
            "listed more than once",
            id="twice",
        ),
        pytest.param(
            HEAD + "entries:\n  - {from: A-1, relation: related, to: A-1}\n",
            "relation must",
            id="related-in-one-framework",
        ),
        pytest.param(
            HEAD + "entries:\n  - {from: A-1, relation: same, to: A-1, why: x}\n",
            "keys are",
            id="stray-key",
        ),
        pytest.param(HEAD + "entries: [\n", "YAML syntax error", id="yaml"),
    ],
)
def test_bad_mapping_files_are_refused(text, message):
    with pytest.raises(MappingError, match=message):
        parse_mapping(text, "bad.yaml")


def test_between_frameworks_only_same_and_related_are_allowed():
    text = (
        "schema: safeguards.framework-mapping/1\nfrom: {slug: a, version: 1}\n"
        "to: {slug: b, version: 1}\nentries:\n  - {from: A-1, relation: related, to: [X-1, X-2]}\n"
    )
    assert parse_mapping(text).forward() == {"A-1": [("X-1", "related"), ("X-2", "related")]}
    with pytest.raises(MappingError, match="relation must be one of same, related"):
        parse_mapping(text.replace("related", "split"))


def test_a_version_maps_to_itself_one_to_one():
    codes = framework_codes(FR, 1)
    assert len(codes) == 54
    assert map_codes(FR, 1, FR, 1) == {code: [(code, "same")] for code in codes}
    assert new_codes(FR, 1, FR, 1) == []


def test_unknown_pairs_raise_mapping_not_found():
    with pytest.raises(MappingNotFound):
        map_codes(FR, 1, FR, 99)
    with pytest.raises(MappingNotFound):
        map_codes("no-such-framework", 1, "no-such-framework", 1)


def test_every_shipped_mapping_agrees_with_the_shipped_frameworks():
    for shipped in shipped_mappings():
        old = framework_codes(shipped.from_slug, shipped.from_version)
        new = framework_codes(shipped.to_slug, shipped.to_version)
        assert check_against(shipped, old, new) == [], (shipped.from_slug, shipped.to_slug)


def test_mappings_live_beside_the_frameworks():
    assert mapping.MAPPINGS_DIR.parent == mapping.FRAMEWORKS_DIR.parent
