"""Table-driven tests of the scoring method (DESIGN.md section 3); no database, no Django."""

import ast
import dataclasses
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from safeguards import scoring
from safeguards.scoring import (
    ADEQUATE,
    DEFAULT_WEIGHTS,
    INADEQUATE,
    MET,
    NOT_APPLICABLE,
    NOT_ASSESSED,
    NOT_MET,
    PARTIAL,
    RED_LINE_BREACHED,
    RED_LINE_NOT_DEMONSTRATED,
    SEVERITIES,
    SIGNIFICANT_GAPS,
    STATUS_LABELS,
    STATUSES,
    UNDISCLOSED,
    VERDICT_LABELS,
    Criterion,
    Thresholds,
    assess,
    credit,
    effective_weight,
    round_half_up,
    thresholds_valid,
)


def crit(code, category="A", severity="medium", red_line=False, weight=None):
    return Criterion(
        code=code, category=category, severity=severity, red_line=red_line, weight=weight
    )


def met_and_not_met(met_weight, not_met_weight):
    """Criteria whose overall score is 100 x met_weight / (met_weight + not_met_weight);
    a weight of 0 leaves that criterion out."""
    parts = [("M", MET, met_weight), ("N", NOT_MET, not_met_weight)]
    criteria = [crit(code, weight=weight) for code, _, weight in parts if weight]
    return criteria, {code: status for code, status, weight in parts if weight}


# --- constants ---------------------------------------------------------------------------


def test_statuses_are_in_the_documented_order():
    assert STATUSES == (
        "met",
        "partial",
        "not_met",
        "undisclosed",
        "not_applicable",
        "not_assessed",
    )


def test_every_status_and_verdict_has_its_label():
    assert STATUS_LABELS == {
        "met": "Met",
        "partial": "Partially met",
        "not_met": "Not met",
        "undisclosed": "Undisclosed",
        "not_applicable": "Not applicable",
        "not_assessed": "Not assessed",
    }
    assert VERDICT_LABELS == {
        "adequate": "Adequate",
        "significant_gaps": "Significant gaps",
        "inadequate": "Inadequate",
        "red_line_breached": "Red line breached",
        "red_line_not_demonstrated": "Red line not demonstrated",
    }


def test_module_imports_only_the_standard_library():
    tree = ast.parse(Path(scoring.__file__).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)


# --- credit and weight -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        pytest.param(MET, Fraction(1), id="met-1"),
        pytest.param(PARTIAL, Fraction(1, 2), id="partial-half"),
        pytest.param(NOT_MET, Fraction(0), id="not_met-0"),
        pytest.param(UNDISCLOSED, Fraction(0), id="undisclosed-0"),
        pytest.param(NOT_APPLICABLE, None, id="not_applicable-none"),
        pytest.param(NOT_ASSESSED, Fraction(0), id="not_assessed-0"),
    ],
)
def test_credit_of_each_status(status, expected):
    result = credit(status)
    assert result == expected
    assert result is None or isinstance(result, Fraction)


@pytest.mark.parametrize(
    "status",
    [
        pytest.param("Met", id="capitalised"),
        pytest.param("partially_met", id="label-not-code"),
        pytest.param("", id="empty"),
        pytest.param("n/a", id="abbreviation"),
    ],
)
def test_credit_of_unknown_status_raises(status):
    with pytest.raises(ValueError, match="unknown status"):
        credit(status)


@pytest.mark.parametrize(
    ("severity", "own", "expected"),
    [
        pytest.param("critical", None, 4, id="critical-default-4"),
        pytest.param("high", None, 3, id="high-default-3"),
        pytest.param("medium", None, 2, id="medium-default-2"),
        pytest.param("low", None, 1, id="low-default-1"),
        pytest.param("low", 5, 5, id="own-weight-above-default"),
        pytest.param("critical", 1, 1, id="own-weight-below-default"),
    ],
)
def test_effective_weight(severity, own, expected):
    assert effective_weight(severity, own) == expected


@pytest.mark.parametrize(
    ("severity", "own", "message"),
    [
        pytest.param("severe", None, "unknown severity", id="unknown-severity"),
        pytest.param("Critical", 4, "unknown severity", id="unknown-severity-with-own-weight"),
        pytest.param("high", 0, "positive integer", id="zero-weight"),
        pytest.param("high", -2, "positive integer", id="negative-weight"),
        pytest.param("high", True, "positive integer", id="bool-weight"),
    ],
)
def test_effective_weight_rejects(severity, own, message):
    with pytest.raises(ValueError, match=message):
        effective_weight(severity, own)


