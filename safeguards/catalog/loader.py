"""Loading framework files into the database: a new version in one transaction, or nothing.

The same file again is "unchanged"; a different file under a version number already loaded is
refused. Checking the file itself is `schema.parse` (pure); this module adds the database step.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction

from safeguards.audit.record import record
from safeguards.canonical import sha256_hex

from . import models
from .schema import MAX_FILE_BYTES, FrameworkError, FrameworkSpec, Problem, parse

__all__ = ["FrameworkError", "LoadResult", "Problem", "load", "parse", "read_source"]

SOURCE_NAME_LENGTH = 255
LOADED_BY_LENGTH = 150


@dataclass(frozen=True)
class LoadResult:
    status: str  # "loaded" or "unchanged"
    version: models.FrameworkVersion

    def __str__(self) -> str:
        v = self.version
        return f"{self.status}: {v.framework.slug} version {v.version}"


def read_source(source: Path | str | bytes, name: str | None = None) -> tuple[bytes, str]:
    """The bytes to hash and the name to report.

    A Path, or a one-line string ending in .yaml or .yml, is a file to read (huge files are
    refused before reading); other text and bytes are the file's content.
    """
    if isinstance(source, str) and "\n" not in source and source.endswith((".yaml", ".yml")):
        source = Path(source)
    if isinstance(source, Path):
        name = name or source.name
        try:
            if source.stat().st_size > MAX_FILE_BYTES:
                size = source.stat().st_size
                limit = MAX_FILE_BYTES // (1024 * 1024)
                message = f"file too large: {size} bytes, at most {limit} MB"
                raise FrameworkError([Problem(name, "top level", "", message)])
            return source.read_bytes(), name
        except OSError as error:
            message = f"cannot read: {error.strerror or error}"
            raise FrameworkError([Problem(name, "top level", "", message)]) from None
    data = source.encode() if isinstance(source, str) else source
    return data, name or "<text>"


def load(source: Path | str | bytes, loaded_by: str, *, name: str | None = None) -> LoadResult:
    """Store a framework file as a new version, in one transaction, with its audit event.

    The same file again is "unchanged"; a different file under a version number already
    loaded is refused (FrameworkError) and nothing changes.
    """
    data, name = read_source(source, name)
    spec = parse(data, name)
    text = data.decode("utf-8")
    sha256 = sha256_hex(data)
    try:
        return _store(spec, text, sha256, name, loaded_by)
    except IntegrityError:
        # Another process loaded the same version between our check and our insert: its row
        # is committed now, so checking again gives the right answer.
        return _store(spec, text, sha256, name, loaded_by)


def _store(spec: FrameworkSpec, text: str, sha256: str, name: str, loaded_by: str) -> LoadResult:
    with transaction.atomic():
        existing = (
            models.FrameworkVersion.objects.select_related("framework")
            .filter(framework__slug=spec.slug, version=spec.version)
            .first()
        )
        if existing is not None:
            if existing.source_sha256 == sha256:
                return LoadResult("unchanged", existing)
            raise FrameworkError(
                [
                    Problem(
                        name,
                        "top level",
                        "version",
                        f"version {spec.version} of {spec.slug} is published and cannot change; "
                        "give the changed file a new version number "
                        f"(loaded sha256 {existing.source_sha256}, this file {sha256})",
                    )
                ]
            )
        framework, _ = models.Framework.objects.get_or_create(
            slug=spec.slug, defaults={"title": spec.title}
        )
        newest = framework.versions.order_by("-version").values_list("version", flat=True).first()
        if newest is not None and spec.version > newest and framework.title != spec.title:
            framework.title = spec.title
            framework.save(update_fields=["title"])
        version = models.FrameworkVersion.objects.create(
            framework=framework,
            version=spec.version,
            title=spec.title,
            publisher=spec.publisher,
            published=spec.published,
            description=spec.description,
            threshold_adequate=spec.thresholds.adequate,
            threshold_significant_gaps=spec.thresholds.significant_gaps,
            source_name=name[-SOURCE_NAME_LENGTH:],
            source_sha256=sha256,
            source_text=text,
            loaded_by=loaded_by[:LOADED_BY_LENGTH],
        )
        _store_criteria(spec, version)
        record(
            "framework.loaded",
            office=None,
            target=version,
            after={
                "slug": spec.slug,
                "version": spec.version,
                "title": spec.title,
                "source_name": version.source_name,
                "source_sha256": sha256,
                "loaded_by": version.loaded_by,
                "categories": len(spec.categories),
                "criteria": len(spec.criteria),
            },
        )
    return LoadResult("loaded", version)


def _store_criteria(spec: FrameworkSpec, version: models.FrameworkVersion) -> None:
    categories = models.Category.objects.bulk_create(
        models.Category(
            framework_version=version,
            code=category.code,
            title=category.title,
            description=category.description,
            position=position,
        )
        for position, category in enumerate(spec.categories, start=1)
    )
    rows, position = [], 0
    for category_row, category in zip(categories, spec.categories, strict=True):
        for criterion in category.criteria:
            position += 1
            rows.append(
                models.Criterion(
                    framework_version=version,
                    category=category_row,
                    code=criterion.code,
                    title=criterion.title,
                    question=criterion.question,
                    guidance=criterion.guidance,
                    met=criterion.met,
                    partial=criterion.partial,
                    not_met=criterion.not_met,
                    severity=criterion.severity,
                    weight=criterion.weight,
                    red_line=criterion.red_line,
                    position=position,
                )
            )
    criteria = models.Criterion.objects.bulk_create(rows)
    models.Reference.objects.bulk_create(
        models.Reference(
            criterion=row,
            source=reference.source,
            section=reference.section,
            url=reference.url,
            note=reference.note,
            position=index,
        )
        for row, criterion in zip(criteria, spec.criteria, strict=True)
        for index, reference in enumerate(criterion.references, start=1)
    )
