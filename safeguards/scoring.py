"""The scoring methods of DESIGN.md section 3: criteria + statuses -> scores, gaps, verdict.

Method 2 (current) tells a red line the operator has not shown (`undisclosed`, or in a draft
`not_assessed`) apart from one the evidence shows broken; method 1 called both a breach and
stays here so reports frozen under it still verify.

Pure standard library (no Django, no I/O) so every report rendering, the import
check and the tests share one exact implementation.
"""

from __future__ import annotations

import numbers
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

__all__ = [
    "ADEQUATE",
    "CURRENT_METHOD",
    "DEFAULT_THRESHOLDS",
    "DEFAULT_WEIGHTS",
    "INADEQUATE",
    "MET",
    "METHODS",
    "NOT_APPLICABLE",
    "NOT_ASSESSED",
    "NOT_MET",
    "PARTIAL",
    "RED_LINE_BREACHED",
    "RED_LINE_NOT_DEMONSTRATED",
    "SEVERITIES",
    "SIGNIFICANT_GAPS",
    "STATUSES",
    "STATUS_LABELS",
    "UNDISCLOSED",
    "VERDICT_LABELS",
    "CategoryResult",
    "Criterion",
    "Result",
    "Thresholds",
    "assess",
    "credit",
    "effective_weight",
    "round_half_up",
    "thresholds_valid",
]

MET = "met"
PARTIAL = "partial"
NOT_MET = "not_met"
UNDISCLOSED = "undisclosed"
NOT_APPLICABLE = "not_applicable"
NOT_ASSESSED = "not_assessed"
STATUSES: tuple[str, ...] = (MET, PARTIAL, NOT_MET, UNDISCLOSED, NOT_APPLICABLE, NOT_ASSESSED)

STATUS_LABELS: dict[str, str] = {
    MET: "Met",
    PARTIAL: "Partially met",
    NOT_MET: "Not met",
    UNDISCLOSED: "Undisclosed",
    NOT_APPLICABLE: "Not applicable",
    NOT_ASSESSED: "Not assessed",
}

SEVERITIES: tuple[str, ...] = ("critical", "high", "medium", "low")
DEFAULT_WEIGHTS: dict[str, int] = {"critical": 4, "high": 3, "medium": 2, "low": 1}

ADEQUATE = "adequate"
SIGNIFICANT_GAPS = "significant_gaps"
INADEQUATE = "inadequate"
RED_LINE_BREACHED = "red_line_breached"
RED_LINE_NOT_DEMONSTRATED = "red_line_not_demonstrated"

# The one place verdicts get their words: the web pages, the PDF and the exports all read it.
VERDICT_LABELS: dict[str, str] = {
    ADEQUATE: "Adequate",
    SIGNIFICANT_GAPS: "Significant gaps",
    INADEQUATE: "Inadequate",
    RED_LINE_BREACHED: "Red line breached",
    RED_LINE_NOT_DEMONSTRATED: "Red line not demonstrated",
}

# Method 1: any red line not met is a breach. Method 2: a red line `not_met` or `partial` is
# breached; `undisclosed` or `not_assessed` is not demonstrated (an office cannot defend a
# finding of breach made from the operator's silence).
METHODS: tuple[int, ...] = (1, 2)
CURRENT_METHOD = 2
_NOT_DEMONSTRATED = frozenset({UNDISCLOSED, NOT_ASSESSED})

_CREDITS: dict[str, Fraction | None] = {
    MET: Fraction(1),
    PARTIAL: Fraction(1, 2),
    NOT_MET: Fraction(0),
    UNDISCLOSED: Fraction(0),
    NOT_APPLICABLE: None,
    NOT_ASSESSED: Fraction(0),
}

# Gap order among equally severe criteria: the worst answers first. not_applicable
# only reaches the gap list on a red line (where it is a breach), so it goes last.
_GAP_STATUS_RANK: dict[str, int] = {
    NOT_MET: 0,
    UNDISCLOSED: 1,
    PARTIAL: 2,
    NOT_ASSESSED: 3,
    NOT_APPLICABLE: 4,
}