def test_own_weight_changes_the_score():
    criteria = [crit("M", severity="low", weight=3), crit("N", severity="critical", weight=1)]
    result = assess(criteria, {"M": MET, "N": NOT_MET})
    assert result.overall == 75  # by severity alone it would be 100 x 1/5 = 20


# --- rounding ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        pytest.param(Fraction(1225, 100), 1, "12.3", id="12.25-up"),
        pytest.param(Fraction(1235, 100), 1, "12.4", id="12.35-up-where-float-goes-down"),
        pytest.param(Fraction(5, 100), 1, "0.1", id="0.05-up"),
        pytest.param(Fraction(4, 100), 1, "0.0", id="0.04-down"),
        pytest.param(Fraction(15, 100), 1, "0.2", id="0.15-up"),
        pytest.param(Fraction(200, 3), 1, "66.7", id="two-thirds-of-100"),
        pytest.param(Fraction(100, 3), 1, "33.3", id="one-third-of-100"),
        pytest.param(Fraction(7996, 100), 1, "80.0", id="79.96-shows-as-80.0"),
        pytest.param(Fraction(100), 1, "100.0", id="integer-keeps-one-decimal"),
        pytest.param(0, 1, "0.0", id="plain-int-zero"),
        pytest.param(Fraction(5, 2), 0, "3", id="no-places-2.5-up"),
        pytest.param(Fraction(1, 8), 2, "0.13", id="two-places-0.125-up"),
        pytest.param(Fraction(2, 3), 3, "0.667", id="three-places-disclosure-rate"),
        pytest.param(Fraction(-1225, 100), 1, "-12.3", id="negative-half-away-from-zero"),
        pytest.param(Fraction(-1, 100), 1, "0.0", id="tiny-negative-is-plain-zero"),
    ],
)
def test_round_half_up(value, places, expected):
    result = round_half_up(value, places)
    assert isinstance(result, Decimal)
    assert str(result) == expected


def test_round_half_up_defaults_to_one_place():
    assert str(round_half_up(Fraction(1225, 100))) == "12.3"


def test_round_half_up_refuses_floats():
    with pytest.raises(TypeError):
        round_half_up(12.25)


# --- scores ------------------------------------------------------------------------------


def test_category_with_nothing_applicable_has_no_score_and_is_left_out_of_overall():
    criteria = [
        crit("A1", category="A", severity="critical"),
        crit("B1", category="B", severity="critical"),
        crit("B2", category="B", severity="low"),
    ]
    result = assess(criteria, {"A1": MET, "B1": NOT_APPLICABLE, "B2": NOT_APPLICABLE})
    assert result.category("B").score is None
    assert result.category("B").applicable == 0
    assert result.overall == 100  # a 0 for B would have pulled it down
    assert result.applicable == 1


def test_overall_is_weighted_over_all_criteria_not_a_mean_of_categories():
    criteria = [
        crit("A1", category="A", severity="critical"),
        crit("B1", category="B", severity="low"),
    ]
    result = assess(criteria, {"A1": MET, "B1": NOT_MET})
    assert result.category("A").score == 100
    assert result.category("B").score == 0
    mean_of_categories = (result.category("A").score + result.category("B").score) / 2
    assert mean_of_categories == 50
    assert result.overall == 80  # 100 x 4 / (4 + 1)
    assert result.verdict == ADEQUATE  # the mean would have said significant_gaps


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        pytest.param({"H": MET, "M": MET, "L": MET}, Fraction(100), id="all-met"),
        pytest.param({"H": PARTIAL, "M": PARTIAL, "L": PARTIAL}, Fraction(50), id="all-partial"),
        pytest.param({"H": MET, "M": PARTIAL, "L": NOT_MET}, Fraction(400, 6), id="mixed"),
        pytest.param({"H": UNDISCLOSED, "M": MET, "L": MET}, Fraction(50), id="undisclosed-0"),
        pytest.param({"H": MET}, Fraction(50), id="missing-count-as-0"),
        pytest.param({"H": NOT_APPLICABLE, "M": PARTIAL, "L": MET}, Fraction(200, 3), id="na-out"),
    ],
)
def test_category_score_is_weighted_credit_share(statuses, expected):
    criteria = [crit("H", severity="high"), crit("M", severity="medium"), crit("L", severity="low")]
    result = assess(criteria, statuses)
    assert result.category("A").score == expected
    assert isinstance(result.category("A").score, Fraction)


