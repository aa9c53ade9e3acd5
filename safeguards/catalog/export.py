"""A loaded framework version written out again: JSON with every field, or YAML in the file format.

The YAML loads back to the same content (docs/frameworks.md); the JSON adds what the database
knows about the version (effective weights, source hash, who loaded it and when).
"""

import json
from typing import Any

import yaml

from .models import FrameworkVersion

JSON_SCHEMA = "safeguards.framework/1"


def find_version(slug: str, version: int | None = None) -> FrameworkVersion | None:
    """The given version of a framework, or its newest, with the whole catalog prefetched."""
    versions = FrameworkVersion.objects.with_catalog().filter(framework__slug=slug)
    if version is not None:
        versions = versions.filter(version=version)
    return versions.order_by("-version").first()


def _reference(reference, full: bool) -> dict[str, Any]:
    data: dict[str, Any] = {"source": reference.source}
    if full or reference.section:
        data["section"] = reference.section
    if full or reference.url:
        data["url"] = reference.url
    data["note"] = reference.note
    return data


def _criterion(criterion, full: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": criterion.code,
        "title": criterion.title,
        "question": criterion.question,
        "guidance": criterion.guidance,
        "met": criterion.met,
        "partial": criterion.partial,
    }
    # Optional in the file format (from v2 frameworks on): left out when empty, so a file
    # without it exports back to the same keys.
    if criterion.not_met:
        data["not_met"] = criterion.not_met
    data["severity"] = criterion.severity
    if full or criterion.weight is not None:
        data["weight"] = criterion.weight
    if full:
        data["effective_weight"] = criterion.effective_weight
    data["red_line"] = criterion.red_line
    data["references"] = [_reference(ref, full) for ref in criterion.references.all()]
    return data


def as_dict(version: FrameworkVersion, *, full: bool = True) -> dict[str, Any]:
    """The version as data. `full=False` gives exactly the keys of the file format."""
    data: dict[str, Any] = {}
    if full:
        data["schema"] = JSON_SCHEMA
    data |= {
        "slug": version.framework.slug,
        "version": version.version,
        "title": version.title,
        "publisher": version.publisher,
        "published": version.published if not full else version.published.isoformat(),
        "description": version.description,
        "thresholds": {
            "adequate": version.threshold_adequate,
            "significant_gaps": version.threshold_significant_gaps,
        },
    }
    if full:
        data["source"] = {
            "name": version.source_name,
            "sha256": version.source_sha256,
            "loaded_at": version.loaded_at.isoformat(),
            "loaded_by": version.loaded_by,
        }
    data["categories"] = [
        {
            "code": category.code,
            "title": category.title,
            "description": category.description,
            "criteria": [_criterion(criterion, full) for criterion in category.criteria.all()],
        }
        for category in version.categories.all()
    ]
    return data


def to_json(version: FrameworkVersion) -> str:
    return json.dumps(as_dict(version), indent=2, ensure_ascii=False) + "\n"


class _Dumper(yaml.SafeDumper):
    """Block style throughout, multi-line text as literal blocks, never an anchor."""

    def ignore_aliases(self, data):
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def to_yaml(version: FrameworkVersion) -> str:
    return yaml.dump(
        as_dict(version, full=False),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,  # one field per line, as the shipped files are written
    )
