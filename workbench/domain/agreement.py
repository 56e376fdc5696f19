"""The agreement report: every figure of ``workbench agreement --json`` from a label matrix.

Values that cannot be computed are ``None``; each object that holds such values carries a
``reasons`` map from the key to a sentence saying why (pairwise keys read
``pairwise_cohen_kappa:a|b``). The map is empty when every value is defined.

``gwet_ac1`` (top level, splits, per article) and ``pairwise_gwet_ac1`` are Gwet's AC1 from the
same count profiles: its chance term shrinks as one label dominates, so it stays near percent
agreement where skewed labels push alpha and kappa down (the "kappa paradox").

The overall ``krippendorff_alpha_ci95`` (also in ``claim_detection`` and ``verdict``) is a seeded
bootstrap over sentences (``RESAMPLES`` resamples). Per article it is a leave-one-sentence-out
jackknife interval (alpha +- 1.96 standard errors, clipped to [-1, 1]): exact for any number of
articles at the cost of one vectorised pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from workbench.domain.agreement_metrics import (
    MISSING,
    NEEDS_PAIRS,
    IntArray,
    Interval,
    Metric,
    ac1_from_confusion,
    bootstrap_alpha,
    confusion,
    fleiss_kappa,
    group_table,
    grouped_ac1,
    grouped_alpha,
    gwet_ac1,
    jackknife_intervals,
    kappa_from_confusion,
    krippendorff_alpha,
    majority,
    no_variation,
    percent_agreement,
    profiles,
    unit_agreement,
)
from workbench.domain.labels import CLAIM_LABELS, LABELS, Label

RESAMPLES = 1000
SEED = 20250601
CLAIM_NAMES = ("claim", Label.NOT_A_CLAIM.value)
VERDICT_NAMES = tuple(str(label) for label in CLAIM_LABELS)

Report = dict[str, Any]


@dataclass(frozen=True)
class LabelMatrix:
    """Reviewer labels as codes: one row per sentence, one column per reviewer (sorted)."""

    codes: IntArray
    reviewers: tuple[str, ...]
    articles: tuple[str, ...] = ()
    unit_article: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    gold: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    updated: npt.NDArray[np.datetime64] = field(
        default_factory=lambda: np.zeros(0, dtype="datetime64[s]")
    )
    labels: tuple[str, ...] = LABELS
    # Sentences each row stands for; empty means one each. A matrix of the distinct label
    # patterns of a database (one row per pattern) carries its sentence counts here.
    weights: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def units(self) -> int:
        """Number of sentences with at least one label."""
        return int(self.weights.sum()) if self.weights.size else int(self.codes.shape[0])

    @property
    def row_weights(self) -> IntArray | None:
        """Sentences each row stands for, or None when every row is one sentence."""
        return self.weights if self.weights.size else None


def _lookup(values: pd.Series, vocabulary: Sequence[str]) -> IntArray:
    """Position of each value in ``vocabulary`` (factorize first: a few distinct strings)."""
    codes, uniques = pd.factorize(values)
    where = np.array([vocabulary.index(str(u)) for u in uniques], dtype=np.int64)
    return where[codes] if len(codes) else np.zeros(0, dtype=np.int64)


def matrix_from_frame(
    frame: pd.DataFrame,
    *,
    gold: Mapping[int, str] | None = None,
    reviewers: Sequence[str] | None = None,
) -> LabelMatrix:
    """Build a LabelMatrix from rows (sentence_id, article_id, reviewer, label, updated_at)."""
    present = [str(name) for name in pd.factorize(frame["reviewer"])[1]]
    names = tuple(sorted(set(present) if reviewers is None else set(reviewers)))
    if reviewers is not None and set(present) - set(names):
        frame = frame[np.isin(_lookup(frame["reviewer"], present), _known(present, names))]
    units, sentence_ids = pd.factorize(frame["sentence_id"], sort=True)
    codes = np.full((len(sentence_ids), len(names)), MISSING, dtype=np.int64)
    codes[units, _lookup(frame["reviewer"], names)] = _lookup(frame["label"], LABELS)
    first = np.zeros(len(sentence_ids), dtype=np.int64)
    first[units[::-1]] = np.arange(len(units))[::-1]
    article_codes, articles = pd.factorize(frame["article_id"], sort=True)
    unit_article = article_codes[first]
    stamps = pd.to_datetime(frame["updated_at"], utc=True).dt.tz_localize(None)
    updated = pd.Series(stamps.to_numpy(dtype="datetime64[s]")).groupby(units)
    gold_codes = np.full(len(sentence_ids), MISSING, dtype=np.int64)
    if gold and len(sentence_ids):
        ids = np.fromiter(gold.keys(), dtype=np.int64, count=len(gold))
        where = np.minimum(np.searchsorted(sentence_ids, ids), len(sentence_ids) - 1)
        hit = np.asarray(sentence_ids)[where] == ids
        gold_codes[where[hit]] = _lookup(pd.Series(list(gold.values())), LABELS)[hit]
    return LabelMatrix(
        codes=codes,
        reviewers=names,
        articles=tuple(str(a) for a in articles),
        unit_article=unit_article.astype(np.int64),
        gold=gold_codes,
        updated=updated.max().to_numpy(dtype="datetime64[s]"),
    )


def _known(present: Sequence[str], names: Sequence[str]) -> list[int]:
    return [i for i, name in enumerate(present) if name in names]


def _put(out: Report, key: str, metric: Metric) -> None:
    out[key] = None if metric.value is None else float(metric.value)
    if metric.value is None:
        out["reasons"][key] = metric.reason


def _reasons_last(entry: Report) -> Report:
    entry["reasons"] = entry.pop("reasons")
    return entry


def _put_interval(out: Report, key: str, interval: Interval) -> None:
    out[key] = list(interval.bounds) if interval.bounds is not None else None
    if interval.bounds is None:
        out["reasons"][key] = interval.reason


@dataclass(frozen=True)
class Coding:
    """A label matrix reduced to what the coefficients need: count profiles and confusions."""

    found: IntArray  # (K, V) distinct label-count rows
    freq: IntArray  # (K,) sentences per row
    inverse: IntArray  # (N,) row of each sentence
    confusions: dict[tuple[int, int], IntArray]  # (V, V) per reviewer pair (i < j)

    @classmethod
    def of(cls, matrix: LabelMatrix) -> Coding:
        """Profiles and pairwise confusion tables of a label matrix."""
        n_values, weights = len(matrix.labels), matrix.row_weights
        found, freq, inverse = profiles(matrix.codes, n_values, weights)
        tables = {
            (i, j): confusion(matrix.codes[:, i], matrix.codes[:, j], n_values, weights)
            for i, j in combinations(range(len(matrix.reviewers)), 2)
        }
        return cls(found, freq, inverse, tables)


def claim_mapping() -> IntArray:
    """(V x 2) recoding of the four labels to claim / not_a_claim."""
    mapping = np.zeros((len(LABELS), 2), dtype=np.int64)
    for v, label in enumerate(LABELS):
        mapping[v, int(label == Label.NOT_A_CLAIM)] = 1
    return mapping


def verdict_mapping() -> IntArray:
    """(V x 3) keeps the three verdicts; a not_a_claim label counts as missing."""
    return np.eye(len(LABELS), len(CLAIM_LABELS), dtype=np.int64)


def one_vs_rest_mapping(label: int) -> IntArray:
    """(V x 2) recoding to ``label`` against every other label."""
    mapping = np.zeros((len(LABELS), 2), dtype=np.int64)
    mapping[:, 1] = 1
    mapping[label] = [1, 0]
    return mapping


def summarise(
    coding: Coding,
    reviewers: Sequence[str],
    names: Sequence[str],
    mapping: IntArray | None = None,
    *,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> Report:
    """Alpha with interval, Fleiss' kappa, AC1, percent agreement, pairwise kappa and AC1."""
    found = coding.found if mapping is None else coding.found @ mapping
    freq = coding.freq
    labeled = found.sum(axis=1)
    raters = len(reviewers)
    out: Report = {"units": int(freq @ (labeled >= 2)), "reasons": {}}
    _put(out, "krippendorff_alpha", krippendorff_alpha(found, names, freq))
    interval = bootstrap_alpha(found, resamples=resamples, seed=seed, names=names, weights=freq)
    _put_interval(out, "krippendorff_alpha_ci95", interval)
    _put(out, "fleiss_kappa", fleiss_kappa(found, raters, names, freq))
    out["fleiss_units"] = int(freq @ (labeled == raters)) if raters >= 2 else 0
    _put(out, "gwet_ac1", gwet_ac1(found, freq))
    _put(out, "percent_agreement", percent_agreement(found, freq))
    kappas: dict[str, float | None] = {}
    ac1s: dict[str, float | None] = {}
    for (i, j), table in coding.confusions.items():
        key = f"{reviewers[i]}|{reviewers[j]}"
        if mapping is not None:
            table = mapping.T @ table @ mapping
        for field_name, values, metric in (
            ("pairwise_cohen_kappa", kappas, kappa_from_confusion(table, names)),
            ("pairwise_gwet_ac1", ac1s, ac1_from_confusion(table)),
        ):
            values[key] = metric.value
            if metric.value is None:
                reason = metric.reason or ""
                if reason == "no sentence labeled by both":
                    reason = f"no sentence labeled by both {reviewers[i]} and {reviewers[j]}"
                out["reasons"][f"{field_name}:{key}"] = reason
    out["pairwise_cohen_kappa"] = kappas
    out["pairwise_gwet_ac1"] = ac1s
    return _reasons_last(out)