def credit(status: str) -> Fraction | None:
    """Credit a status earns: 1, 1/2 or 0; None for not_applicable (no denominator)."""
    try:
        return _CREDITS[status]
    except KeyError:
        raise ValueError(f"unknown status {status!r}; expected one of {STATUSES}") from None


def effective_weight(severity: str, weight: int | None) -> int:
    """The criterion's own weight if it has one, else the default for its severity."""
    if severity not in DEFAULT_WEIGHTS:
        raise ValueError(f"unknown severity {severity!r}; expected one of {SEVERITIES}")
    if weight is None:
        return DEFAULT_WEIGHTS[severity]
    # A zero or negative weight would silently drop a criterion or divide by zero;
    # bool is an int subclass but True as a weight is always a data error.
    if isinstance(weight, bool) or not isinstance(weight, int) or weight < 1:
        raise ValueError(f"weight must be a positive integer, got {weight!r}")
    return weight


def round_half_up(value: Fraction, places: int = 1) -> Decimal:
    """Round exactly, halves away from zero: 12.25 -> 12.3, 0.05 -> 0.1.

    Integer arithmetic on numerator and denominator, so no binary float can turn
    12.35 into 12.3499... The result always carries `places` decimals ("100.0").
    """
    # Floats are refused rather than converted: Fraction(0.05) is already not 1/20.
    if not isinstance(value, numbers.Rational):
        raise TypeError(f"round_half_up needs an exact number (int or Fraction), got {value!r}")
    if places < 0:
        raise ValueError("places must be >= 0")
    value = Fraction(value)
    magnitude = abs(value)
    quotient, remainder = divmod(magnitude.numerator * 10**places, magnitude.denominator)
    if 2 * remainder >= magnitude.denominator:
        quotient += 1
    if value < 0:
        quotient = -quotient
    return Decimal(quotient).scaleb(-places)


def thresholds_valid(adequate: int, significant_gaps: int) -> bool:
    """Whether a framework's two thresholds make sense: 0 <= significant_gaps < adequate <= 100."""
    for number in (adequate, significant_gaps):
        if isinstance(number, bool) or not isinstance(number, int):
            return False
    return 0 <= significant_gaps < adequate <= 100


@dataclass(frozen=True)
class Thresholds:
    """Lowest overall scores for the adequate and significant-gaps verdicts."""

    adequate: int = 80
    significant_gaps: int = 50

    def __post_init__(self) -> None:
        # Refuse bad thresholds here too, so no caller can score with them by accident.
        if not thresholds_valid(self.adequate, self.significant_gaps):
            raise ValueError(
                "thresholds need 0 <= significant_gaps < adequate <= 100, got "
                f"adequate={self.adequate!r}, significant_gaps={self.significant_gaps!r}"
            )


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Criterion:
    """What scoring needs to know about one criterion of a framework."""

    code: str
    category: str
    severity: str
    red_line: bool
    weight: int | None = None


@dataclass(frozen=True)
class CategoryResult:
    code: str
    score: Fraction | None
    applicable: int
    total: int
    answered: int


@dataclass(frozen=True)
class Result:
    overall: Fraction | None
    verdict: str | None
    categories: tuple[CategoryResult, ...]
    red_line_breaches: tuple[str, ...]
    gaps: tuple[str, ...]
    counts: tuple[tuple[str, int], ...]
    disclosure_rate: Fraction | None
    applicable: int
    method: int = CURRENT_METHOD
    # Red lines the operator has not shown to hold (method 2; always empty under method 1).
    red_line_not_demonstrated: tuple[str, ...] = ()

    def counts_dict(self) -> dict[str, int]:
        return dict(self.counts)

    def category(self, code: str) -> CategoryResult:
        for result in self.categories:
            if result.code == code:
                return result
        raise KeyError(code)


def _score(weighted: list[tuple[int, Fraction]]) -> Fraction | None:
    """100 x sum(weight x credit) / sum(weight); None when nothing is applicable."""
    if not weighted:
        return None
    earned = sum((weight * share for weight, share in weighted), Fraction(0))
    return 100 * earned / sum(weight for weight, _ in weighted)


