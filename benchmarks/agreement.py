"""Agreement figures for 100,000 sentences x 5 reviewers with 25% of the labels missing.

Targets: every figure of the report (``workbench agreement --json`` plus per-reviewer scores),
starting from the label rows the database query returns, in under one second (median); our
alpha at least as fast as ``krippendorff.alpha`` on the same data in the same run, and equal to
it within 1e-9 (overall, claim detection and verdict).
Run: ``python -m benchmarks agreement``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import krippendorff
import numpy as np
import pandas as pd

from benchmarks.common import summary, write_result
from workbench.domain.agreement import (
    RESAMPLES,
    Coding,
    agreement_report,
    matrix_from_frame,
)
from workbench.domain.agreement_metrics import MISSING, krippendorff_alpha, profiles
from workbench.domain.labels import LABELS

SENTENCES = 100_000
REVIEWERS = 5
MISSING_SHARE = 0.25
PER_ARTICLE = 50
REPEATS = 7
TARGET_SECONDS = 1.0
TOLERANCE = 1e-9


def label_rows(seed: int = 7) -> tuple[np.ndarray, pd.DataFrame]:
    """Codes (sentences x reviewers) and the same labels as query rows (one per label)."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, len(LABELS), SENTENCES)
    noise = rng.integers(0, len(LABELS), (SENTENCES, REVIEWERS))
    codes = np.where(rng.random((SENTENCES, REVIEWERS)) < 0.7, truth[:, np.newaxis], noise)
    codes[rng.random((SENTENCES, REVIEWERS)) < MISSING_SHARE] = MISSING
    unit, reviewer = np.nonzero(codes >= 0)
    start = datetime(2025, 6, 1, tzinfo=UTC)
    frame = pd.DataFrame(
        {
            "sentence_id": unit + 1,
            "article_id": [f"a{u // PER_ARTICLE:05d}" for u in unit],
            "index": unit % PER_ARTICLE,
            "reviewer": np.array([f"r{i}" for i in range(REVIEWERS)])[reviewer],
            "label": np.array(LABELS)[codes[unit, reviewer]],
            "updated_at": [start + timedelta(minutes=int(u)) for u in unit],
        }
    )
    return codes.astype(np.int64), frame


def _median(action: Callable[[], Any]) -> tuple[dict[str, float], Any]:
    samples, result = [], None
    for _ in range(REPEATS):
        started = time.perf_counter()
        result = action()
        samples.append(time.perf_counter() - started)
    return summary(samples), result


def _all_figures(frame: pd.DataFrame) -> dict[str, Any]:
    matrix = matrix_from_frame(frame)
    coding = Coding.of(matrix)
    return agreement_report(matrix, coding=coding)  # per_reviewer is one of its keys


def _our_alpha(codes: np.ndarray) -> float | None:
    found, freq, _ = profiles(codes, len(LABELS))
    return krippendorff_alpha(found, weights=freq).value


def main() -> bool:
    """Time the report, compare alpha with the krippendorff package; False if a target is missed."""
    codes, frame = label_rows()
    reliability = np.where(codes == MISSING, np.nan, codes).T.astype(np.float64)
    matrix = matrix_from_frame(frame)
    build, _ = _median(lambda: matrix_from_frame(frame))
    figures, report = _median(lambda: _all_figures(frame))
    from_matrix, _ = _median(lambda: agreement_report(matrix, coding=Coding.of(matrix)))
    ours, alpha = _median(lambda: _our_alpha(codes))
    theirs, reference = _median(
        lambda: krippendorff.alpha(reliability_data=reliability, level_of_measurement="nominal")
    )
    claim = np.where(codes == MISSING, np.nan, (codes == LABELS.index("not_a_claim")) * 1.0)
    verdict = np.where(codes == LABELS.index("not_a_claim"), np.nan, reliability.T)
    checks = {
        "overall": (alpha, reference),
        "claim_detection": (
            report["claim_detection"]["krippendorff_alpha"],
            krippendorff.alpha(reliability_data=claim.T, level_of_measurement="nominal"),
        ),
        "verdict": (
            report["verdict"]["krippendorff_alpha"],
            krippendorff.alpha(reliability_data=verdict.T, level_of_measurement="nominal"),
        ),
    }
    differences = {name: abs(a - float(b)) for name, (a, b) in checks.items()}
    targets = {
        "all_figures_under_1s": figures["median"] < TARGET_SECONDS,
        "alpha_at_least_as_fast_as_krippendorff": ours["median"] <= theirs["median"],
        "alpha_equal_within_1e-9": max(differences.values()) <= TOLERANCE,
    }
    data = {
        "sentences": SENTENCES,
        "reviewers": REVIEWERS,
        "missing_share": MISSING_SHARE,
        "labels": int((codes >= 0).sum()),
        "articles": SENTENCES // PER_ARTICLE,
        "bootstrap_resamples": RESAMPLES,
        "seconds": {
            "all_figures_from_label_rows": figures,
            "label_rows_to_matrix": build,
            "report_from_matrix": from_matrix,
            "our_alpha": ours,
            "krippendorff_alpha": theirs,
        },
        "alpha": {"ours": alpha, "krippendorff": float(reference)},
        "abs_difference": differences,
        "targets": targets,
    }
    write_result("agreement", data)
    print(
        f"all figures from {len(frame):,} label rows: {figures['median'] * 1000:.0f} ms median "
        f"(rows->matrix {build['median'] * 1000:.0f} ms, report {from_matrix['median'] * 1000:.0f}"
        f" ms); alpha ours {ours['median'] * 1000:.1f} ms vs krippendorff "
        f"{theirs['median'] * 1000:.1f} ms; max |difference| {max(differences.values()):.1e}"
    )
    for name, ok in targets.items():
        print(f"  {name}: {'ok' if ok else 'MISSED'}")
    return all(targets.values())


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
