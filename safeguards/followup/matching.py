"""Which criterion of a newer framework version a finding belongs to: by code, through the
framework mapping when the versions differ; never by text (DESIGN.md §10)."""

from __future__ import annotations


def carry_code(old_version_id: int | None, new_version_id: int, code: str) -> str | None:
    """The code of `code`'s criterion in the new version, or None if it has no counterpart."""
    if not code:
        return None
    if old_version_id == new_version_id or old_version_id is None:
        return code
    mapped = _mapping(old_version_id, new_version_id)
    if mapped is None:
        return code  # no mapping between these versions: codes are stable
    return mapped.get(code)


def _mapping(old_version_id: int, new_version_id: int) -> dict[str, str | None] | None:
    try:
        from safeguards.catalog import mapping  # the catalog's v1 -> v2 mapping, when present
    except ImportError:
        return None
    lookup = getattr(mapping, "code_map", None)
    if lookup is None:
        return None
    return lookup(old_version_id, new_version_id)


def code_map_for(old_version_id: int | None, new_version_id: int | None, codes) -> dict:
    """old code -> new code (or None) for every code, for comparing two reports."""
    if old_version_id is None or new_version_id is None or old_version_id == new_version_id:
        return {code: code for code in codes}
    mapped = _mapping(old_version_id, new_version_id)
    if mapped is None:
        return {code: code for code in codes}
    return {code: mapped.get(code) for code in codes}