def per_label(matrix: LabelMatrix, coding: Coding) -> dict[str, Report]:
    """One-against-the-rest alpha and percent agreement of each label, with its use count."""
    out: dict[str, Report] = {}
    totals = coding.freq @ coding.found
    for index, label in enumerate(matrix.labels):
        found = coding.found @ one_vs_rest_mapping(index)
        entry: Report = {"count": int(totals[index]), "reasons": {}}
        _put(entry, "krippendorff_alpha", krippendorff_alpha(found, (label, "other"), coding.freq))
        _put(entry, "percent_agreement", percent_agreement(found, coding.freq))
        out[label] = _reasons_last(entry)
    return out


def per_article(matrix: LabelMatrix, coding: Coding) -> dict[str, Report]:
    """Alpha, its jackknife 95% interval, AC1 and percent agreement of each article."""
    n_groups = len(matrix.articles)
    if n_groups == 0:  # a matrix of label patterns knows no articles
        return {}
    table = group_table(coding.inverse, matrix.unit_article, n_groups, coding.found.shape[0])
    return group_figures(coding.found, table, matrix.articles, matrix.labels)


def group_figures(
    found: IntArray, table: IntArray, groups: Sequence[str], names: Sequence[str]
) -> dict[str, Report]:
    """Per group (article): alpha, jackknife interval, AC1, percent agreement (profile table)."""
    alphas, units = grouped_alpha(found, table)
    ac1s = grouped_ac1(found, table).tolist()
    intervals = jackknife_intervals(found, table)
    shares = np.nan_to_num(unit_agreement(found))
    share_sum = table @ shares
    values, sizes, shares = alphas.tolist(), units.tolist(), share_sum.tolist()
    out: dict[str, Report] = {}
    for g, article in enumerate(groups):
        entry: Report = {"units": sizes[g], "reasons": {}}
        if sizes[g] == 0:
            alpha = Metric.undefined(NEEDS_PAIRS)
        elif np.isnan(values[g]):
            alpha = Metric.undefined(no_variation(table[g] @ found, names))
        else:
            alpha = Metric(values[g])
        _put(entry, "krippendorff_alpha", alpha)
        _put_interval(entry, "krippendorff_alpha_ci95", intervals[g])
        ac1 = Metric.undefined(NEEDS_PAIRS) if np.isnan(ac1s[g]) else Metric(ac1s[g])
        _put(entry, "gwet_ac1", ac1)
        share = Metric(shares[g] / sizes[g]) if sizes[g] else Metric.undefined(NEEDS_PAIRS)
        _put(entry, "percent_agreement", share)
        out[article] = _reasons_last(entry)
    return out