def test_categories_in_order_of_first_appearance_with_their_counts():
    criteria = [
        crit("B1", category="B"),
        crit("A1", category="A"),
        crit("B2", category="B"),
        crit("C1", category="C"),
        crit("A2", category="A"),
    ]
    result = assess(criteria, {"B1": NOT_APPLICABLE, "A1": PARTIAL, "B2": MET})
    assert [(c.code, c.applicable, c.total, c.answered) for c in result.categories] == [
        ("B", 1, 2, 2),
        ("A", 2, 2, 1),
        ("C", 1, 1, 0),
    ]
    assert [c.score for c in result.categories] == [100, 25, 0]


def test_category_lookup_of_unknown_code_raises_key_error():
    result = assess([crit("A1")], {"A1": MET})
    with pytest.raises(KeyError):
        result.category("Z")


def test_nothing_applicable_gives_no_score_and_no_verdict():
    result = assess([crit("A1"), crit("A2")], {"A1": NOT_APPLICABLE, "A2": NOT_APPLICABLE})
    assert result.overall is None
    assert result.verdict is None
    assert result.disclosure_rate is None
    assert result.applicable == 0


def test_empty_framework_gives_no_score_and_no_verdict():
    result = assess([], {})
    assert (result.overall, result.verdict, result.categories, result.gaps) == (None, None, (), ())


# --- red lines and verdicts --------------------------------------------------------------


# One red line beside a heavy met criterion, under each method: (breached, not demonstrated,
# verdict). Method 1 (reports frozen before wave 2) calls every red line not met a breach;
# method 2 keeps a breach for what the evidence shows and says "not demonstrated" for silence.
RED_LINE_TABLE = [
    (MET, 1, (), (), ADEQUATE),
    (MET, 2, (), (), ADEQUATE),
    (PARTIAL, 1, ("RL",), (), RED_LINE_BREACHED),
    (PARTIAL, 2, ("RL",), (), RED_LINE_BREACHED),
    (NOT_MET, 1, ("RL",), (), RED_LINE_BREACHED),
    (NOT_MET, 2, ("RL",), (), RED_LINE_BREACHED),
    (UNDISCLOSED, 1, ("RL",), (), RED_LINE_BREACHED),
    (UNDISCLOSED, 2, (), ("RL",), RED_LINE_NOT_DEMONSTRATED),
    (NOT_ASSESSED, 1, ("RL",), (), RED_LINE_BREACHED),
    (NOT_ASSESSED, 2, (), ("RL",), RED_LINE_NOT_DEMONSTRATED),
    (NOT_APPLICABLE, 1, ("RL",), (), RED_LINE_BREACHED),
    (NOT_APPLICABLE, 2, ("RL",), (), RED_LINE_BREACHED),
]


@pytest.mark.parametrize(
    ("red_line_status", "method", "breaches", "not_demonstrated", "verdict"),
    [pytest.param(*row, id=f"{row[0]}-method{row[1]}") for row in RED_LINE_TABLE],
)
def test_red_line_under_each_method(red_line_status, method, breaches, not_demonstrated, verdict):
    criteria = [crit("OK", severity="critical", weight=100), crit("RL", red_line=True)]
    result = assess(criteria, {"OK": MET, "RL": red_line_status}, method=method)
    assert result.method == method
    assert result.red_line_breaches == breaches
    assert result.red_line_not_demonstrated == not_demonstrated
    assert result.verdict == verdict


def test_method_2_is_the_default():
    result = assess([crit("RL", red_line=True)], {"RL": UNDISCLOSED})
    assert (result.method, result.verdict) == (2, RED_LINE_NOT_DEMONSTRATED)
    assert scoring.CURRENT_METHOD == 2 and scoring.METHODS == (1, 2)


def test_a_breach_outranks_a_red_line_not_demonstrated():
    criteria = [crit("R1", red_line=True), crit("R2", red_line=True)]
    result = assess(criteria, {"R1": UNDISCLOSED, "R2": PARTIAL})
    assert result.verdict == RED_LINE_BREACHED
    assert (result.red_line_breaches, result.red_line_not_demonstrated) == (("R2",), ("R1",))


