"""Nominal agreement coefficients, vectorised with numpy.

A code matrix holds one row per sentence and one column per reviewer; each cell is the index of
the label given (0..V-1) or ``MISSING`` (-1). Most coefficients only need each sentence's label
counts, so they take a (rows, V) count matrix plus optional row ``weights``: either one row per
sentence, or the few distinct count rows ("profiles") with how many sentences have each. With
5 reviewers and 4 labels there are at most 126 profiles, whatever the number of sentences.
Every coefficient returns a ``Metric``: a value, or ``None`` with the reason it is undefined.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

MISSING = -1
NEEDS_PAIRS = "needs two reviewers on the same sentence"

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Metric:
    """A coefficient's value, or None together with the reason it is undefined."""

    value: float | None
    reason: str | None = None

    @classmethod
    def undefined(cls, reason: str) -> Metric:
        """A missing value with its reason."""
        return cls(None, reason)


@dataclass(frozen=True, slots=True)
class Interval:
    """A 95% confidence interval, or None with the reason it is undefined."""

    bounds: tuple[float, float] | None
    reason: str | None = None
    resamples: int = 0


def value_counts(codes: npt.ArrayLike, n_values: int) -> IntArray:
    """(units, values): how many reviewers gave each value to each unit."""
    matrix = np.asarray(codes)
    if matrix.ndim == 1:
        matrix = matrix[:, np.newaxis]
    counts = np.zeros((matrix.shape[0], n_values), dtype=np.int64)
    for column in matrix.T:
        counts += column[:, np.newaxis] == np.arange(n_values)
    return counts


def _counted(values: IntArray, weights: IntArray | None, minlength: int = 0) -> IntArray:
    """``np.bincount`` of ``values``, each occurrence counted ``weights`` times (exact ints)."""
    if weights is None:
        return np.bincount(values, minlength=minlength).astype(np.int64)
    # Float sums of integer weights stay exact below 2**53.
    return np.rint(np.bincount(values, weights=weights, minlength=minlength)).astype(np.int64)


