"""Framework mappings: which criterion of one framework version answers to which of another.

Data, not code: each mapping is a YAML file in `mappings/` beside the frameworks (format in
docs/frameworks.md). Pure: reads only the shipped files, no Django. Re-assessment, the
follow-up register and compare all go through `map_codes`, so they agree on what became of a
criterion between versions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from .schema import FrameworkError, parse

__all__ = [
    "CROSS_RELATIONS",
    "MAPPINGS_DIR",
    "FRAMEWORKS_DIR",
    "RELATIONS",
    "Link",
    "Mapping",
    "MappingError",
    "MappingNotFound",
    "check_against",
    "find",
    "framework_codes",
    "map_codes",
    "new_codes",
    "parse_mapping",
    "shipped_mappings",
]

FRAMEWORKS_DIR = Path(__file__).resolve().parent / "frameworks"
MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"
SCHEMA = "safeguards.framework-mapping/1"

SAME, SPLIT, MERGED, NEW, RETIRED = "same", "split", "merged", "new", "retired"
# Between versions of one framework: what became of each criterion.
RELATIONS: tuple[str, ...] = (SAME, SPLIT, MERGED, NEW, RETIRED)
# Between two different frameworks: criteria that ask about the same safeguard ("same") or
# overlap in part ("related"); coverage is not required.
RELATED = "related"
CROSS_RELATIONS: tuple[str, ...] = (SAME, RELATED)
# Reading a mapping backwards: a split seen from the newer side is a merge, and so on.
_INVERSE = {SAME: SAME, SPLIT: MERGED, MERGED: SPLIT, NEW: RETIRED, RETIRED: NEW, RELATED: RELATED}


class MappingError(ValueError):
    """A mapping file is wrong; the message names the file and the entry."""


class MappingNotFound(LookupError):
    """No mapping is shipped between these two framework versions."""


@dataclass(frozen=True)
class Link:
    """One row: `old` (None for a new criterion) became `new` (None when retired)."""

    old: str | None
    new: str | None
    relation: str


@dataclass(frozen=True)
class Mapping:
    from_slug: str
    from_version: int
    to_slug: str
    to_version: int
    links: tuple[Link, ...]
    note: str = ""

    @property
    def cross(self) -> bool:
        return self.from_slug != self.to_slug

    def inverse(self) -> Mapping:
        return Mapping(
            self.to_slug,
            self.to_version,
            self.from_slug,
            self.from_version,
            tuple(Link(link.new, link.old, _INVERSE[link.relation]) for link in self.links),
            self.note,
        )

    def forward(self) -> dict[str, list[tuple[str, str]]]:
        """old code -> [(new code, relation)], in file order; a retired code maps to []."""
        result: dict[str, list[tuple[str, str]]] = {}
        for link in self.links:
            if link.old is None:
                continue
            targets = result.setdefault(link.old, [])
            if link.new is not None:
                targets.append((link.new, link.relation))
        return result

    def new_codes(self) -> list[str]:
        return [link.new for link in self.links if link.old is None and link.new is not None]


def _codes(value, where: str, name: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
        return list(value)
    raise MappingError(f"{name}: {where}: codes must be a code or a list of codes")


def _side(data: dict, key: str, name: str) -> tuple[str, int]:
    side = data.get(key)
    if (
        not isinstance(side, dict)
        or not isinstance(side.get("slug"), str)
        or isinstance(side.get("version"), bool)
        or not isinstance(side.get("version"), int)
    ):
        raise MappingError(f"{name}: top level: {key} must be {{slug: ..., version: N}}")
    return side["slug"], side["version"]


def parse_mapping(text: str | bytes, name: str = "<text>") -> Mapping:
    """A mapping file, checked for shape and for each relation's own rules (not yet against
    the frameworks' codes: see `check_against`)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise MappingError(f"{name}: YAML syntax error: {error}") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise MappingError(f"{name}: top level: schema must be {SCHEMA!r}")
    from_slug, from_version = _side(data, "from", name)
    to_slug, to_version = _side(data, "to", name)
    cross = from_slug != to_slug
    allowed = CROSS_RELATIONS if cross else RELATIONS
    entries = data.get("entries")
    if not isinstance(entries, list) or not entries:
        raise MappingError(f"{name}: top level: entries must be a non-empty list")
    links: list[Link] = []
    merged_into: dict[str, list[str]] = {}
    seen_from: set[str] = set()
    seen_new: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        where = f"entry {index}"
        if not isinstance(entry, dict) or set(entry) - {"from", "to", "relation", "note"}:
            raise MappingError(f"{name}: {where}: keys are from, to, relation and note")
        relation = entry.get("relation")
        if relation not in allowed:
            raise MappingError(f"{name}: {where}: relation must be one of {', '.join(allowed)}")
        olds = _codes(entry.get("from"), where, name)
        news = _codes(entry.get("to"), where, name)
        where = f"{where} ({', '.join(olds) or 'new'})"
        if relation == NEW:
            if olds or not news:
                raise MappingError(f"{name}: {where}: a new entry has no from and at least one to")
        elif len(olds) != 1:
            raise MappingError(f"{name}: {where}: {relation} needs exactly one from code")
        if relation == RETIRED and news:
            raise MappingError(f"{name}: {where}: a retired criterion has no to")
        if relation == SAME and len(news) != 1:
            raise MappingError(f"{name}: {where}: same needs exactly one to code")
        if relation == SPLIT and len(news) < 2:
            raise MappingError(f"{name}: {where}: split needs at least two to codes")
        if relation == MERGED:
            if len(news) != 1:
                raise MappingError(f"{name}: {where}: merged needs exactly one to code")
            merged_into.setdefault(news[0], []).append(olds[0])
        if relation == RELATED and not news:
            raise MappingError(f"{name}: {where}: related needs at least one to code")
        if olds and not cross:
            if olds[0] in seen_from:
                raise MappingError(f"{name}: {where}: {olds[0]} is listed more than once")
            seen_from.add(olds[0])
        if relation == NEW and not cross:
            again = sorted(seen_new & set(news))
            if again:
                raise MappingError(f"{name}: {where}: {', '.join(again)} already listed as new")
            seen_new.update(news)
        if olds:
            links.extend(Link(olds[0], new, relation) for new in news or [None])
        else:
            links.extend(Link(None, new, relation) for new in news)
    for target, sources in merged_into.items():
        if len(sources) < 2:
            raise MappingError(
                f"{name}: {target}: only {sources[0]} is merged into it; use same for one code"
            )
    return Mapping(
        from_slug, from_version, to_slug, to_version, tuple(links), str(data.get("note") or "")
    )


