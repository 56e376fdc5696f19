"""The page's aggregated agreement equals the figures computed from every label row."""

from __future__ import annotations

from typing import Any

import pandas as pd

from tests.services.agreement_corpus import labelled_corpus
from workbench.db.engine import Database
from workbench.domain import agreement_frames as frames
from workbench.services.agreement import Agreement, PageAgreement, compute_agreement, page_agreement

RESAMPLES = 200


def _both(
    db: Database, *, each: int = 15, article: str | None = None, reviewers: list[str] | None = None
) -> tuple[Agreement, PageAgreement]:
    with db.read() as session:
        old = compute_agreement(
            session, article_id=article, reviewers=reviewers, resamples=RESAMPLES
        )
        new = page_agreement(
            session, article_id=article, reviewers=reviewers, each=each, resamples=RESAMPLES
        )
    return old, new


def _extremes(report: dict[str, Any], each: int) -> tuple[list[float], list[float]]:
    alphas = sorted(
        (entry["krippendorff_alpha"], article)
        for article, entry in report["per_article"].items()
        if entry["krippendorff_alpha"] is not None
    )
    low = [round(a, 12) for a, _ in alphas[:each]]
    high = [round(a, 12) for a, _ in sorted(alphas, key=lambda x: (-x[0], x[1]))[:each]]
    return low, high


def assert_same(old: Agreement, new: PageAgreement, each: int) -> None:
    """Every figure equal; per_article holds exactly the lowest and highest alphas."""
    shown = new.report["per_article"]
    assert new.report == {**old.report, "per_article": shown}
    assert all(shown[a] == old.report["per_article"][a] for a in shown)
    low, high = _extremes(old.report, each)
    if len(low) < each:  # few articles: every one with a defined alpha is shown
        assert sorted(shown) == sorted(
            a for a, e in old.report["per_article"].items() if e["krippendorff_alpha"] is not None
        )
    else:  # the lowest first, then the highest; values compared so ties may pick either
        values = [round(e["krippendorff_alpha"], 12) for e in shown.values()]
        assert len(shown) == 2 * each
        assert values[:each] == low and sorted(values[each:], reverse=True) == high
    assert new.reviewers == old.reviewers
    assert new.matrix.reviewers == old.matrix.reviewers
    assert new.matrix.units == old.matrix.units
    pd.testing.assert_frame_equal(
        frames.pairwise_frame(new.matrix), frames.pairwise_frame(old.matrix)
    )
    pd.testing.assert_frame_equal(
        frames.label_distribution_frame(new.matrix), frames.label_distribution_frame(old.matrix)
    )
    names = old.matrix.reviewers
    for a, b in zip(names, names[1:], strict=False):
        pd.testing.assert_frame_equal(
            frames.confusion_frame(new.matrix, a, b), frames.confusion_frame(old.matrix, a, b)
        )
    for period in ("day", "week"):
        pd.testing.assert_frame_equal(
            frames.time_frame_from_days(new.found, new.days, period=period),
            frames.time_frame(old.matrix, period=period),
        )
    assert frames.missing_figures(new.matrix) == frames.missing_figures(old.matrix)


def test_seed_corpus_figures_equal(corpus: Database) -> None:
    old, new = _both(corpus)
    assert len(old.report["per_article"]) == 2
    assert_same(old, new, 15)
    one = "000_b5ddb462525d61c6"
    assert_same(*_both(corpus, article=one), 15)


def test_random_corpus_figures_equal(db: Database) -> None:
    ids = labelled_corpus(db, articles=60, sentences=12, reviewers=5)
    old, new = _both(db, each=8)
    defined = [e for e in old.report["per_article"].values() if e["krippendorff_alpha"] is not None]
    assert len(defined) > 16 and len(new.report["per_article"]) == 16
    assert old.report["per_reviewer"]["r0"]["gold_units"] > 0
    assert len(frames.time_frame(old.matrix, period="day")) > 10
    assert_same(old, new, 8)
    assert_same(*_both(db, each=8, reviewers=["r1", "r3", "r4"]), 8)
    assert_same(*_both(db, each=8, article=ids[3]), 8)
