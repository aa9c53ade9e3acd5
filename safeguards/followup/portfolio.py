"""The office dashboard across deployments, in a fixed number of queries (DESIGN.md §10)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from safeguards import scoring
from safeguards.reviews.models import Assessment

from . import states
from .models import Decision, Recommendation, VersionSummary


@dataclass
class Line:
    deployment_id: int
    name: str
    operator: str
    vendor: str
    office: str
    verdict: str = ""
    provisional: bool = False
    score: float | None = None
    trend: list[float | None] = field(default_factory=list)
    breaches: int = 0
    versions: int = 0
    ages: dict[str, int] = field(default_factory=lambda: dict.fromkeys(states.AGE_BUCKETS, 0))
    open: int = 0
    overdue: int = 0
    unresolved: int = 0
    closure_proposed: int = 0
    due: date | None = None
    due_state: str = "none"

    @property
    def verdict_label(self) -> str:
        return scoring.VERDICT_LABELS.get(self.verdict, "") if self.verdict else ""

    @property
    def trend_text(self) -> str:
        return " → ".join("n/a" if s is None else f"{s:g}" for s in self.trend)


@dataclass
class Group:
    name: str
    deployments: int = 0
    breaches: int = 0
    open: int = 0
    overdue: int = 0
    unresolved: int = 0
    due_soon: int = 0
    expired: int = 0


def lines(deployments, today: date) -> list[Line]:
    """One line per deployment of the queryset (already limited to the user's offices)."""
    rows = {
        pk: Line(pk, name, operator, vendor, office)
        for pk, name, operator, vendor, office in deployments.order_by("name", "pk").values_list(
            "pk", "name", "operator", "vendor", "office__name"
        )
    }
    ids = deployments.values("pk")
    for deployment_id, score, verdict, breaches in (
        VersionSummary.objects.filter(deployment_id__in=ids)
        .order_by("approved_at", "pk")
        .values_list("deployment_id", "overall_score", "verdict", "red_line_breaches")
    ):
        line = rows[deployment_id]
        line.score = None if score is None else float(score)
        line.trend.append(line.score)
        line.verdict, line.breaches = verdict, breaches
        line.versions += 1
    unresolved_cutoff, long_cutoff = states.unresolved_cutoff(today), states.long_open_cutoff(today)
    for deployment_id, status, opened, target, proposed in (
        Recommendation.objects.filter(deployment_id__in=ids, status__in=states.LIVE)
        .values_list("deployment_id", "status", "opened_on", "target_date", "closure_proposed_by")
        .iterator(chunk_size=5000)
    ):
        line = rows[deployment_id]
        line.open += 1
        if opened < long_cutoff:
            line.ages["over_a_year"] += 1
        elif opened <= unresolved_cutoff:
            line.ages["6_to_12_months"] += 1
        else:
            line.ages["under_6_months"] += 1
        if target is not None and target < today:
            line.overdue += 1
        if status == states.OPEN and opened <= unresolved_cutoff:
            line.unresolved += 1
        if proposed is not None:
            line.closure_proposed += 1
    for deployment_id, until in (
        Decision.objects.filter(deployment_id__in=ids)
        .order_by("decided_on", "pk")
        .values_list("deployment_id", "valid_until")
    ):
        rows[deployment_id].due = until  # the latest decision wins
    unapproved = [pk for pk, line in rows.items() if not line.versions]
    if unapproved:
        _provisional(rows, unapproved)
    for line in rows.values():
        line.due_state = states.validity_state(line.due, today)
    return list(rows.values())


def _provisional(rows: dict[int, Line], deployment_ids: list[int]) -> None:
    """Deployments never approved: the verdict of their newest assessment, marked provisional."""
    from safeguards.reviews.views.deployments import verdicts_for

    newest: dict[int, Assessment] = {}
    for assessment in (
        Assessment.objects.filter(deployment_id__in=deployment_ids)
        .select_related("framework_version")
        .only(
            "deployment_id",
            "as_of",
            "framework_version__threshold_adequate",
            "framework_version__threshold_significant_gaps",
        )
        .order_by("deployment_id", "-as_of", "-pk")
    ):
        newest.setdefault(assessment.deployment_id, assessment)
    verdicts = verdicts_for(list(newest.values()))
    for deployment_id, assessment in newest.items():
        line = rows[deployment_id]
        line.verdict, line.provisional = verdicts.get(assessment.pk) or "", True


def groups(all_lines: list[Line], key: str) -> list[Group]:
    found: dict[str, Group] = {}
    for line in all_lines:
        name = getattr(line, key) or "—"
        group = found.setdefault(name, Group(name))
        group.deployments += 1
        group.breaches += 1 if line.breaches else 0
        group.open += line.open
        group.overdue += line.overdue
        group.unresolved += line.unresolved
        group.due_soon += line.due_state == "due_soon"
        group.expired += line.due_state == "expired"
    return sorted(found.values(), key=lambda g: g.name.lower())


CSV_COLUMNS = (
    "deployment",
    "operator",
    "vendor",
    "office",
    "verdict",
    "provisional",
    "overall_score",
    "score_trend",
    "red_line_breaches",
    "open_recommendations",
    "open_under_6_months",
    "open_6_to_12_months",
    "open_over_a_year",
    "overdue",
    "unresolved_after_6_months",
    "closure_proposed",
    "reassessment_due",
    "reassessment_state",
)


def csv_row(line: Line) -> tuple:
    return (
        line.name,
        line.operator,
        line.vendor,
        line.office,
        line.verdict,
        line.provisional,
        line.score,
        line.trend_text,
        line.breaches,
        line.open,
        line.ages["under_6_months"],
        line.ages["6_to_12_months"],
        line.ages["over_a_year"],
        line.overdue,
        line.unresolved,
        line.closure_proposed,
        line.due,
        line.due_state,
    )
