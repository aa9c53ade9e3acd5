"""What compare reads: a frozen version, an assessment as it stands, or a report file."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from safeguards.reports.data import live_report
from safeguards.reports.models import ReportVersion
from safeguards.reviews.models import Assessment

from . import compare, matching

VERSION = re.compile(r"^version:(\d{1,12}):(\d{1,6})$")
ASSESSMENT = re.compile(r"^assessment:(\d{1,12})$")


class Unusable(ValueError):
    """The source cannot be compared; the message says why."""


@dataclass(frozen=True)
class Source:
    spec: str
    label: str
    data: dict[str, Any]

    @property
    def deployment_id(self):
        return self.data.get("deployment", {}).get("id")


def _check_shape(data: Any, spec: str) -> dict[str, Any]:
    if not isinstance(data, dict) or not str(data.get("schema", "")).startswith(
        "safeguards.gap-report/"
    ):
        raise Unusable(f"{spec}: not a Safeguards gap report.")
    try:
        for criterion in data["criteria"]:
            criterion["code"], criterion["status"], criterion["title"], criterion["red_line"]
        data["summary"]["gaps"], data["summary"]["red_line_breaches"]
        data["summary"]["overall_score"], data["summary"]["verdict"]
    except (KeyError, TypeError) as error:
        raise Unusable(f"{spec}: the report lacks {error}.") from None
    return data


def load(spec: str, *, assessments=None, allow_files: bool = False) -> Source:
    """Resolve `version:ASSESSMENT_ID:N`, `assessment:ID` or (commands only) a file path.

    `assessments` limits which assessments may be read (a user's visible ones); None: all.
    """
    spec = (spec or "").strip()
    allowed = assessments if assessments is not None else Assessment.objects.all()
    if found := VERSION.match(spec):
        assessment_id, number = int(found[1]), int(found[2])
        version = ReportVersion.objects.filter(
            assessment__in=allowed, assessment_id=assessment_id, number=number
        ).first()
        if version is None:
            raise Unusable(f"{spec}: no such report version.")
        data = json.loads(version.canonical_json)
        label = f"{data['assessment']['title']} — version {number}"
        return Source(spec, label, _check_shape(data, spec))
    if found := ASSESSMENT.match(spec):
        assessment = allowed.filter(pk=int(found[1])).first()
        if assessment is None:
            raise Unusable(f"{spec}: no such assessment.")
        data = live_report(assessment).as_dict()
        label = f"{assessment.title} — as it stands ({assessment.get_status_display().lower()})"
        return Source(spec, label, _check_shape(data, spec))
    if allow_files:
        path = Path(spec)
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise Unusable(f"{spec}: cannot read the file ({error.strerror}).") from None
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError):
            raise Unusable(f"{spec}: not valid JSON.") from None
        data = _check_shape(data, spec)
        number = data.get("report_version")
        label = f"{path.name}" + (f" (version {number})" if number else "")
        return Source(spec, label, data)
    raise Unusable(f"{spec}: give version:ASSESSMENT_ID:N or assessment:ID.")


def _ends(data) -> tuple[str, int]:
    framework = data.get("framework") or {}
    return str(framework.get("slug")), framework.get("version")


def comparison(old: Source, new: Source) -> compare.Comparison:
    if old.deployment_id != new.deployment_id:
        raise Unusable("The two reports are of different deployments.")
    code_map = matching.code_map(_ends(old.data), _ends(new.data))
    return compare.compare(
        old.data, new.data, old_label=old.label, new_label=new.label, code_map=code_map
    )
