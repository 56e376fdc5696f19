"""Tidy DataFrames behind the agreement charts, computed from a LabelMatrix."""

from __future__ import annotations

from itertools import permutations
from typing import Any

import numpy as np
import pandas as pd

from workbench.domain.agreement import LabelMatrix
from workbench.domain.agreement_metrics import (
    NEEDS_PAIRS,
    IntArray,
    confusion,
    group_table,
    grouped_alpha,
    kappa_from_confusion,
    profiles,
    unit_agreement,
    value_counts,
)

PERIODS = {"day": "D", "week": "W-MON"}


def pairwise_frame(matrix: LabelMatrix) -> pd.DataFrame:
    """Cohen's kappa of every ordered reviewer pair: columns a, b, kappa, units, reason."""
    rows: list[dict[str, Any]] = []
    n_values, weights = len(matrix.labels), matrix.row_weights
    for i, j in permutations(range(len(matrix.reviewers)), 2):
        a, b = matrix.codes[:, i], matrix.codes[:, j]
        table = confusion(a, b, n_values, weights)
        metric = kappa_from_confusion(table, matrix.labels)
        rows.append(
            {
                "a": matrix.reviewers[i],
                "b": matrix.reviewers[j],
                "kappa": metric.value,
                "units": int(table.sum()),
                "reason": metric.reason or "",
            }
        )
    return pd.DataFrame(rows, columns=["a", "b", "kappa", "units", "reason"])


def label_distribution_frame(matrix: LabelMatrix) -> pd.DataFrame:
    """How often each reviewer used each label: columns reviewer, label, count."""
    weights = np.ones(matrix.codes.shape[0], dtype=np.int64)
    if matrix.row_weights is not None:
        weights = matrix.row_weights
    rows = [
        {"reviewer": name, "label": label, "count": int(weights @ (matrix.codes[:, i] == v))}
        for i, name in enumerate(matrix.reviewers)
        for v, label in enumerate(matrix.labels)
    ]
    return pd.DataFrame(rows, columns=["reviewer", "label", "count"])


def confusion_frame(matrix: LabelMatrix, a: str, b: str) -> pd.DataFrame:
    """Confusion counts of two reviewers on the sentences both labeled: a_label, b_label, count."""
    i, j = matrix.reviewers.index(a), matrix.reviewers.index(b)
    table = confusion(
        matrix.codes[:, i], matrix.codes[:, j], len(matrix.labels), matrix.row_weights
    )
    rows = [
        {"a_label": la, "b_label": lb, "count": int(table[x, y])}
        for x, la in enumerate(matrix.labels)
        for y, lb in enumerate(matrix.labels)
    ]
    return pd.DataFrame(rows, columns=["a_label", "b_label", "count"])


def article_frame(report: dict[str, Any]) -> pd.DataFrame:
    """Per-article alpha, its interval and AC1: article, alpha, lo, hi, ac1, units, reason."""
    columns = ["article", "alpha", "lo", "hi", "ac1", "units", "reason"]
    rows = []
    for article, entry in report["per_article"].items():
        interval = entry["krippendorff_alpha_ci95"] or [None, None]
        rows.append(
            {
                "article": article,
                "alpha": entry["krippendorff_alpha"],
                "lo": interval[0],
                "hi": interval[1],
                "ac1": entry["gwet_ac1"],
                "units": entry["units"],
                "reason": entry["reasons"].get("krippendorff_alpha", ""),
            }
        )
    return pd.DataFrame(rows, columns=columns)


def time_frame(matrix: LabelMatrix, *, period: str = "week") -> pd.DataFrame:
    """Alpha and percent agreement per day or week of the sentences' latest label change."""
    columns = ["period", "alpha", "percent_agreement", "units", "reason"]
    if matrix.units == 0 or matrix.updated.size == 0:
        return pd.DataFrame(columns=columns)
    starts = pd.DatetimeIndex(matrix.updated).to_period(PERIODS[period]).start_time
    group, periods = pd.factorize(starts, sort=True)
    group = group.astype(np.int64)
    found, _, inverse = profiles(matrix.codes, len(matrix.labels))
    table = group_table(inverse, group, len(periods), found.shape[0])
    return _period_rows(found, table, periods)


def time_frame_from_days(
    found: IntArray, days: pd.DataFrame, *, period: str = "week"
) -> pd.DataFrame:
    """``time_frame`` from day rows (day, profile, count): ``profile`` indexes ``found``."""
    columns = ["period", "alpha", "percent_agreement", "units", "reason"]
    if len(days) == 0:
        return pd.DataFrame(columns=columns)
    stamps = pd.DatetimeIndex(pd.to_datetime(days["day"]).to_numpy(dtype="datetime64[s]"))
    starts = stamps.to_period(PERIODS[period]).start_time
    group, periods = pd.factorize(starts, sort=True)
    table = np.zeros((len(periods), found.shape[0]), dtype=np.int64)
    np.add.at(table, (group, days["profile"].to_numpy(dtype=np.int64)), days["count"])
    return _period_rows(found, table, periods)


def _period_rows(found: IntArray, table: IntArray, periods: pd.Index) -> pd.DataFrame:
    columns = ["period", "alpha", "percent_agreement", "units", "reason"]
    alphas, units = grouped_alpha(found, table)
    share_sum = table @ np.nan_to_num(unit_agreement(found))
    rows = []
    for g, start in enumerate(periods):
        if units[g] == 0:
            continue
        alpha = None if np.isnan(alphas[g]) else float(alphas[g])
        rows.append(
            {
                "period": start,
                "alpha": alpha,
                "percent_agreement": float(share_sum[g] / units[g]),
                "units": int(units[g]),
                "reason": "no variation" if alpha is None else "",
            }
        )
    return pd.DataFrame(rows, columns=columns)


def missing_figures(matrix: LabelMatrix) -> str | None:
    """What is missing before any agreement figure can be drawn, or None."""
    if len(matrix.reviewers) < 2:
        return "Agreement needs labels from at least two reviewers."
    if not (value_counts(matrix.codes, len(matrix.labels)).sum(axis=1) >= 2).any():
        return f"Agreement {NEEDS_PAIRS}: no sentence has been labeled twice yet."
    return None
