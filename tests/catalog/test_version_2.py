"""Version 2 of the shipped frameworks: loads beside version 1, cites its sources with URLs
where the research gives one, and its mapping from version 1 accounts for every criterion."""

import re

import pytest

from safeguards.catalog import mapping
from safeguards.catalog.loader import FrameworkError, load
from safeguards.catalog.management.commands.load_frameworks import FRAMEWORKS_DIR
from safeguards.catalog.models import FrameworkVersion
from safeguards.catalog.schema import parse

FR = "fr-deployment-safeguards"
OMB = "omb-m-25-21-high-impact-ai"
V1 = {FR: FRAMEWORKS_DIR / f"{FR}.yaml", OMB: FRAMEWORKS_DIR / f"{OMB}.yaml"}
V2 = {FR: FRAMEWORKS_DIR / f"{FR}-v2.yaml", OMB: FRAMEWORKS_DIR / f"{OMB}-v2.yaml"}
SHIPPED_V2 = [slug for slug, path in V2.items() if path.exists()]

# Sources the research notes (or this work) give a stable URL for: every reference citing one
# of them must carry that URL.
RESEARCH_URLS = [
    (
        "DHS/ICE/PIA-054",
        "https://www.dhs.gov/publication/dhsicepia-054-ice-use-facial-recognition-services",
    ),
    ("GAO-23-105607", "https://www.gao.gov/products/gao-23-105607"),
    ("GAO-21-518", "https://www.gao.gov/products/gao-21-518"),
    ("NISTIR 8271", "https://doi.org/10.6028/NIST.IR.8271"),
    ("NISTIR 8280", "https://doi.org/10.6028/NIST.IR.8280"),
    ("NISTIR 8381", "https://doi.org/10.6028/NIST.IR.8381"),
    (
        "OMB Memorandum M-25-21",
        "https://www.whitehouse.gov/wp-content/uploads/2025/02/M-25-21-Accelerating-Federal-Use-of-AI-through-Innovation-Governance-and-Public-Trust.pdf",
    ),
    (
        "OMB, Guidance on 2025 Agency",
        "https://github.com/ombegov/2025-Federal-Agency-AI-Use-Case-Inventory",
    ),
    (
        "Swedish Authority for Privacy Protection (IMY)",
        "https://www.imy.se/en/news/police-unlawfully-used-facial-recognition-app/",
    ),
    (
        "Garante per la protezione dei dati personali",
        "https://www.gpdp.it/web/guest/home/docweb/-/docweb-display/docweb/9751362",
    ),
    (
        "DHS Directive 026-11",
        "https://www.dhs.gov/news/2025/01/16/2024-update-dhs-use-face-recognition-face-capture-technologies",
    ),
]


def spec(path):
    return parse(path.read_bytes(), path.name)


def references(slug):
    return [(c.code, r) for c in spec(V2[slug]).criteria for r in c.references]


@pytest.mark.parametrize("slug", SHIPPED_V2)
def test_version_2_is_a_new_version_of_the_same_framework(slug):
    one, two = spec(V1[slug]), spec(V2[slug])
    assert (one.slug, one.version, two.slug, two.version) == (slug, 1, slug, 2)
    assert len(two.criteria) > len(one.criteria)


@pytest.mark.django_db
@pytest.mark.parametrize("slug", SHIPPED_V2)
def test_both_versions_load_side_by_side_and_v1_is_unchanged(slug):
    first = load(V1[slug], "tests").version
    text_before = first.source_text
    second = load(V2[slug], "tests").version
    assert sorted(
        FrameworkVersion.objects.filter(framework__slug=slug).values_list("version", flat=True)
    ) == [1, 2]
    first.refresh_from_db()
    assert first.source_text == text_before
    assert second.criteria.count() == len(spec(V2[slug]).criteria)


@pytest.mark.django_db
@pytest.mark.parametrize("slug", SHIPPED_V2)
def test_a_changed_file_reusing_version_1_is_refused(slug):
    load(V1[slug], "tests")
    reused = re.sub(r"^version: 2$", "version: 1", V2[slug].read_text(), count=1, flags=re.M)
    with pytest.raises(FrameworkError, match="version 1 of .* is published and cannot change"):
        load(reused.encode(), "tests", name="reused.yaml")
    assert FrameworkVersion.objects.filter(framework__slug=slug).count() == 1


@pytest.mark.parametrize("slug", SHIPPED_V2)
def test_every_reference_has_a_source_and_a_note(slug):
    for code, reference in references(slug):
        assert reference.source.strip(), code
        assert reference.note.strip(), code


@pytest.mark.parametrize("slug", SHIPPED_V2)
def test_references_the_research_gives_a_url_for_carry_it(slug):
    for code, reference in references(slug):
        for prefix, url in RESEARCH_URLS:
            if reference.source.startswith(prefix):
                assert reference.url == url, (code, reference.source)