def _verdict(
    overall: Fraction | None, breached: bool, not_demonstrated: bool, thresholds: Thresholds
) -> str | None:
    if breached:
        return RED_LINE_BREACHED
    if not_demonstrated:
        return RED_LINE_NOT_DEMONSTRATED
    if overall is None:
        return None
    # The exact fraction decides: 79.96 is shown as 80.0 but is not adequate.
    if overall >= thresholds.adequate:
        return ADEQUATE
    if overall >= thresholds.significant_gaps:
        return SIGNIFICANT_GAPS
    return INADEQUATE


def assess(
    criteria: Sequence[Criterion],
    statuses: Mapping[str, str],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    *,
    method: int = CURRENT_METHOD,
) -> Result:
    """Score one assessment with scoring `method` (1 or 2). `criteria` in framework order; a
    code absent from `statuses` is not_assessed. Raises ValueError on an unknown method,
    status or severity, a duplicate criterion code, or a status for a code not in `criteria`
    (that would mean answers from another framework version)."""
    if isinstance(method, bool) or method not in METHODS:
        raise ValueError(f"unknown scoring method {method!r}; expected one of {METHODS}")
    seen = Counter(criterion.code for criterion in criteria)
    duplicates = sorted(code for code, n in seen.items() if n > 1)
    if duplicates:
        raise ValueError(f"duplicate criterion codes: {duplicates}")
    strangers = sorted(set(statuses) - set(seen))
    if strangers:
        raise ValueError(f"statuses for codes not in the criteria: {strangers}")

    counts = dict.fromkeys(STATUSES, 0)
    by_category: dict[str, list[tuple[int, Fraction]]] = {}
    totals: dict[str, int] = {}
    answered: dict[str, int] = {}
    everything: list[tuple[int, Fraction]] = []
    breaches: list[str] = []
    not_shown: list[str] = []
    gap_keys: list[tuple[tuple[int, int, int, int], str]] = []

    for position, criterion in enumerate(criteria):
        status = statuses.get(criterion.code, NOT_ASSESSED)
        try:
            earned = credit(status)
            weight = effective_weight(criterion.severity, criterion.weight)
        except ValueError as error:
            raise ValueError(f"criterion {criterion.code}: {error}") from None

        counts[status] += 1
        # setdefault keeps categories in order of first appearance.
        weighted = by_category.setdefault(criterion.category, [])
        totals[criterion.category] = totals.get(criterion.category, 0) + 1
        answered[criterion.category] = answered.get(criterion.category, 0) + int(
            status != NOT_ASSESSED
        )

        # not_applicable is never allowed on a red line; if it is stored anyway it
        # must not hide the breach.
        red_line_open = criterion.red_line and status != MET
        if red_line_open and method == 2 and status in _NOT_DEMONSTRATED:
            not_shown.append(criterion.code)
        elif red_line_open:
            breaches.append(criterion.code)
        if earned is not None:
            weighted.append((weight, earned))
            everything.append((weight, earned))
        # Red lines not met lead the gaps whether breached or not demonstrated.
        if red_line_open or (earned is not None and status != MET):
            key = (
                0 if red_line_open else 1,
                SEVERITIES.index(criterion.severity),
                _GAP_STATUS_RANK[status],
                position,
            )
            gap_keys.append((key, criterion.code))

    applicable = len(everything)
    overall = _score(everything)
    categories = tuple(
        CategoryResult(
            code=code,
            score=_score(weighted),
            applicable=len(weighted),
            total=totals[code],
            answered=answered[code],
        )
        for code, weighted in by_category.items()
    )
    # Over the assessed applicable criteria only: a draft's unassessed criteria are unknown,
    # not disclosed (for a submitted assessment nothing is unassessed, so nothing changes).
    assessed = applicable - counts[NOT_ASSESSED]
    disclosure_rate = Fraction(assessed - counts[UNDISCLOSED], assessed) if assessed else None
    return Result(
        overall=overall,
        verdict=_verdict(overall, bool(breaches), bool(not_shown), thresholds),
        categories=categories,
        red_line_breaches=tuple(breaches),
        gaps=tuple(code for _, code in sorted(gap_keys)),
        counts=tuple(counts.items()),
        disclosure_rate=disclosure_rate,
        applicable=applicable,
        method=method,
        red_line_not_demonstrated=tuple(not_shown),
    )