def check_against(mapping: Mapping, old_codes: Iterable[str], new_codes: Iterable[str]) -> list:
    """Problems of a mapping against the two frameworks' codes: unknown codes, and (between
    versions of one framework) any criterion of either side the mapping does not account for."""
    old_codes, new_codes = list(old_codes), list(new_codes)
    problems: list[str] = []
    for link in mapping.links:
        if link.old is not None and link.old not in old_codes:
            problems.append(f"{link.old} is not a criterion of the from version")
        if link.new is not None and link.new not in new_codes:
            problems.append(f"{link.new} is not a criterion of the to version")
    if not mapping.cross:
        covered_old = {link.old for link in mapping.links}
        covered_new = {link.new for link in mapping.links}
        problems += [f"{c} (from version) is not mapped" for c in old_codes if c not in covered_old]
        problems += [
            f"{c} (to version) is not accounted for" for c in new_codes if c not in covered_new
        ]
    return problems


@cache
def _shipped_frameworks() -> dict[tuple[str, int], tuple[str, ...]]:
    found = {}
    for path in sorted(FRAMEWORKS_DIR.glob("*.yaml")):
        try:
            spec = parse(path.read_bytes(), path.name)
        except FrameworkError:  # a broken file is the loader's business, not ours
            continue
        found[(spec.slug, spec.version)] = tuple(c.code for c in spec.criteria)
    return found


def framework_codes(slug: str, version: int) -> tuple[str, ...]:
    """The criterion codes of a shipped framework version, in framework order."""
    try:
        return _shipped_frameworks()[(slug, version)]
    except KeyError:
        raise MappingNotFound(f"{slug} version {version} is not a shipped framework") from None


@cache
def shipped_mappings() -> tuple[Mapping, ...]:
    return tuple(
        parse_mapping(path.read_bytes(), path.name) for path in sorted(MAPPINGS_DIR.glob("*.yaml"))
    )


def find(from_slug: str, from_version: int, to_slug: str, to_version: int) -> Mapping:
    """The mapping between two framework versions: shipped in either direction, or the
    identity for a version and itself."""
    if (from_slug, from_version) == (to_slug, to_version):
        codes = framework_codes(from_slug, from_version)
        links = tuple(Link(code, code, SAME) for code in codes)
        return Mapping(from_slug, from_version, to_slug, to_version, links, "identity")
    for mapping in shipped_mappings():
        ends = (mapping.from_slug, mapping.from_version, mapping.to_slug, mapping.to_version)
        if ends == (from_slug, from_version, to_slug, to_version):
            return mapping
        if ends == (to_slug, to_version, from_slug, from_version):
            return mapping.inverse()
    raise MappingNotFound(
        f"no mapping from {from_slug} version {from_version} to {to_slug} version {to_version}"
    )


def map_codes(
    from_slug: str, from_version: int, to_slug: str, to_version: int
) -> dict[str, list[tuple[str, str]]]:
    """old code -> [(new code, relation)] where relation is same, split, merged, new or
    retired (related too between different frameworks). A retired code maps to []; codes new
    in the target have no old code (see `new_codes`). Raises MappingNotFound."""
    return find(from_slug, from_version, to_slug, to_version).forward()


def new_codes(from_slug: str, from_version: int, to_slug: str, to_version: int) -> list[str]:
    """Codes of the target version that no criterion of the source became."""
    return find(from_slug, from_version, to_slug, to_version).new_codes()
