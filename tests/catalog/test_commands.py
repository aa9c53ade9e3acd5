"""load_frameworks and export_framework, as an operator runs them."""

import io
import json

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from safeguards.catalog.management.commands.load_frameworks import FRAMEWORKS_DIR
from safeguards.catalog.models import Category, Criterion, Framework, FrameworkVersion, Reference

from .samples import SMALL, dump, small_data

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text)
    return path


def empty_catalog() -> None:
    """What a fresh database holds: no frameworks (the audit log is not part of the catalog)."""
    for model in (Reference, Criterion, Category, FrameworkVersion, Framework):
        model.objects.all().delete()


def test_load_frameworks_reports_loaded_then_unchanged(tmp_path):
    path = write(tmp_path, "small.yaml", SMALL)
    out, _ = run("load_frameworks", str(path))
    assert out.startswith(f"loaded: {path} -> small-test version 1 (sha256 ")
    out, _ = run("load_frameworks", str(path))
    assert out.startswith(f"unchanged: {path} -> small-test version 1")
    assert FrameworkVersion.objects.count() == 1


def test_load_frameworks_without_arguments_loads_every_shipped_file():
    shipped = sorted(FRAMEWORKS_DIR.glob("*.yaml"))
    out, _ = run("load_frameworks")
    assert out.count("loaded: safeguards/catalog/frameworks/") == len(shipped) >= 2
    slugs = set(Framework.objects.values_list("slug", flat=True))
    assert {"fr-deployment-safeguards", "omb-m-25-21-high-impact-ai"} <= slugs


def test_loaded_by_defaults_to_command_and_os_user(tmp_path):
    run("load_frameworks", str(write(tmp_path, "small.yaml", SMALL)))
    loaded_by = FrameworkVersion.objects.get().loaded_by
    assert loaded_by.startswith("manage.py load_frameworks (")
    assert loaded_by.endswith(")")


def test_loaded_by_option_is_recorded(tmp_path):
    run("load_frameworks", str(write(tmp_path, "small.yaml", SMALL)), "--loaded-by", "release 1.2")
    assert FrameworkVersion.objects.get().loaded_by == "release 1.2"


def test_refused_file_fails_the_command_and_lists_its_errors(tmp_path):
    good = write(tmp_path, "good.yaml", SMALL)
    bad_data = small_data()
    bad_data.update(slug="other", title=5)
    bad = write(tmp_path, "bad.yaml", dump(bad_data))
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"1 file\(s\) refused, nothing loaded from them"):
        call_command("load_frameworks", str(bad), str(good), stdout=io.StringIO(), stderr=err)
    assert "bad.yaml: top level: title: wrong type: expected text, got a number" in err.getvalue()
    assert not Framework.objects.filter(slug="other").exists()
    assert Framework.objects.filter(slug="small-test").exists()


def test_changed_published_version_is_refused_by_the_command(tmp_path):
    path = write(tmp_path, "small.yaml", SMALL)
    run("load_frameworks", str(path))
    path.write_text(SMALL.replace("Read the SOP.", "Read the SOP again."))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("load_frameworks", str(path), stdout=io.StringIO(), stderr=err)
    assert "version 1 of small-test is published and cannot change" in err.getvalue()
    assert Criterion.objects.get(code="UPL-1").guidance == "Read the SOP."


def test_export_json_carries_every_field_and_effective_weight(tmp_path):
    run("load_frameworks", str(write(tmp_path, "small.yaml", SMALL)), "--loaded-by", "tester")
    out, _ = run("export_framework", "small-test", "--format", "json")
    data = json.loads(out)
    assert data["schema"] == "safeguards.framework/1"
    assert (data["slug"], data["version"], data["published"]) == ("small-test", 1, "2026-11-26")
    assert data["thresholds"] == {"adequate": 75, "significant_gaps": 40}
    assert data["source"]["loaded_by"] == "tester"
    assert data["source"]["name"] == "small.yaml"
    assert len(data["source"]["sha256"]) == 64
    upl1, upl2 = data["categories"][0]["criteria"]
    assert upl1 == {
        "code": "UPL-1",
        "title": "Probe image rules",
        "question": "Does a binding policy say which photos may be searched?",
        "guidance": "Read the SOP.",
        "met": "A signed policy lists permitted probe sources.",
        "partial": "Rules exist but are not binding.",
        "severity": "critical",
        "weight": None,
        "effective_weight": 4,
        "red_line": True,
        "references": [
            {
                "source": "DHS Directive 026-11",
                "section": "Section 4",
                "url": "https://www.dhs.gov/publication/face-recognition",
                "note": "Official summary, verified",
            }
        ],
    }
    assert (upl2["weight"], upl2["effective_weight"]) == (2, 2)


def test_export_defaults_to_newest_version_and_takes_version_option(tmp_path):
    run("load_frameworks", str(write(tmp_path, "v1.yaml", SMALL)))
    data = small_data()
    data["version"] = 2
    run("load_frameworks", str(write(tmp_path, "v2.yaml", dump(data))))
    assert json.loads(run("export_framework", "small-test", "--format", "json")[0])["version"] == 2
    out, _ = run("export_framework", "small-test", "--version", "1", "--format", "json")
    assert json.loads(out)["version"] == 1


def test_export_writes_to_a_file(tmp_path):
    run("load_frameworks", str(write(tmp_path, "small.yaml", SMALL)))
    target = tmp_path / "out.yaml"
    out, err = run("export_framework", "small-test", "--format", "yaml", "-o", str(target))
    assert out == ""
    assert f"Wrote small-test version 1 to {target}" in err
    assert yaml.safe_load(target.read_text())["slug"] == "small-test"


def test_export_of_unknown_framework_fails_clearly():
    with pytest.raises(CommandError, match="No framework 'nope' is loaded"):
        run("export_framework", "nope", "--format", "json")


def test_export_of_unknown_version_fails_clearly(tmp_path):
    run("load_frameworks", str(write(tmp_path, "small.yaml", SMALL)))
    with pytest.raises(CommandError, match="No version 7 of framework 'small-test' is loaded"):
        run("export_framework", "small-test", "--version", "7", "--format", "json")


@pytest.mark.parametrize("source", ["small", "fr-deployment-safeguards"])
def test_yaml_export_round_trips_through_an_empty_database(tmp_path, source):
    if source == "small":
        path, slug = write(tmp_path, "small.yaml", SMALL), "small-test"
    else:
        path, slug = FRAMEWORKS_DIR / f"{source}.yaml", source
    run("load_frameworks", str(path))
    first_json = json.loads(run("export_framework", slug, "--format", "json")[0])
    exported = tmp_path / "exported.yaml"
    run("export_framework", slug, "--format", "yaml", "-o", str(exported))

    empty_catalog()
    run("load_frameworks", str(exported))
    exported_again = tmp_path / "exported-again.yaml"
    run("export_framework", slug, "--format", "yaml", "-o", str(exported_again))

    assert exported_again.read_bytes() == exported.read_bytes()
    second_json = json.loads(run("export_framework", slug, "--format", "json")[0])
    # Only the record of which file was loaded, by whom and when may differ.
    first_json.pop("source"), second_json.pop("source")
    assert second_json == first_json