@pytest.mark.parametrize("method", [1, 2])
def test_methods_agree_on_everything_but_red_line_findings(method):
    criteria = [
        crit("R1", severity="critical", red_line=True),
        crit("C1", severity="high"),
        crit("C2", category="B"),
    ]
    statuses = {"R1": UNDISCLOSED, "C1": PARTIAL, "C2": MET}
    one, two = assess(criteria, statuses, method=1), assess(criteria, statuses, method=2)
    assert (one.overall, one.gaps, one.counts, one.disclosure_rate) == (
        two.overall,
        two.gaps,
        two.counts,
        two.disclosure_rate,
    )
    assert assess(criteria, statuses, method=method).gaps == ("R1", "C1")


def test_not_demonstrated_red_line_with_an_otherwise_low_score_is_still_not_demonstrated():
    criteria = [crit("RL", red_line=True), crit("C1", severity="critical", weight=10)]
    result = assess(criteria, {"RL": NOT_ASSESSED, "C1": NOT_MET})
    assert result.verdict == RED_LINE_NOT_DEMONSTRATED


def test_red_line_not_met_overrides_an_otherwise_perfect_score():
    criteria = [crit(f"C{i}", severity="critical") for i in range(20)]
    criteria.append(crit("RL", severity="low", red_line=True))
    statuses = {f"C{i}": MET for i in range(20)} | {"RL": NOT_MET}
    result = assess(criteria, statuses)
    assert result.overall > 98
    assert result.verdict == RED_LINE_BREACHED


def test_red_line_not_applicable_is_a_breach_even_with_nothing_applicable():
    result = assess([crit("RL", red_line=True)], {"RL": NOT_APPLICABLE})
    assert result.overall is None
    assert result.verdict == RED_LINE_BREACHED
    assert result.red_line_breaches == ("RL",)
    assert result.gaps == ("RL",)


def test_red_line_breaches_are_in_framework_order():
    criteria = [
        crit("Z9", red_line=True, severity="low"),
        crit("A1", red_line=True, severity="critical"),
        crit("M5", red_line=True),
    ]
    result = assess(criteria, {"Z9": PARTIAL, "A1": NOT_MET, "M5": MET})
    assert result.red_line_breaches == ("Z9", "A1")


@pytest.mark.parametrize(
    ("met_weight", "not_met_weight", "verdict"),
    [
        pytest.param(1, 0, ADEQUATE, id="100-adequate"),
        pytest.param(4, 1, ADEQUATE, id="exactly-80-adequate"),
        pytest.param(1999, 501, SIGNIFICANT_GAPS, id="79.96-shown-80.0-significant_gaps"),
        pytest.param(1, 1, SIGNIFICANT_GAPS, id="exactly-50-significant_gaps"),
        pytest.param(999, 1001, INADEQUATE, id="49.95-shown-50.0-inadequate"),
        pytest.param(0, 1, INADEQUATE, id="0-inadequate"),
    ],
)
def test_verdict_at_default_thresholds(met_weight, not_met_weight, verdict):
    criteria, statuses = met_and_not_met(met_weight, not_met_weight)
    result = assess(criteria, statuses)
    assert result.overall == Fraction(100 * met_weight, met_weight + not_met_weight)
    assert result.verdict == verdict


@pytest.mark.parametrize(
    ("thresholds", "met_weight", "not_met_weight", "verdict"),
    [
        pytest.param(Thresholds(90, 60), 4, 1, SIGNIFICANT_GAPS, id="90/60-at-80"),
        pytest.param(Thresholds(90, 60), 9, 1, ADEQUATE, id="90/60-at-exactly-90"),
        pytest.param(Thresholds(90, 60), 3, 2, SIGNIFICANT_GAPS, id="90/60-at-exactly-60"),
        pytest.param(Thresholds(90, 60), 1, 1, INADEQUATE, id="90/60-at-50"),
        pytest.param(Thresholds(70, 40), 7, 3, ADEQUATE, id="70/40-at-exactly-70"),
        pytest.param(Thresholds(70, 40), 2, 3, SIGNIFICANT_GAPS, id="70/40-at-exactly-40"),
        pytest.param(Thresholds(70, 40), 39, 61, INADEQUATE, id="70/40-at-39"),
        pytest.param(Thresholds(100, 0), 99, 1, SIGNIFICANT_GAPS, id="100/0-at-99"),
    ],
)
def test_verdict_with_a_frameworks_own_thresholds(thresholds, met_weight, not_met_weight, verdict):
    criteria, statuses = met_and_not_met(met_weight, not_met_weight)
    assert assess(criteria, statuses, thresholds).verdict == verdict