def profiles(
    codes: IntArray, n_values: int, weights: IntArray | None = None
) -> tuple[IntArray, IntArray, IntArray]:
    """Distinct count rows of a code matrix: (profiles K x V, frequency K, row -> profile N).

    ``weights`` counts each row that many times (rows standing for several sentences).
    """
    base = codes.shape[1] + 1
    if base**n_values > 1 << 22:  # too many reviewers to encode counts as digits
        found, inverse = np.unique(value_counts(codes, n_values), axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        freq = _counted(inverse, weights, found.shape[0])
        return found.astype(np.int64), freq, inverse
    digits = base ** np.arange(n_values, dtype=np.int64)
    keys = np.append(digits, 0)[codes].sum(axis=1)  # MISSING (-1) picks the trailing 0
    freq = _counted(keys, weights, base**n_values)
    present = np.flatnonzero(freq)
    index_of = np.zeros(freq.size, dtype=np.int64)
    index_of[present] = np.arange(present.size)
    found = (present[:, np.newaxis] // digits) % base
    return found.astype(np.int64), freq[present].astype(np.int64), index_of[keys]


def _weights(counts: IntArray, weights: npt.ArrayLike | None) -> FloatArray:
    if weights is None:
        return np.ones(counts.shape[0], dtype=np.float64)
    return np.asarray(weights, dtype=np.float64)


def agreeing_pairs(counts: IntArray) -> FloatArray:
    """Per row: sum over values of c(c-1)/(m-1), the row's diagonal coincidences (0 if m < 2)."""
    m = counts.sum(axis=1)
    safe = np.where(m >= 2, m - 1, 1)
    return np.where(m >= 2, (counts * (counts - 1)).sum(axis=1) / safe, 0.0)


def no_variation(n_v: npt.NDArray[np.generic], names: Sequence[str] | None) -> str:
    """The reason a coefficient is undefined when only one value was ever used."""
    only = int(np.argmax(n_v))
    name = repr(names[only]) if names is not None and only < len(names) else f"value {only}"
    return f"no variation: every label is {name}"


def alpha_from_sums(n_v: npt.ArrayLike, agree: npt.ArrayLike) -> FloatArray:
    """Nominal alpha from summed value totals (..., V) and agreeing pairs; NaN if undefined."""
    n_values = np.asarray(n_v, dtype=np.float64)
    n = n_values.sum(axis=-1)
    expected = n * n - (n_values * n_values).sum(axis=-1)
    observed = n - np.asarray(agree, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1.0 - (n - 1.0) * observed / expected
    return np.asarray(np.where((n >= 2) & (expected > 0), alpha, np.nan), dtype=np.float64)


def _pairable_sums(counts: IntArray, w: FloatArray) -> tuple[FloatArray, float]:
    keep = w * (counts.sum(axis=1) >= 2)
    return keep @ counts, float(keep @ agreeing_pairs(counts))


def krippendorff_alpha(
    counts: IntArray, names: Sequence[str] | None = None, weights: npt.ArrayLike | None = None
) -> Metric:
    """Krippendorff's alpha (nominal) from (weighted) label-count rows."""
    n_v, agree = _pairable_sums(counts, _weights(counts, weights))
    if n_v.sum() < 2:
        return Metric.undefined(NEEDS_PAIRS)
    value = float(alpha_from_sums(n_v, agree))
    if np.isnan(value):
        return Metric.undefined(no_variation(n_v, names))
    return Metric(value)


def bootstrap_alpha(
    counts: IntArray,
    *,
    resamples: int = 1000,
    seed: int = 0,
    names: Sequence[str] | None = None,
    weights: npt.ArrayLike | None = None,
) -> Interval:
    """95% percentile interval of alpha, resampling sentences with replacement (seeded).

    Sentences with the same label counts are interchangeable, so one resample is a multinomial
    draw over the distinct count rows: exact, and independent of the number of sentences.
    """
    point = krippendorff_alpha(counts, names, weights)
    if point.value is None:
        return Interval(None, point.reason)
    if weights is None:
        found, freq, _ = _distinct_rows(counts)
    else:
        found, freq = counts, _weights(counts, weights).astype(np.int64)
    keep = (found.sum(axis=1) >= 2) & (freq > 0)
    found, freq = found[keep], freq[keep]
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(int(freq.sum()), freq / freq.sum(), size=resamples)
    alphas = alpha_from_sums(draws @ found, draws @ agreeing_pairs(found))
    finite = alphas[np.isfinite(alphas)]
    if finite.size < max(1, resamples // 2):
        return Interval(None, "too few resamples with variation to form an interval")
    lo, hi = np.percentile(finite, [2.5, 97.5])
    return Interval((float(lo), float(hi)), None, resamples)


def _distinct_rows(counts: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    found, inverse, freq = np.unique(counts, axis=0, return_inverse=True, return_counts=True)
    return found.astype(np.int64), freq.astype(np.int64), inverse.reshape(-1)


def group_table(inverse: IntArray, groups: IntArray, n_groups: int, n_rows: int) -> IntArray:
    """(groups x profiles): how many sentences of each group have each count profile."""
    flat = np.bincount(groups * n_rows + inverse, minlength=n_groups * n_rows)
    return flat.reshape(n_groups, n_rows).astype(np.int64)


def grouped_alpha(found: IntArray, table: IntArray) -> tuple[FloatArray, IntArray]:
    """Alpha per group (NaN where undefined) and pairable sentences per group."""
    pairable = found.sum(axis=1) >= 2
    weights = table * pairable
    alphas = alpha_from_sums(weights @ found, weights @ agreeing_pairs(found))
    return alphas, weights.sum(axis=1)


def jackknife_intervals(found: IntArray, table: IntArray) -> list[Interval]:
    """Per group: alpha +- 1.96 leave-one-sentence-out jackknife standard errors, in [-1, 1].

    Leaving out a sentence only depends on its count profile, so every group's jackknife
    is a handful of vectorised sums, however many groups and sentences there are.
    """
    pairable = found.sum(axis=1) >= 2
    weights = table * pairable
    n = weights.sum(axis=1).astype(np.float64)
    pairs = agreeing_pairs(found)
    n_v, agree = weights @ found, weights @ pairs
    g, k = np.nonzero(weights)  # only the (group, profile) pairs that occur
    w = weights[g, k].astype(np.float64)
    left_out = alpha_from_sums(n_v[g] - found[k], agree[g] - pairs[k])
    groups = table.shape[0]
    defined = np.bincount(g, weights=np.isnan(left_out), minlength=groups) == 0
    spread = np.nan_to_num(left_out)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.bincount(g, weights=w * spread, minlength=groups) / n
        squares = np.bincount(g, weights=w * (spread - mean[g]) ** 2, minlength=groups)
        var = (n - 1) / n * squares
    point = alpha_from_sums(n_v, agree)
    half = 1.959963984540054 * np.sqrt(np.where(np.isfinite(var), var, 0.0))
    lows = np.maximum(-1.0, point - half).tolist()
    highs = np.minimum(1.0, point + half).tolist()
    too_few = Interval(None, "needs two sentences with two labels for an interval")
    flat = Interval(None, "leaving one sentence out leaves no variation")
    usable = (np.isfinite(point) & defined).tolist()
    sizes = n.astype(np.int64).tolist()
    return [
        too_few
        if sizes[i] < 2
        else Interval((lows[i], highs[i]), None, sizes[i])
        if usable[i]
        else flat
        for i in range(groups)
    ]


def unit_agreement(counts: IntArray) -> FloatArray:
    """Per row: the share of reviewer pairs that agree; NaN for rows with fewer than 2 labels."""
    m = counts.sum(axis=1)
    pairs = (counts * (counts - 1)).sum(axis=1).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = pairs / (m * (m - 1))
    return np.asarray(np.where(m >= 2, share, np.nan), dtype=np.float64)


def percent_agreement(counts: IntArray, weights: npt.ArrayLike | None = None) -> Metric:
    """Mean, over sentences with at least two labels, of the share of reviewer pairs that agree."""
    w = _weights(counts, weights)
    share = unit_agreement(counts)
    keep = np.isfinite(share) & (w > 0)
    if not keep.any():
        return Metric.undefined(NEEDS_PAIRS)
    return Metric(float(w[keep] @ share[keep] / w[keep].sum()))


def fleiss_kappa(
    counts: IntArray,
    raters: int,
    names: Sequence[str] | None = None,
    weights: npt.ArrayLike | None = None,
) -> Metric:
    """Fleiss' kappa over the sentences labeled by exactly ``raters`` reviewers (all of them)."""
    if raters < 2:
        return Metric.undefined("needs at least two reviewers")
    w = _weights(counts, weights) * (counts.sum(axis=1) == raters)
    units = w.sum()
    if units == 0:
        return Metric.undefined(f"no sentence was labeled by all {raters} reviewers")
    totals = w @ counts
    p_cat = totals / (units * raters)
    p_unit = ((counts * counts).sum(axis=1) - raters) / (raters * (raters - 1))
    p_exp = float((p_cat * p_cat).sum())
    if p_exp >= 1.0 - 1e-15:
        return Metric.undefined(no_variation(totals, names))
    return Metric((float(w @ p_unit) / float(units) - p_exp) / (1.0 - p_exp))


def chance_ac1(shares: npt.ArrayLike) -> FloatArray:
    """Gwet's chance agreement from category shares (..., q): sum pi(1 - pi) / (q - 1)."""
    pi = np.asarray(shares, dtype=np.float64)
    return np.asarray((pi * (1.0 - pi)).sum(axis=-1) / (pi.shape[-1] - 1), dtype=np.float64)


def gwet_ac1(counts: IntArray, weights: npt.ArrayLike | None = None) -> Metric:
    """Gwet's AC1 (nominal, any number of reviewers, missing labels allowed) from count rows.

    Gwet (2008), Br J Math Stat Psychol 61:29-48; Handbook of Inter-Rater Reliability, 4th ed.
    (2014), ch. 4: p_a is the mean share of agreeing reviewer pairs over the sentences with two
    or more labels (``percent_agreement``); pi_k is the mean, over every sentence with a label,
    of the share of its labels that are k; p_e = sum pi_k (1 - pi_k) / (q - 1) with q the
    number of categories one could choose (the columns), not only those used.
    AC1 = (p_a - p_e) / (1 - p_e). p_e is at most 1/q, so AC1 is defined whenever some sentence
    has two labels: when every label is the same category it is 1, where alpha and kappa are
    undefined.
    """
    if counts.shape[1] < 2:
        return Metric.undefined("needs at least two categories")
    w = _weights(counts, weights)
    m = counts.sum(axis=1)
    pairable, rated = w * (m >= 2), w * (m >= 1)
    if pairable.sum() == 0:
        return Metric.undefined(NEEDS_PAIRS)
    p_a = float(pairable @ np.nan_to_num(unit_agreement(counts)) / pairable.sum())
    shares = counts / np.maximum(m, 1)[:, np.newaxis]
    p_e = float(chance_ac1(rated @ shares / rated.sum()))
    return Metric((p_a - p_e) / (1.0 - p_e))


def grouped_ac1(found: IntArray, table: IntArray) -> FloatArray:
    """AC1 per group of a (groups x profiles) table, NaN where no sentence has two labels."""
    if found.shape[1] < 2:
        return np.full(table.shape[0], np.nan)
    m = found.sum(axis=1)
    pairable, rated = table * (m >= 2), table * (m >= 1)
    n_pairable, n_rated = pairable.sum(axis=1), rated.sum(axis=1)
    shares = found / np.maximum(m, 1)[:, np.newaxis]
    with np.errstate(divide="ignore", invalid="ignore"):
        p_a = pairable @ np.nan_to_num(unit_agreement(found)) / n_pairable
        p_e = chance_ac1((rated @ shares) / n_rated[:, np.newaxis])
        ac1 = (p_a - p_e) / (1.0 - p_e)
    return np.asarray(np.where(n_pairable > 0, ac1, np.nan), dtype=np.float64)


def ac1_from_confusion(table: IntArray) -> Metric:
    """Two-reviewer AC1 from a (q x q) confusion table: pi_k = (row_k + column_k) / 2n."""
    n = int(table.sum())
    if n == 0:
        return Metric.undefined("no sentence labeled by both")
    if table.shape[0] < 2:
        return Metric.undefined("needs at least two categories")
    p_a = float(np.trace(table)) / n
    p_e = float(chance_ac1((table.sum(axis=1) + table.sum(axis=0)) / (2.0 * n)))
    return Metric((p_a - p_e) / (1.0 - p_e))


def confusion(a: IntArray, b: IntArray, n_values: int, weights: IntArray | None = None) -> IntArray:
    """(V x V) counts of (a's value, b's value) over the units both labeled (weighted rows)."""
    side = n_values + 1  # shift by one so MISSING lands in row/column 0, then drop it
    flat = _counted((a + 1) * side + (b + 1), weights, side * side)
    return flat.reshape(side, side)[1:, 1:]


def cohen_kappa(
    a: IntArray, b: IntArray, n_values: int, names: Sequence[str] | None = None
) -> Metric:
    """Cohen's kappa of two reviewers on the units both labeled."""
    return kappa_from_confusion(confusion(a, b, n_values), names)


def kappa_from_confusion(table: IntArray, names: Sequence[str] | None = None) -> Metric:
    """Cohen's kappa from a (V x V) confusion table."""
    n = int(table.sum())
    if n == 0:
        return Metric.undefined("no sentence labeled by both")
    observed = float(np.trace(table)) / n
    expected = float(table.sum(axis=1) @ table.sum(axis=0)) / (n * n)
    if expected >= 1.0 - 1e-15:
        return Metric.undefined(no_variation(table.sum(axis=0), names))
    return Metric((observed - expected) / (1.0 - expected))


def majority(counts: IntArray) -> IntArray:
    """Per unit: the label held by a strict majority of its labels, else MISSING."""
    m = counts.sum(axis=1)
    top = counts.argmax(axis=1)
    strict = counts.max(axis=1, initial=0) * 2 > m
    return np.where(strict & (m > 0), top, MISSING).astype(np.int64)