def per_reviewer(matrix: LabelMatrix, coding: Coding | None = None) -> list[Report]:
    """Each reviewer against the others' strict majority and against adjudicated gold."""
    coding = coding or Coding.of(matrix)
    n_values = len(matrix.labels)
    # The others' majority only depends on the sentence's count profile and the reviewer's own
    # label, so it is looked up in a (profiles x (own label + 1)) table instead of per sentence.
    own_onehot = np.vstack([np.zeros(n_values, dtype=np.int64), np.eye(n_values, dtype=np.int64)])
    others_table = majority(
        (coding.found[:, np.newaxis, :] - own_onehot[np.newaxis, :, :]).reshape(-1, n_values)
    ).reshape(coding.found.shape[0], n_values + 1)
    rows_n = matrix.codes.shape[0]
    gold = matrix.gold if matrix.gold.size else np.full(rows_n, MISSING, dtype=np.int64)
    w = matrix.row_weights
    ones = np.ones(rows_n, dtype=np.int64) if w is None else w
    rows: list[Report] = []
    for i, name in enumerate(matrix.reviewers):
        own = matrix.codes[:, i]
        others_majority = others_table[coding.inverse, own + 1]
        entry: Report = {"reviewer": name, "labeled": int(ones @ (own >= 0)), "reasons": {}}
        entry["majority_units"] = int(ones @ ((own >= 0) & (others_majority >= 0)))
        vs_majority = confusion(own, others_majority, n_values, w)
        _put(
            entry,
            "kappa_vs_majority",
            _named(kappa_from_confusion(vs_majority, matrix.labels), "others' majority"),
        )
        _put(entry, "agreement_vs_majority", _rate(vs_majority, "others' majority"))
        vs_gold = confusion(own, gold, n_values, w)
        entry["gold_units"] = int(vs_gold.sum())
        _put(
            entry,
            "kappa_vs_gold",
            _named(kappa_from_confusion(vs_gold, matrix.labels), "an adjudicated gold label"),
        )
        _put(entry, "agreement_vs_gold", _rate(vs_gold, "an adjudicated gold label"))
        rows.append(_reasons_last(entry))
    return rows


