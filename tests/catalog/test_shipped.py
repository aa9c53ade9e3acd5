"""The framework files shipped in the repository pass the checks and load."""

import pytest

from safeguards.catalog.loader import load
from safeguards.catalog.management.commands.load_frameworks import FRAMEWORKS_DIR
from safeguards.catalog.schema import parse

SHIPPED = {
    "fr-deployment-safeguards": {"categories": 10, "criteria": 30, "red_lines": 3},
    "omb-m-25-21-high-impact-ai": {"categories": 1, "criteria": 1, "red_lines": 0},
}


def shipped_file(slug):
    path = FRAMEWORKS_DIR / f"{slug}.yaml"
    if not path.exists():
        pytest.skip(f"{path.name} is not in the repository yet (it is being written separately)")
    return path


@pytest.mark.parametrize("slug", SHIPPED)
def test_shipped_file_passes_every_check(slug):
    path = shipped_file(slug)
    spec = parse(path.read_bytes(), path.name)
    assert spec.slug == slug
    assert spec.version >= 1
    minimum = SHIPPED[slug]
    assert len(spec.categories) >= minimum["categories"]
    assert len(spec.criteria) >= minimum["criteria"]
    assert sum(criterion.red_line for criterion in spec.criteria) >= minimum["red_lines"]


@pytest.mark.django_db
@pytest.mark.parametrize("slug", SHIPPED)
def test_shipped_file_loads_and_reloads_unchanged(slug):
    path = shipped_file(slug)
    assert load(path, "tests").status == "loaded"
    assert load(path, "tests").status == "unchanged"


def test_default_framework_has_a_sole_basis_red_line():
    """The issue's named red line: face recognition is never the sole basis for enforcement."""
    path = shipped_file("fr-deployment-safeguards")
    red_lines = [c for c in parse(path.read_bytes(), path.name).criteria if c.red_line]
    assert any("sole" in (c.title + c.question).lower() for c in red_lines)
