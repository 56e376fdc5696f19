"""The report of ``agreement --json`` built from label rows: keys, splits, reasons, frames."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pandas as pd
import pytest

from workbench.domain import agreement_text
from workbench.domain.agreement import agreement_report, matrix_from_frame, per_reviewer
from workbench.domain.agreement_frames import (
    article_frame,
    confusion_frame,
    label_distribution_frame,
    missing_figures,
    pairwise_frame,
    time_frame,
)
from workbench.domain.agreement_text import format_report

KEYS = [
    "reviewers",
    "labels",
    "units",
    "krippendorff_alpha",
    "krippendorff_alpha_ci95",
    "fleiss_kappa",
    "fleiss_units",
    "gwet_ac1",
    "percent_agreement",
    "pairwise_cohen_kappa",
    "pairwise_gwet_ac1",
    "per_label",
    "per_article",
    "claim_detection",
    "verdict",
    "per_reviewer",
    "reasons",
]
DAY1 = datetime(2025, 6, 2, 9, tzinfo=UTC)
DAY9 = datetime(2025, 6, 10, 9, tzinfo=UTC)


def _frame(rows: list[tuple[int, str, str, str, datetime]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(sid, art, sid, who, label, at) for sid, art, who, label, at in rows],
        columns=["sentence_id", "article_id", "index", "reviewer", "label", "updated_at"],
    )


ROWS = [
    (1, "a1", "ana", "verified", DAY1),
    (1, "a1", "ben", "verified", DAY1),
    (2, "a1", "ana", "disputed", DAY1),
    (2, "a1", "ben", "unsourced", DAY1),
    (3, "a1", "ana", "not_a_claim", DAY9),
    (3, "a1", "ben", "verified", DAY9),
    (4, "a2", "ana", "not_a_claim", DAY9),
    (4, "a2", "ben", "not_a_claim", DAY9),
    (5, "a2", "cy", "verified", DAY9),
]


def test_report_has_exactly_the_design_keys_and_the_splits() -> None:
    matrix = matrix_from_frame(_frame(ROWS), gold={2: "disputed"})
    report = agreement_report(matrix, resamples=200)
    assert list(report) == KEYS
    assert report["reviewers"] == ["ana", "ben", "cy"]
    assert report["labels"] == ["verified", "disputed", "unsourced", "not_a_claim"]
    assert report["units"] == 4
    assert report["fleiss_units"] == 0
    assert report["fleiss_kappa"] is None
    assert report["reasons"]["fleiss_kappa"] == "no sentence was labeled by all 3 reviewers"
    assert report["pairwise_cohen_kappa"]["ana|cy"] is None
    assert report["reasons"]["pairwise_cohen_kappa:ana|cy"] == (
        "no sentence labeled by both ana and cy"
    )
    # ana|ben: agree on units 1 and 4 of 4; p_e = (1*2 + 1*0 + 0*1 + 2*1) / 16 = 0.25.
    assert report["pairwise_cohen_kappa"]["ana|ben"] == pytest.approx((0.5 - 0.25) / 0.75)
    assert report["percent_agreement"] == pytest.approx(0.5)
    # claim detection: units 1, 2 agree (claim), 3 disagrees, 4 agrees (not a claim).
    assert report["claim_detection"]["percent_agreement"] == pytest.approx(0.75)
    # verdict: only units where both called it a claim: 1 (agree) and 2 (disagree).
    assert report["verdict"]["units"] == 2
    assert report["verdict"]["percent_agreement"] == pytest.approx(0.5)
    assert report["per_label"]["not_a_claim"]["count"] == 3
    scores = {row.pop("reviewer"): row for row in per_reviewer(matrix)}
    assert report["per_reviewer"] == scores
    assert report["per_article"]["a2"]["units"] == 1
    assert report["per_article"]["a2"]["krippendorff_alpha"] is None
    assert report["per_article"]["a2"]["reasons"]["krippendorff_alpha"] == (
        "no variation: every label is 'not_a_claim'"
    )
    assert report["per_article"]["a1"]["units"] == 3
    assert orjson.loads(orjson.dumps(report)) == report  # plain JSON types only


def test_every_null_has_a_reason() -> None:
    report = agreement_report(matrix_from_frame(_frame(ROWS)), resamples=100)

    def check(entry: dict) -> None:  # type: ignore[type-arg]
        for key, value in entry.items():
            if key in ("pairwise_cohen_kappa", "pairwise_gwet_ac1"):
                for pair, figure in value.items():
                    assert figure is not None or f"{key}:{pair}" in entry["reasons"]
            elif value is None:
                assert entry["reasons"][key], key

    check(report)
    for nested in ("claim_detection", "verdict"):
        check(report[nested])
    for group in ("per_label", "per_article"):
        for entry in report[group].values():
            check(entry)


def test_empty_and_selected_reviewers() -> None:
    empty = matrix_from_frame(_frame([]), reviewers=["ana", "ben"])
    report = agreement_report(empty)
    assert report["units"] == 0 and report["krippendorff_alpha"] is None
    assert report["reasons"]["krippendorff_alpha"] == "needs two reviewers on the same sentence"
    assert missing_figures(empty) == (
        "Agreement needs two reviewers on the same sentence: no sentence has been labeled "
        "twice yet."
    )
    only = matrix_from_frame(_frame(ROWS), reviewers=["ana", "ben"])
    assert only.reviewers == ("ana", "ben") and only.units == 4
    report = agreement_report(only, resamples=100)
    assert report["fleiss_units"] == 4


def test_per_reviewer_against_majority_and_gold() -> None:
    rows = [
        *[(s, "a", "ana", "verified", DAY1) for s in (1, 2, 3)],
        *[(s, "a", "ben", "verified", DAY1) for s in (1, 2)],
        (3, "a", "ben", "disputed", DAY1),
        *[(s, "a", "cy", "verified", DAY1) for s in (1, 2)],
        (3, "a", "cy", "disputed", DAY1),
    ]
    matrix = matrix_from_frame(_frame(rows), gold={1: "verified", 3: "disputed"})
    scores = {row["reviewer"]: row for row in per_reviewer(matrix)}
    assert scores["ana"]["agreement_vs_majority"] == pytest.approx(2 / 3)
    assert scores["ben"]["agreement_vs_majority"] == pytest.approx(1.0)
    assert scores["ana"]["gold_units"] == 2
    assert scores["ana"]["agreement_vs_gold"] == pytest.approx(0.5)
    assert scores["ben"]["kappa_vs_gold"] == pytest.approx(1.0)


def test_chart_frames() -> None:
    matrix = matrix_from_frame(_frame(ROWS))
    pairs = pairwise_frame(matrix)
    assert len(pairs) == 6
    row = pairs[(pairs["a"] == "ana") & (pairs["b"] == "ben")].iloc[0]
    assert row["units"] == 4 and row["kappa"] == pytest.approx(1 / 3)
    dist = label_distribution_frame(matrix)
    assert dist.loc[(dist.reviewer == "ana") & (dist.label == "not_a_claim"), "count"].item() == 2
    conf = confusion_frame(matrix, "ana", "ben")
    assert conf["count"].sum() == 4
    assert conf.loc[(conf.a_label == "disputed") & (conf.b_label == "unsourced"), "count"].item()
    weeks = time_frame(matrix, period="week")
    assert list(weeks["units"]) == [2, 2]
    assert list(weeks["percent_agreement"]) == [0.5, 0.5]
    days = time_frame(matrix, period="day")
    assert [p.date().isoformat() for p in days["period"]] == ["2025-06-02", "2025-06-10"]
    articles = article_frame(agreement_report(matrix, resamples=50))
    assert list(articles["article"]) == ["a1", "a2"]
    # a2: one sentence, both reviewers said not_a_claim: alpha undefined, AC1 1 (see AC1 tests).
    assert articles["alpha"].isna().tolist() == [False, True]
    assert articles["ac1"].tolist()[1] == 1.0


def test_readable_table_names_missing_values() -> None:
    matrix = matrix_from_frame(_frame(ROWS))
    text = format_report(agreement_report(matrix, resamples=50), per_reviewer(matrix))
    assert "reviewers: ana, ben, cy" in text
    assert "Cohen's kappa ana|cy      n/a  (no sentence labeled by both ana and cy)" in text
    assert "Fleiss' kappa             n/a over 0 sentence(s)" in text
    assert "Gwet's AC1                0.364" in text
    assert "Gwet's AC1 ana|cy         n/a  (no sentence labeled by both ana and cy)" in text
    assert "a2                               1      n/a    1.000  n/a" in text
    assert "kappa paradox" in text


@pytest.mark.parametrize(
    ("value", "shown"),
    [(None, "n/a"), (-0.0001, "0.000"), (-0.0, "0.000"), (-0.0006, "-0.001"), (0.1667, "0.167")],
)
def test_figures_read_to_three_decimals_and_never_as_minus_zero(
    value: float | None, shown: str
) -> None:
    assert agreement_text.figure(value) == shown
    assert agreement_text.interval((-0.0002, 0.5), joined=" to ") == "0.000 to 0.500"
    assert agreement_text.interval(None) == "n/a"
