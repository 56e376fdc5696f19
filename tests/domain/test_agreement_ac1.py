"""Gwet's AC1 against published worked examples, beside kappa and alpha, and its edge cases.

Sources of the figures:

- Gwet, K.L. (2014). *Handbook of Inter-Rater Reliability*, 4th ed., Advanced Analytics:
  the 4 raters x 12 subjects x 5 categories example with missing ratings (p. 120; the same
  data as Krippendorff's reliability example), the 2-abstractor x 100 pregnancies 3 x 3 table
  and 15 units of the 5-observer table of p. 125. Figures as Gwet's own R package irrCAC
  (``gwet.ac1.raw`` / ``gwet.ac1.table``, which ships these data sets) and its Python port
  report them, to 3 decimals:
  4 raters p_a 0.818, p_e 0.190, AC1 0.775 (Fleiss-type p_a 0.818 too; Krippendorff's alpha
  0.743); 3 x 3 table AC1 0.849 beside Cohen's kappa 0.796; 5 observers p_a 0.616,
  p_e 0.236, AC1 0.497.
- irrCAC's example data sets (documented there): Ben and Gerry, 2 raters x 12 units with one
  rating missing, p_a 0.727, p_e 0.194, AC1 0.661; 4 raters x 15 subjects x 3 categories
  ("gender"), AC1 0.208; the 223 patients 4 x 4 diagnosis table, AC1 0.456 beside Cohen's
  kappa 0.432.
- Gwet (2008), Br J Math Stat Psychol 61:29-48, defines AC1 = (p_a - p_e) / (1 - p_e) with
  p_e = sum_k pi_k (1 - pi_k) / (q - 1); Wongpakaran et al. (2013), BMC Med Res Methodol
  13:61, report the same pattern on personality-disorder ratings: where a diagnosis is rare,
  kappa falls toward 0 while AC1 stays near percent agreement (mean schizoid kappa 0.726,
  AC1 0.853).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from tests.domain.test_agreement_report import ROWS, _frame
from workbench.domain.agreement import agreement_report, matrix_from_frame
from workbench.domain.agreement_metrics import (
    MISSING,
    NEEDS_PAIRS,
    IntArray,
    ac1_from_confusion,
    confusion,
    group_table,
    grouped_ac1,
    gwet_ac1,
    kappa_from_confusion,
    krippendorff_alpha,
    percent_agreement,
    profiles,
    value_counts,
)

_ = None
# Gwet (2014), p. 120: columns are raters 1-4, rows subjects 1-12, categories 1..5.
GWET_4_RATERS = [
    [1, 1, _, 1],
    [2, 2, 3, 2],
    [3, 3, 3, 3],
    [3, 3, 3, 3],
    [2, 2, 2, 2],
    [1, 2, 3, 4],
    [4, 4, 4, 4],
    [1, 1, 2, 1],
    [2, 2, 2, 2],
    [_, 5, 5, 5],
    [_, _, 1, 1],
    [_, _, 3, _],
]
# Gwet (2014), p. 125 (the irrCAC excerpt): 5 observers, 15 units, scores 0..3.
GWET_5_OBSERVERS = [
    [1, 1, 2, _, 2],
    [1, 1, 0, 1, _],
    [2, 3, 3, 3, _],
    [_, 0, 0, _, 0],
    [0, 0, 0, _, 0],
    [0, 0, 0, _, 0],
    [1, 0, 2, _, 1],
    [1, _, 2, 0, _],
    [2, 2, 2, _, 2],
    [2, 1, 1, 1, _],
    [_, 1, 0, 0, _],
    [0, 0, 0, 0, _],
    [1, 2, 2, 2, _],
    [3, 3, 2, 2, 3],
    [1, 1, 1, _, 1],
]
BEN = "a a b b d c c c e d d a".split()
GERRY = ["b", "a", "b", "b", "b", "c", "c", "c", "e", None, "d", "d"]
GENDER = [
    "a a a a a b b b c a a a a a b".split(),
    "a a a a b a b c c a a a a b a".split(),
    "a b b c a a b b c a b b c a a".split(),
    "c c c c a a b b c c c c c a a".split(),
]
# Gwet (2014): abstractor 1 (rows) x abstractor 2 (columns), Ectopic / AIU / NIU.
ABSTRACTORS = np.array([[13, 0, 0], [0, 20, 7], [0, 4, 56]])
# irrCAC ``cont4x4diagnosis``: research (rows) x clinical (columns) diagnosis of 223 patients.
DIAGNOSIS = np.array([[40, 4, 4, 17], [6, 25, 2, 13], [4, 1, 21, 12], [15, 5, 9, 45]])


def _codes(rows: Sequence[Sequence[object]], categories: Sequence[object]) -> IntArray:
    """Units x raters codes 0..q-1 (MISSING for None) of a table of raw ratings."""
    return np.array(
        [[MISSING if v is None else categories.index(v) for v in row] for row in rows],
        dtype=np.int64,
    )


def test_gwet_handbook_four_raters_with_missing_ratings() -> None:
    counts = value_counts(_codes(GWET_4_RATERS, [1, 2, 3, 4, 5]), 5)
    ac1 = gwet_ac1(counts)
    assert ac1.value is not None and round(ac1.value, 3) == 0.775
    p_a = percent_agreement(counts).value
    assert p_a is not None and round(p_a, 3) == 0.818
    assert round((p_a - ac1.value) / (1 - ac1.value), 3) == 0.190  # p_e
    # Subject 12 has one rating: it counts toward pi_k (all 12 subjects), not toward p_a;
    # leaving it out of pi_k would not give the published 0.775. The value to 12 digits:
    assert ac1.value == pytest.approx(0.775444068127, abs=1e-12)
    alpha = krippendorff_alpha(counts).value  # the same data, alpha 0.743 as published
    assert alpha is not None and round(alpha, 3) == 0.743


def test_gwet_handbook_five_observers() -> None:
    counts = value_counts(_codes(GWET_5_OBSERVERS, [0, 1, 2, 3]), 4)
    ac1 = gwet_ac1(counts).value
    p_a = percent_agreement(counts).value
    assert ac1 is not None and p_a is not None
    assert (round(p_a, 3), round((p_a - ac1) / (1 - ac1), 3), round(ac1, 3)) == (
        0.616,
        0.236,
        0.497,
    )


def test_irrcac_two_raters_with_a_missing_rating_and_four_raters_three_categories() -> None:
    codes = _codes(list(zip(BEN, GERRY, strict=True)), list("abcde"))
    counts = value_counts(codes, 5)
    ac1 = gwet_ac1(counts).value
    assert ac1 is not None
    assert round(ac1, 3) == 0.661
    p_a = percent_agreement(counts).value
    assert p_a is not None and round(p_a, 3) == 0.727
    assert round((p_a - ac1) / (1 - ac1), 3) == 0.194
    # The published 0.661 counts unit 10 (Ben's lone 'd') in pi_k. The pairwise figure, like
    # Cohen's kappa, uses only the 11 units both rated: 0.66154, which rounds to 0.662.
    pair = ac1_from_confusion(confusion(codes[:, 0], codes[:, 1], 5)).value
    assert pair is not None and round(pair, 3) == 0.662
    gender = value_counts(_codes(list(zip(*GENDER, strict=True)), list("abc")), 3)
    value = gwet_ac1(gender).value
    assert value is not None and round(value, 3) == 0.208


def test_two_rater_tables_ac1_beside_cohen_kappa() -> None:
    ac1, kappa = ac1_from_confusion(ABSTRACTORS).value, kappa_from_confusion(ABSTRACTORS).value
    assert ac1 is not None and kappa is not None
    assert (round(ac1, 3), round(kappa, 3)) == (0.849, 0.796)
    ac1, kappa = ac1_from_confusion(DIAGNOSIS).value, kappa_from_confusion(DIAGNOSIS).value
    assert ac1 is not None and kappa is not None
    assert (round(ac1, 3), round(kappa, 3)) == (0.456, 0.432)


def test_multi_rater_form_equals_the_two_rater_table_when_nothing_is_missing() -> None:
    a = np.repeat([0, 1, 1, 2, 2], [13, 20, 7, 4, 56])
    b = np.repeat([0, 1, 2, 1, 2], [13, 20, 7, 4, 56])
    codes = np.stack([a, b], axis=1)
    assert (confusion(a, b, 3) == ABSTRACTORS).all()
    multi = gwet_ac1(value_counts(codes, 3)).value
    assert multi == pytest.approx(ac1_from_confusion(ABSTRACTORS).value, abs=1e-12)
    # The same from weighted count profiles (what the database aggregates give).
    found, freq, _ = profiles(codes, 3)
    assert gwet_ac1(found, freq).value == pytest.approx(multi, abs=1e-12)


def test_kappa_paradox_skewed_labels() -> None:
    # 100 sentences, two reviewers: both say verified on 90, each says disputed alone on 5.
    # p_o = 0.90. Kappa: p_e = 0.95^2 + 0.05^2 = 0.905, kappa = -0.005 / 0.095 = -0.0526.
    # AC1: pi = (0.95, 0.05), p_e = 2 * 0.95 * 0.05 / 1 = 0.095, AC1 = 0.805 / 0.905 = 0.8895.
    table = np.array([[90, 5], [5, 0]])
    assert kappa_from_confusion(table).value == pytest.approx(-0.005 / 0.095)
    assert ac1_from_confusion(table).value == pytest.approx(0.805 / 0.905)
    a = np.repeat([0, 0, 1], [90, 5, 5])
    b = np.repeat([0, 1, 0], [90, 5, 5])
    counts = value_counts(np.stack([a, b], axis=1), 2)
    alpha = krippendorff_alpha(counts).value
    assert alpha is not None and alpha < 0  # alpha agrees with kappa here, not with AC1
    assert gwet_ac1(counts).value == pytest.approx(0.805 / 0.905)


def test_one_category_only_is_perfect_agreement_not_undefined() -> None:
    # Every label is 'disputed': alpha and kappa are 0/0 (undefined, with a reason); AC1's
    # chance term is 0 (pi = (0, 1, 0, 0)), so AC1 = p_a = 1.
    codes = np.array([[1, 1], [1, 1], [1, MISSING]])
    counts = value_counts(codes, 4)
    assert krippendorff_alpha(counts).value is None
    assert kappa_from_confusion(confusion(codes[:, 0], codes[:, 1], 4)).value is None
    assert gwet_ac1(counts).value == 1.0
    assert ac1_from_confusion(confusion(codes[:, 0], codes[:, 1], 4)).value == 1.0
    # A scale of a single category leaves nothing to be chance-corrected against.
    single = gwet_ac1(np.array([[2], [3]]))
    assert single.value is None and single.reason == "needs at least two categories"


def test_a_single_rater_per_sentence_is_undefined_with_reason() -> None:
    codes = np.array([[0, MISSING], [MISSING, 1], [2, MISSING]])
    counts = value_counts(codes, 4)
    metric = gwet_ac1(counts)
    assert metric.value is None and metric.reason == NEEDS_PAIRS
    pair = ac1_from_confusion(confusion(codes[:, 0], codes[:, 1], 4))
    assert pair.value is None and pair.reason == "no sentence labeled by both"
    empty = gwet_ac1(np.zeros((0, 4), dtype=np.int64))
    assert empty.value is None and empty.reason == NEEDS_PAIRS


def test_grouped_ac1_equals_ac1_of_each_group() -> None:
    rng = np.random.default_rng(11)
    codes = rng.integers(-1, 4, size=(400, 4))
    groups = rng.integers(0, 7, size=400)
    found, _, inverse = profiles(codes, 4)
    table = group_table(inverse, groups, 8, found.shape[0])  # group 7 has no sentence
    values = grouped_ac1(found, table)
    for g in range(7):
        expected = gwet_ac1(value_counts(codes[groups == g], 4)).value
        assert values[g] == pytest.approx(expected, abs=1e-12)
    assert np.isnan(values[7])


def test_report_has_ac1_overall_per_article_and_in_both_splits() -> None:
    report = agreement_report(matrix_from_frame(_frame(ROWS)), resamples=50)
    # Five labeled sentences: (v,v) (d,u) (n,v) (n,n) and cy's lone v; p_a = 0.5.
    # pi = (2.5, 0.5, 0.5, 1.5) / 5; p_e = 0.64 / 3.
    assert report["gwet_ac1"] == pytest.approx((0.5 - 0.64 / 3) / (1 - 0.64 / 3))
    # Claim detection: p_a = 0.75, pi_claim = 3.5 / 5, p_e = 2 * 0.7 * 0.3 = 0.42.
    assert report["claim_detection"]["gwet_ac1"] == pytest.approx(0.33 / 0.58)
    # Verdict (not_a_claim is missing): p_a = 0.5 over (v,v) (d,u); pi over the 4 sentences
    # with a verdict = (0.75, 0.125, 0.125), p_e = 0.40625 / 2.
    p_e = 0.40625 / 2
    assert report["verdict"]["gwet_ac1"] == pytest.approx((0.5 - p_e) / (1 - p_e))
    assert report["pairwise_gwet_ac1"]["ana|cy"] is None
    assert report["reasons"]["pairwise_gwet_ac1:ana|cy"] == (
        "no sentence labeled by both ana and cy"
    )
    # ana|ben on their 4 shared sentences: p_a 0.5, pi = (3, 1, 1, 3) / 8.
    p_e = (2 * (3 / 8) * (5 / 8) + 2 * (1 / 8) * (7 / 8)) / 3
    assert report["pairwise_gwet_ac1"]["ana|ben"] == pytest.approx((0.5 - p_e) / (1 - p_e))
    a2 = report["per_article"]["a2"]
    assert a2["krippendorff_alpha"] is None and a2["gwet_ac1"] == 1.0
    assert "gwet_ac1" not in a2["reasons"]
