"""Our coefficients against published worked examples, and their undefined cases."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.domain.agreement_metrics import (
    MISSING,
    NEEDS_PAIRS,
    bootstrap_alpha,
    cohen_kappa,
    fleiss_kappa,
    kappa_from_confusion,
    krippendorff_alpha,
    percent_agreement,
    value_counts,
)

_ = MISSING
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", nominal example:
# 4 observers x 12 units, values 1..5, '.' = missing. Published alpha = 0.743.
KRIPPENDORFF_EXAMPLE = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
]

# Fleiss' kappa example of the Wikipedia article: 10 subjects, 14 raters, 5 categories.
FLEISS_EXAMPLE = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def _krippendorff_codes() -> np.ndarray:
    data = np.array(KRIPPENDORFF_EXAMPLE, dtype=np.int64).T
    return np.where(data == MISSING, MISSING, data - 1)


def test_krippendorff_worked_example_nominal_alpha_is_0_743() -> None:
    counts = value_counts(_krippendorff_codes(), 5)
    alpha = krippendorff_alpha(counts)
    assert alpha.value is not None
    assert round(alpha.value, 3) == 0.743
    # Exact value from the coincidence matrix: 1 - (n-1) * D_o / D_e with n = 40.
    assert alpha.value == pytest.approx(0.743421052631579, abs=1e-12)


def test_wikipedia_fleiss_example_is_0_210() -> None:
    kappa = fleiss_kappa(np.array(FLEISS_EXAMPLE), 14)
    assert kappa.value is not None
    assert round(kappa.value, 3) == 0.210
    assert kappa.value == pytest.approx(0.20993070442195522, abs=1e-12)


def test_cohen_textbook_table_kappa_is_0_4() -> None:
    # 50 grant proposals, two readers: yes/yes 20, yes/no 5, no/yes 10, no/no 15.
    # p_o = 0.70, p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.50, kappa = 0.40.
    table = np.array([[20, 5], [10, 15]])
    assert kappa_from_confusion(table).value == pytest.approx(0.4, abs=1e-12)
    a = np.repeat([0, 0, 1, 1], [20, 5, 10, 15])
    b = np.repeat([0, 1, 0, 1], [20, 5, 10, 15])
    assert cohen_kappa(a, b, 2).value == pytest.approx(0.4, abs=1e-12)


def test_bootstrap_interval_is_seeded_and_brackets_the_estimate() -> None:
    counts = value_counts(_krippendorff_codes(), 5)
    first = bootstrap_alpha(counts, resamples=500, seed=7)
    again = bootstrap_alpha(counts, resamples=500, seed=7)
    other = bootstrap_alpha(counts, resamples=500, seed=8)
    assert first == again
    assert first.bounds is not None and other.bounds is not None
    assert first.bounds != other.bounds
    lo, hi = first.bounds
    assert lo < 0.743 <= hi <= 1.0
    assert first.resamples == 500


def test_percent_agreement_is_mean_share_of_agreeing_pairs() -> None:
    codes = np.array([[0, 0, 0], [0, 0, 1], [1, MISSING, 1], [2, MISSING, MISSING]])
    # unit shares: 3/3, 1/3, 1/1; the single-label unit is not pairable.
    assert percent_agreement(value_counts(codes, 3)).value == pytest.approx((1 + 1 / 3 + 1) / 3)


def test_no_overlap_gives_none_with_reason_not_zero() -> None:
    codes = np.array([[0, MISSING], [MISSING, 1], [2, MISSING]])
    counts = value_counts(codes, 4)
    for metric in (krippendorff_alpha(counts), percent_agreement(counts)):
        assert metric.value is None and metric.reason == NEEDS_PAIRS
    assert bootstrap_alpha(counts).bounds is None
    kappa = cohen_kappa(codes[:, 0], codes[:, 1], 4)
    assert kappa.value is None and kappa.reason == "no sentence labeled by both"
    fleiss = fleiss_kappa(counts, 2)
    assert fleiss.value is None and fleiss.reason == "no sentence was labeled by all 2 reviewers"


def test_no_variation_gives_none_with_reason() -> None:
    codes = np.array([[1, 1], [1, 1], [1, MISSING]])
    counts = value_counts(codes, 4)
    names = ("verified", "disputed", "unsourced", "not_a_claim")
    expected = "no variation: every label is 'disputed'"
    assert krippendorff_alpha(counts, names).reason == expected
    assert fleiss_kappa(counts, 2, names).reason == expected
    assert cohen_kappa(codes[:, 0], codes[:, 1], 4, names).reason == expected
    assert bootstrap_alpha(counts, names=names).reason == expected
    assert percent_agreement(counts).value == 1.0


def test_single_reviewer_fleiss_is_undefined() -> None:
    counts = value_counts(np.array([[0], [1]]), 2)
    assert fleiss_kappa(counts, 1).reason == "needs at least two reviewers"
