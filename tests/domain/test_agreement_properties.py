"""Property tests: our coefficients equal reference implementations on random data with gaps."""

from __future__ import annotations

import warnings

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from workbench.domain.agreement_metrics import (
    MISSING,
    cohen_kappa,
    fleiss_kappa,
    group_table,
    grouped_alpha,
    jackknife_intervals,
    krippendorff_alpha,
    percent_agreement,
    profiles,
    value_counts,
)

N_VALUES = 4


@st.composite
def code_matrices(draw: st.DrawFn) -> np.ndarray:
    """(units x reviewers) codes in -1..3, -1 meaning missing."""
    units = draw(st.integers(1, 40))
    reviewers = draw(st.integers(2, 6))
    return draw(arrays(np.int64, (units, reviewers), elements=st.integers(MISSING, N_VALUES - 1)))


@settings(max_examples=100, deadline=None)
@given(code_matrices())
def test_alpha_matches_krippendorff_package(codes: np.ndarray) -> None:
    counts = value_counts(codes, N_VALUES)
    ours = krippendorff_alpha(counts)
    pairable = counts.sum(axis=1) >= 2
    values = counts[pairable].sum(axis=0)
    if not pairable.any() or (values > 0).sum() < 2:
        assert ours.value is None and ours.reason
        return
    reliability = np.where(codes == MISSING, np.nan, codes).T.astype(float)
    reference = krippendorff.alpha(
        reliability_data=reliability,
        level_of_measurement="nominal",
        value_domain=list(range(N_VALUES)),
    )
    assert ours.value == pytest.approx(reference, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(code_matrices())
def test_fleiss_matches_statsmodels_on_complete_units(codes: np.ndarray) -> None:
    raters = codes.shape[1]
    counts = value_counts(codes, N_VALUES)
    full = counts[counts.sum(axis=1) == raters]
    ours = fleiss_kappa(counts, raters)
    if full.shape[0] == 0 or (full.sum(axis=0) > 0).sum() < 2:
        assert ours.value is None and ours.reason
        return
    assert ours.value == pytest.approx(sm_fleiss_kappa(full), abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(code_matrices())
def test_pairwise_cohen_matches_scikit_learn(codes: np.ndarray) -> None:
    a, b = codes[:, 0], codes[:, 1]
    both = (a >= 0) & (b >= 0)
    ours = cohen_kappa(a, b, N_VALUES)
    if not both.any():
        assert ours.reason == "no sentence labeled by both"
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = cohen_kappa_score(a[both], b[both], labels=list(range(N_VALUES)))
    if np.isnan(reference):
        assert ours.value is None and ours.reason and ours.reason.startswith("no variation")
    else:
        assert ours.value == pytest.approx(reference, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(code_matrices())
def test_profiles_reproduce_every_row_and_weighted_alpha(codes: np.ndarray) -> None:
    found, freq, inverse = profiles(codes, N_VALUES)
    counts = value_counts(codes, N_VALUES)
    assert (found[inverse] == counts).all()
    assert freq.sum() == codes.shape[0]
    assert len({tuple(row) for row in found}) == found.shape[0]
    weighted, plain = krippendorff_alpha(found, weights=freq), krippendorff_alpha(counts)
    assert weighted.reason == plain.reason
    if plain.value is not None:
        assert weighted.value == pytest.approx(plain.value, abs=1e-12)
    assert percent_agreement(found, freq).value == pytest.approx(
        percent_agreement(counts).value, abs=1e-12
    )


@settings(max_examples=50, deadline=None)
@given(code_matrices(), st.integers(1, 4), st.randoms(use_true_random=False))
def test_grouped_alpha_and_jackknife_per_group(codes: np.ndarray, n_groups: int, rnd) -> None:  # type: ignore[no-untyped-def]
    groups = np.array([rnd.randrange(n_groups) for _ in range(codes.shape[0])], dtype=np.int64)
    found, _, inverse = profiles(codes, N_VALUES)
    table = group_table(inverse, groups, n_groups, found.shape[0])
    alphas, units = grouped_alpha(found, table)
    intervals = jackknife_intervals(found, table)
    counts = value_counts(codes, N_VALUES)
    for g in range(n_groups):
        mine = counts[(groups == g) & (counts.sum(axis=1) >= 2)]
        assert units[g] == mine.shape[0]
        single = krippendorff_alpha(mine)
        if single.value is None:
            assert np.isnan(alphas[g]) and intervals[g].bounds is None
            continue
        assert alphas[g] == pytest.approx(single.value, abs=1e-9)
        # brute-force leave-one-sentence-out jackknife
        left = [krippendorff_alpha(np.delete(mine, u, axis=0)).value for u in range(len(mine))]
        if len(mine) < 2 or any(v is None for v in left):
            assert intervals[g].bounds is None and intervals[g].reason
            continue
        values = np.array(left, dtype=float)
        se = np.sqrt((len(values) - 1) / len(values) * ((values - values.mean()) ** 2).sum())
        lo, hi = intervals[g].bounds or (np.nan, np.nan)
        assert lo == pytest.approx(max(-1.0, single.value - 1.959963984540054 * se), abs=1e-9)
        assert hi == pytest.approx(min(1.0, single.value + 1.959963984540054 * se), abs=1e-9)