@pytest.mark.parametrize(
    ("adequate", "significant_gaps", "valid"),
    [
        pytest.param(80, 50, True, id="defaults"),
        pytest.param(100, 0, True, id="widest"),
        pytest.param(51, 50, True, id="one-apart"),
        pytest.param(50, 50, False, id="equal"),
        pytest.param(50, 80, False, id="swapped"),
        pytest.param(101, 50, False, id="adequate-above-100"),
        pytest.param(80, -1, False, id="significant-below-0"),
        pytest.param(80.5, 50, False, id="float"),
        pytest.param("80", 50, False, id="string"),
        pytest.param(True, False, False, id="bools"),
    ],
)
def test_thresholds_valid(adequate, significant_gaps, valid):
    assert thresholds_valid(adequate, significant_gaps) is valid


def test_invalid_thresholds_cannot_be_built():
    with pytest.raises(ValueError, match="significant_gaps < adequate"):
        Thresholds(adequate=50, significant_gaps=80)


def test_default_thresholds_are_80_and_50():
    assert (Thresholds().adequate, Thresholds().significant_gaps) == (80, 50)


# --- gaps --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("criteria", "statuses", "gaps"),
    [
        pytest.param(
            [crit("C", severity="critical"), crit("RL", severity="low", red_line=True)],
            {"C": NOT_MET, "RL": PARTIAL},
            ("RL", "C"),
            id="red-line-breach-before-severity",
        ),
        pytest.param(
            [
                crit("L", severity="low"),
                crit("M", severity="medium"),
                crit("H", severity="high"),
                crit("C", severity="critical"),
            ],
            {"L": NOT_MET, "M": NOT_MET, "H": NOT_MET, "C": NOT_MET},
            ("C", "H", "M", "L"),
            id="severity-critical-first",
        ),
        pytest.param(
            [
                crit("Q1", severity="high", weight=1),
                crit("Q2", severity="low", weight=9),
            ],
            {"Q1": PARTIAL, "Q2": NOT_MET},
            ("Q1", "Q2"),
            id="severity-not-own-weight-orders",
        ),
        pytest.param(
            [crit("NA"), crit("P"), crit("U"), crit("N")],
            {"P": PARTIAL, "U": UNDISCLOSED, "N": NOT_MET},
            ("N", "U", "P", "NA"),
            id="status-not_met-undisclosed-partial-not_assessed",
        ),
        pytest.param(
            [crit("X3"), crit("X1"), crit("X2")],
            {"X3": UNDISCLOSED, "X1": UNDISCLOSED, "X2": UNDISCLOSED},
            ("X3", "X1", "X2"),
            id="framework-order-breaks-ties",
        ),
        pytest.param(
            [crit("OK"), crit("NA"), crit("P")],
            {"OK": MET, "NA": NOT_APPLICABLE, "P": PARTIAL},
            ("P",),
            id="met-and-not-applicable-are-not-gaps",
        ),
        pytest.param(
            [
                crit("low-partial", severity="low"),
                crit("crit-undisclosed", severity="critical"),
                crit("rl-low-partial", severity="low", red_line=True),
                crit("crit-not-met", severity="critical"),
                crit("rl-crit-undisclosed", severity="critical", red_line=True),
                crit("low-partial-2", severity="low"),
                crit("rl-met", severity="critical", red_line=True),
            ],
            {
                "low-partial": PARTIAL,
                "crit-undisclosed": UNDISCLOSED,
                "rl-low-partial": PARTIAL,
                "crit-not-met": NOT_MET,
                "rl-crit-undisclosed": UNDISCLOSED,
                "low-partial-2": PARTIAL,
                "rl-met": MET,
            },
            (
                "rl-crit-undisclosed",
                "rl-low-partial",
                "crit-not-met",
                "crit-undisclosed",
                "low-partial",
                "low-partial-2",
            ),
            id="all-four-keys-together",
        ),
    ],
)
def test_gap_order(criteria, statuses, gaps):
    assert assess(criteria, statuses).gaps == gaps