def _rate(table: IntArray, other: str) -> Metric:
    n = int(table.sum())
    if n == 0:
        return _named(Metric.undefined("no sentence labeled by both"), other)
    return Metric(float(np.trace(table)) / n)


def _named(metric: Metric, other: str) -> Metric:
    if metric.reason == "no sentence labeled by both":
        return Metric.undefined(f"no sentence with both this reviewer's label and {other}")
    return metric


def agreement_report(
    matrix: LabelMatrix,
    *,
    resamples: int = RESAMPLES,
    seed: int = SEED,
    coding: Coding | None = None,
) -> Report:
    """Every figure of ``agreement --json``: the metrics, ``per_reviewer`` and ``reasons``.

    ``per_reviewer`` maps each reviewer's name to their scores against the others' strict
    majority and against adjudicated gold (see ``per_reviewer``).
    """
    coding = coding or Coding.of(matrix)
    who, boot = matrix.reviewers, {"resamples": resamples, "seed": seed}
    base = summarise(coding, who, matrix.labels, None, **boot)
    claim = summarise(coding, who, CLAIM_NAMES, claim_mapping(), **boot)
    verdict = summarise(coding, who, VERDICT_NAMES, verdict_mapping(), **boot)
    return {
        "reviewers": list(matrix.reviewers),
        "labels": list(matrix.labels),
        "units": base["units"],
        "krippendorff_alpha": base["krippendorff_alpha"],
        "krippendorff_alpha_ci95": base["krippendorff_alpha_ci95"],
        "fleiss_kappa": base["fleiss_kappa"],
        "fleiss_units": base["fleiss_units"],
        "gwet_ac1": base["gwet_ac1"],
        "percent_agreement": base["percent_agreement"],
        "pairwise_cohen_kappa": base["pairwise_cohen_kappa"],
        "pairwise_gwet_ac1": base["pairwise_gwet_ac1"],
        "per_label": per_label(matrix, coding),
        "per_article": per_article(matrix, coding),
        "claim_detection": claim,
        "verdict": verdict,
        "per_reviewer": {
            row["reviewer"]: {key: value for key, value in row.items() if key != "reviewer"}
            for row in per_reviewer(matrix, coding)
        },
        "reasons": base["reasons"],
    }
