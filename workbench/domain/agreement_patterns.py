"""Label matrices and profile tables from aggregated counts instead of one row per label.

A database answers with the distinct label patterns of its sentences (who gave which label,
and the gold label) and how many sentences share each; ``pattern_matrix`` turns them into a
weighted LabelMatrix whose figures equal those of the full matrix exactly (same count
profiles in the same order, same integer tables).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from workbench.domain.agreement import LabelMatrix
from workbench.domain.agreement_metrics import MISSING, IntArray
from workbench.domain.labels import LABELS


def decode_patterns(
    codes: Sequence[Sequence[int]], reviewers: int, base: int, chunk: int
) -> IntArray:
    """(patterns x reviewers) label codes from per-chunk base-``base`` digits (0 = no label)."""
    out = np.full((len(codes), reviewers), MISSING, dtype=np.int64)
    if len(codes) == 0:
        return out
    table = np.asarray(codes, dtype=np.int64).reshape(len(codes), -1)
    for k in range(reviewers):
        column, digit = divmod(k, chunk)
        out[:, k] = (table[:, column] // base**digit) % base - 1
    return out


def pattern_matrix(
    codes: Sequence[Sequence[int]],
    gold: Sequence[str | None],
    sentences: Sequence[int],
    *,
    reviewers: Sequence[str],
    base: int,
    chunk: int,
) -> LabelMatrix:
    """A weighted LabelMatrix: one row per distinct (pattern, gold) with its sentence count."""
    decoded = decode_patterns(codes, len(reviewers), base, chunk)
    keep = (decoded >= 0).any(axis=1) if decoded.size else np.zeros(0, dtype=bool)
    gold_codes = np.array([MISSING if g is None else LABELS.index(g) for g in gold], dtype=np.int64)
    return LabelMatrix(
        codes=decoded[keep],
        reviewers=tuple(reviewers),
        gold=gold_codes[keep],
        weights=np.asarray(sentences, dtype=np.int64)[keep],
    )


def profile_table(
    found: IntArray, groups: Sequence[str], rows: Sequence[tuple[str, Sequence[int], int]]
) -> IntArray:
    """(groups x profiles) sentence counts from (group, label counts, sentences) rows."""
    index = {tuple(int(c) for c in row): k for k, row in enumerate(found)}
    position = {group: g for g, group in enumerate(groups)}
    table = np.zeros((len(groups), found.shape[0]), dtype=np.int64)
    for group, counts, sentences in rows:
        if group in position and sum(counts) > 0:
            table[position[group], index[tuple(counts)]] += sentences
    return table


def day_frame(found: IntArray, rows: Sequence[tuple[str, Sequence[int], int]]) -> pd.DataFrame:
    """Day rows (day, profile index into ``found``, count) for ``time_frame_from_days``."""
    index = {tuple(int(c) for c in row): k for k, row in enumerate(found)}
    records = [
        (day, index[tuple(counts)], sentences) for day, counts, sentences in rows if sum(counts) > 0
    ]
    return pd.DataFrame(records, columns=["day", "profile", "count"])