# --- disclosure and counts ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("statuses", "rate"),
    [
        pytest.param({"A": MET, "B": MET, "C": MET, "D": MET}, Fraction(1), id="all-disclosed"),
        pytest.param(
            {"A": UNDISCLOSED, "B": MET, "C": NOT_MET, "D": PARTIAL},
            Fraction(3, 4),
            id="one-of-four-undisclosed",
        ),
        pytest.param(
            {"A": UNDISCLOSED, "B": NOT_APPLICABLE, "C": MET, "D": NOT_APPLICABLE},
            Fraction(1, 2),
            id="not-applicable-out-of-denominator",
        ),
        pytest.param(
            {"A": UNDISCLOSED, "B": UNDISCLOSED, "C": UNDISCLOSED, "D": UNDISCLOSED},
            Fraction(0),
            id="nothing-disclosed",
        ),
        pytest.param(
            {"A": UNDISCLOSED, "B": MET}, Fraction(1, 2), id="over-assessed-criteria-only"
        ),
        pytest.param({"A": UNDISCLOSED}, Fraction(0), id="not-assessed-left-out"),
        pytest.param({}, None, id="nothing-assessed-no-rate"),
    ],
)
def test_disclosure_rate(statuses, rate):
    criteria = [crit(code) for code in "ABCD"]
    assert assess(criteria, statuses).disclosure_rate == rate


def test_counts_cover_every_status_in_order_including_zeros():
    criteria = [crit("A"), crit("B"), crit("C")]
    result = assess(criteria, {"A": MET, "B": MET, "C": UNDISCLOSED})
    assert result.counts == (
        (MET, 2),
        (PARTIAL, 0),
        (NOT_MET, 0),
        (UNDISCLOSED, 1),
        (NOT_APPLICABLE, 0),
        (NOT_ASSESSED, 0),
    )
    assert result.counts_dict() == {
        "met": 2,
        "partial": 0,
        "not_met": 0,
        "undisclosed": 1,
        "not_applicable": 0,
        "not_assessed": 0,
    }


def test_missing_code_counts_as_not_assessed():
    criteria = [crit("A1", severity="high"), crit("A2", severity="high", red_line=True)]
    result = assess(criteria, {"A1": MET})
    assert result.counts_dict()[NOT_ASSESSED] == 1
    assert result.category("A").answered == 1
    assert result.category("A").applicable == 2
    assert result.overall == 50
    assert result.red_line_not_demonstrated == ("A2",)
    assert assess(criteria, {"A1": MET}, method=1).red_line_breaches == ("A2",)
    assert result.gaps == ("A2",)


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("criteria", "statuses", "message"),
    [
        pytest.param([crit("A1")], {"A1": "done"}, "A1: unknown status", id="unknown-status"),
        pytest.param(
            [crit("A1", severity="urgent")], {"A1": MET}, "A1: unknown severity", id="severity"
        ),
        pytest.param(
            [crit("A1", severity="urgent")], {}, "A1: unknown severity", id="severity-unanswered"
        ),
        pytest.param(
            [crit("A1", weight=0)], {"A1": MET}, "A1: weight must be", id="zero-own-weight"
        ),
        pytest.param([crit("A1"), crit("A1")], {}, "duplicate criterion codes", id="duplicate"),
        pytest.param([crit("A1")], {"B7": MET}, "not in the criteria", id="foreign-code"),
    ],
)
def test_assess_rejects_bad_input(criteria, statuses, message):
    with pytest.raises(ValueError, match=message):
        assess(criteria, statuses)


@pytest.mark.parametrize("method", [0, 3, True, "2", None])
def test_assess_rejects_an_unknown_method(method):
    with pytest.raises(ValueError, match="unknown scoring method"):
        assess([crit("A1")], {"A1": MET}, method=method)


def test_results_are_frozen():
    result = assess([crit("A1")], {"A1": MET})
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.overall = Fraction(0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.categories[0].score = Fraction(0)


def test_default_weights_cover_every_severity():
    assert set(DEFAULT_WEIGHTS) == set(SEVERITIES)
    assert [DEFAULT_WEIGHTS[s] for s in SEVERITIES] == [4, 3, 2, 1]