@pytest.mark.parametrize("slug", SHIPPED_V2)
def test_most_criteria_cite_something_with_a_url(slug):
    criteria = spec(V2[slug]).criteria
    with_url = [c for c in criteria if any(r.url for r in c.references)]
    assert len(with_url) >= 0.7 * len(criteria)


@pytest.mark.parametrize("slug", SHIPPED_V2)
def test_every_criterion_says_what_not_met_looks_like(slug):
    assert all(c.not_met.strip() for c in spec(V2[slug]).criteria)


def test_no_reference_rests_on_the_cancelled_mixed_systems_memo_or_unsectioned_m_25_22():
    for code, reference in references(FR):
        if "2017-01" in reference.source:
            assert "cancelled" in reference.note, code
        if reference.source.startswith("OMB Memorandum M-25-22"):
            assert not reference.section, code
            assert "No section is claimed" in reference.note, code


def test_privacy_act_notice_provisions_are_numbered():
    sections = {code: r.section for code, r in references(FR) if r.source.startswith("Privacy Act")}
    assert "(e)(4)(E)" in sections["RET-1"]
    assert "(e)(4)" in sections["TRANS-1"]


def test_the_imy_decision_says_it_was_appealed():
    notes = [r.note for _, r in references(FR) if r.source.startswith("Swedish Authority")]
    assert notes and any("appealed" in note for note in notes)


# Every question the motivating case leaves open is a criterion of version 2, citing a current
# source with a section or URL.
SEED_QUESTIONS = {
    "what photos agents may upload": "UPL-1",
    "whether U.S. citizens may be searched": "SCOPE-1",
    "U.S. persons returned as candidates": "SCOPE-5",
    "how long uploads and results are kept": "RET-1",
    "vendor deletion of uploads and results": "RET-2",
    "integration with targeting and traveler systems": "SHARE-4",
    "whether public documents agree": "TRANS-5",
    "human review of candidate lists": "HUM-2",
    "always returning candidates": "ACC-1",
    "accuracy on border images": "ACC-6",
    "interior use away from the border": "SCOPE-4",
    "pilot status": "NEC-3",
    "contractor staff who run searches": "ACCT-5",
    "independent authorisation": "AUTH-6",
    "reliance on a scraped gallery": "GAL-4",
}


@pytest.mark.parametrize(("question", "code"), SEED_QUESTIONS.items())
def test_each_seed_question_is_a_criterion_with_a_precise_citation(question, code):
    criteria = {c.code: c for c in spec(V2[FR]).criteria}
    assert code in criteria, question
    assert any(r.section or r.url for r in criteria[code].references), question


def test_split_questions_no_longer_bundle_two_things():
    criteria = {c.code: c for c in spec(V2[FR]).criteria}
    for code in ("AUTH-1", "AUTH-5", "HUM-2", "RET-3", "VEND-1", "VEND-3"):
        assert " and " not in criteria[code].title, code


@pytest.mark.parametrize("slug", SHIPPED_V2)
def test_the_mapping_covers_every_version_1_criterion(slug):
    forward = mapping.map_codes(slug, 1, slug, 2)
    assert set(forward) == {c.code for c in spec(V1[slug]).criteria}
    assert all(targets for targets in forward.values())  # nothing silently dropped
    shipped = mapping.find(slug, 1, slug, 2)
    problems = mapping.check_against(
        shipped,
        [c.code for c in spec(V1[slug]).criteria],
        [c.code for c in spec(V2[slug]).criteria],
    )
    assert problems == []


def test_the_fr_mapping_splits_the_bundled_questions():
    forward = mapping.map_codes(FR, 1, FR, 2)
    assert forward["AUTH-1"] == [("AUTH-1", "split"), ("ACCT-4", "split")]
    assert [code for code, _ in forward["VEND-3"]] == ["VEND-3", "VEND-7", "VEND-8"]
    assert forward["UPL-1"] == [("UPL-1", "same")]
    assert "AUTH-6" in mapping.new_codes(FR, 1, FR, 2)


def test_omb_version_2_covers_the_minimum_practices_the_review_found_missing():
    codes = {c.code: c for c in spec(V2[OMB]).criteria}
    for code in ("DET-4", "DET-5", "DET-6", "DET-7", "TEST-3", "AIA-4", "OPS-5"):
        assert code in codes, code
    for code in ("ACQ-5", "ACQ-6", "ACQ-7", "ACQ-8", "ACQ-9", "ACQ-10"):
        assert codes[code].references[0].source.startswith("OMB Memorandum M-25-22"), code
    assert "timely human review" in codes["REM-1"].question
    assert "cannot be delegated" in codes["DET-2"].question
    assert "(j)" not in " ".join(r.section for r in codes["DET-1"].references)


def test_fr_and_omb_correspond_through_a_cross_mapping():
    forward = mapping.map_codes(FR, 2, OMB, 2)
    assert forward["VEND-1"] == [("ACQ-1", "same")]
    assert ("AIA-3", "related") in forward["ACCT-3"]
    back = mapping.map_codes(OMB, 2, FR, 2)
    assert back["TEST-1"] == [("ACC-2", "same")]
