"""Loading into the database: new versions, unchanged reloads, refusals that change nothing."""

import hashlib

import pytest

from safeguards.audit.models import Event
from safeguards.catalog.loader import FrameworkError, load
from safeguards.catalog.models import Category, Criterion, Framework, FrameworkVersion, Reference
from safeguards.reviews.models import Answer
from tests.factories import make_assessment, make_deployment

from .samples import SMALL, criterion, dump, small_data

pytestmark = pytest.mark.django_db


def catalog_counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Framework, FrameworkVersion, Category, Criterion, Reference, Event)
    )


def second_version() -> str:
    data = small_data()
    data["version"] = 2
    criterion(data, "RET-1")["question"] = "Must the vendor delete probes within 24 hours?"
    return dump(data)


def test_load_stores_the_whole_file():
    result = load(SMALL, "tester", name="small.yaml")
    version = result.version
    assert result.status == "loaded"
    assert (version.framework.slug, version.version) == ("small-test", 1)
    assert version.source_text == SMALL
    assert version.source_sha256 == hashlib.sha256(SMALL.encode()).hexdigest()
    assert (version.source_name, version.loaded_by) == ("small.yaml", "tester")
    assert (version.threshold_adequate, version.threshold_significant_gaps) == (75, 40)
    assert list(version.categories.values_list("code", "position")) == [("UPL", 1), ("RET", 2)]
    criteria = version.criteria.order_by("position")
    assert [(c.code, c.category.code, c.position) for c in criteria] == [
        ("UPL-1", "UPL", 1),
        ("UPL-2", "UPL", 2),
        ("RET-1", "RET", 3),
    ]
    first = criteria[0]
    assert (first.severity, first.weight, first.red_line) == ("critical", None, True)
    assert list(first.references.values_list("source", "section", "url", "note")) == [
        (
            "DHS Directive 026-11",
            "Section 4",
            "https://www.dhs.gov/publication/face-recognition",
            "Official summary, verified",
        )
    ]


def test_load_writes_a_framework_loaded_event_without_office():
    version = load(SMALL, "tester", name="small.yaml").version
    event = Event.objects.get(action="framework.loaded")
    assert event.office_id is None
    assert (event.target_type, event.target_id) == ("catalog.frameworkversion", str(version.pk))
    assert event.after["source_sha256"] == version.source_sha256
    assert event.after["loaded_by"] == "tester"
    assert (event.after["categories"], event.after["criteria"]) == (2, 3)


def test_reloading_the_same_file_changes_nothing():
    first = load(SMALL, "tester").version
    before = catalog_counts()
    result = load(SMALL, "someone else")
    assert result.status == "unchanged"
    assert result.version.pk == first.pk
    assert result.version.loaded_by == "tester"
    assert catalog_counts() == before


def test_changed_file_under_a_published_version_is_refused():
    load(SMALL, "tester", name="small.yaml")
    changed = SMALL.replace("Read the SOP.", "Read the SOP and the PIA.")
    with pytest.raises(FrameworkError) as caught:
        load(changed, "tester", name="small.yaml")
    (message,) = caught.value.messages
    assert message.startswith(
        "small.yaml: top level: version: version 1 of small-test is published and cannot change; "
        "give the changed file a new version number"
    )


def test_refused_change_leaves_database_untouched():
    version = load(SMALL, "tester").version
    before = catalog_counts()
    with pytest.raises(FrameworkError):
        load(SMALL.replace("Read the SOP.", "Read the SOP and the PIA."), "tester")
    assert catalog_counts() == before
    version.refresh_from_db()
    assert version.source_text == SMALL
    assert Criterion.objects.get(code="UPL-1").guidance == "Read the SOP."


def test_invalid_file_changes_nothing():
    before = catalog_counts()
    with pytest.raises(FrameworkError):
        load(SMALL.replace("severity: high", "severity: urgent"), "tester")
    assert catalog_counts() == before


def test_new_version_is_a_separate_version():
    first = load(SMALL, "tester").version
    second = load(second_version(), "tester").version
    assert second.pk != first.pk
    assert second.framework_id == first.framework_id
    assert list(second.framework.versions.values_list("version", flat=True)) == [2, 1]
    assert second.criteria.get(code="RET-1").question.endswith("within 24 hours?")
    assert (
        first.criteria.get(code="RET-1").question
        == "Must the vendor delete probes after the search?"
    )


def test_new_version_leaves_old_assessments_criteria_untouched(office, alice):
    first = load(SMALL, "tester").version
    assessment = make_assessment(
        make_deployment(office, alice), first, alice, answers={"RET-1": "met"}
    )
    answers_before = list(
        Answer.objects.filter(assessment=assessment).values_list(
            "criterion_id", "criterion__question", "criterion__framework_version_id", "status"
        )
    )
    old_rows = list(Criterion.objects.filter(framework_version=first).values())
    load(second_version(), "tester")
    answers_after = list(
        Answer.objects.filter(assessment=assessment).values_list(
            "criterion_id", "criterion__question", "criterion__framework_version_id", "status"
        )
    )
    assert answers_after == answers_before
    assert list(Criterion.objects.filter(framework_version=first).values()) == old_rows
    assessment.refresh_from_db()
    assert assessment.framework_version_id == first.pk


def test_framework_title_follows_the_newest_version():
    load(SMALL, "tester")
    data = small_data()
    data.update(version=2, title="Small test framework, revised")
    load(dump(data), "tester")
    assert Framework.objects.get(slug="small-test").title == "Small test framework, revised"


def test_unreadable_path_is_refused(tmp_path):
    with pytest.raises(FrameworkError) as caught:
        load(tmp_path / "missing.yaml", "tester")
    assert caught.value.messages == [
        "missing.yaml: top level: cannot read: No such file or directory"
    ]


def test_file_is_hashed_as_bytes_on_disk(tmp_path):
    path = tmp_path / "small.yaml"
    raw = SMALL.replace("\n", "\r\n").encode()
    path.write_bytes(raw)
    version = load(path, "tester").version
    assert version.source_sha256 == hashlib.sha256(raw).hexdigest()
    assert version.source_text.encode() == raw
    assert version.source_name == "small.yaml"


def test_path_may_be_given_as_text(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    assert load(str(path), "tester").version.source_text == SMALL


def test_file_over_two_megabytes_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"#" * (2 * 1024 * 1024 + 1))
    with pytest.raises(FrameworkError) as caught:
        load(path, "tester")
    assert caught.value.messages == [
        "huge.yaml: top level: file too large: 2097153 bytes, at most 2 MB"
    ]
