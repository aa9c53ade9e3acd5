"""Which criterion of a newer framework version a finding belongs to: by code, through the
catalog's framework mapping when the versions differ; never by text (DESIGN.md §10)."""

from __future__ import annotations

from safeguards.catalog import mapping


def _ends(version_id: int) -> tuple[str, int]:
    from safeguards.catalog.models import FrameworkVersion

    version = FrameworkVersion.objects.select_related("framework").get(pk=version_id)
    return version.framework.slug, version.version


def forward(old: tuple[str, int], new: tuple[str, int]) -> dict[str, str | None] | None:
    """old code -> the code it became (the first target of a split; None if retired), or
    None when no mapping is shipped between the two versions."""
    try:
        found = mapping.map_codes(*old, *new)
    except mapping.MappingNotFound:
        return None
    return {code: (targets[0][0] if targets else None) for code, targets in found.items()}


def carry_code(old_version_id: int | None, new_version_id: int, code: str) -> str | None:
    """The code of `code`'s criterion in the new version, or None if it has no counterpart."""
    if not code:
        return None
    if old_version_id is None or old_version_id == new_version_id:
        return code
    codes = forward(_ends(old_version_id), _ends(new_version_id))
    if codes is None:
        return code  # no mapping shipped between these versions: codes are stable
    return codes.get(code, code)


def code_map(old: tuple[str, int], new: tuple[str, int]) -> dict[str, str | None] | None:
    """For comparing two reports by their framework slug and version (None: match on code)."""
    if old == new:
        return None
    return forward(old, new)
