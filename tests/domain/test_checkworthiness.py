"""Rule-based check-worthiness and the learned scorer that replaces it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.domain.checkworthiness import (
    FEATURE_NAMES,
    features,
    is_likely_claim,
    named_actors,
    order_claims_first,
    score_sentence,
)
from workbench.domain.checkworthiness_model import (
    MIN_LABELS,
    dump_model,
    load_model,
    predict_scores,
    train_scorer,
)
from workbench.errors import InputError

CLAIM = (
    "The operation was a response to the April 22 Pahalgam terror attack, "
    "which killed 13 civilians, including tourists."
)


def test_figures_dates_and_events_make_a_likely_claim_with_reasons() -> None:
    result = score_sentence(CLAIM)
    assert result.score >= 0.8
    assert is_likely_claim(result.score)
    assert "figures or quantities (2)" in result.reasons
    assert "dates" in result.reasons
    assert "reports an event" in result.reasons
    assert any(reason.startswith("named actors (Pahalgam") for reason in result.reasons)


def test_attributed_quote_is_a_reason() -> None:
    result = score_sentence('He said, "We did manage to achieve a ceasefire," on Wednesday.')
    assert "attributed statement or quote" in result.reasons
    assert is_likely_claim(result.score)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("UN’s Role in Regional Peace: Are They Doing Enough?", "a question lowers it"),
        (
            "Comments are closed, but trackbacks and pingbacks are open.",
            "boilerplate or navigation lowers it",
        ),
        (
            "Rising nationalist voices in both countries may oppose cooperation.",
            "opinion or speculation lowers it",
        ),
        ("Background: Rising Tensions and Operation Sindoor", "headline or heading lowers it"),
        ("India responded firmly.", "very short"),
    ],
)
def test_questions_boilerplate_opinion_and_headings_score_low(text: str, reason: str) -> None:
    result = score_sentence(text)
    assert result.score < 0.35
    assert not is_likely_claim(result.score)
    assert reason in result.reasons


def test_may_the_month_is_not_speculation() -> None:
    assert (
        "opinion or speculation lowers it"
        not in score_sentence("Hostilities subsided after military-level talks on May 10.").reasons
    )


def test_claims_first_orders_by_score_and_keeps_reading_order_on_ties() -> None:
    assert order_claims_first([0.2, 0.9, 0.5, 0.9, 0.0]) == [1, 3, 2, 0, 4]
    assert order_claims_first([]) == []


@given(st.text(max_size=300))
def test_any_text_scores_within_bounds(text: str) -> None:
    result = score_sentence(text)
    assert 0.0 <= result.score <= 1.0
    assert len(features(text)) == len(FEATURE_NAMES)


def _training_data() -> tuple[list[str], list[bool]]:
    claims = [
        f"The ministry said {n} people were killed in the attack on May {n % 28 + 1}."
        for n in range(3, 23)
    ]
    others = [
        f"This could be a hopeful sign, and leaders should think about peace {word}."
        for word in "again now today soon together first more really truly also".split()
    ] + [f"Read more: opinion column number {n}" for n in range(10)]
    return claims + others, [True] * len(claims) + [False] * len(others)


def test_training_needs_enough_labels_of_both_classes() -> None:
    texts, labels = _training_data()
    with pytest.raises(InputError, match=f"need at least {MIN_LABELS}"):
        train_scorer(texts[:10], labels[:10])
    with pytest.raises(InputError, match=r"\(40 claims, 0 not_a_claim\)"):
        train_scorer(texts[:20] * 2, labels[:20] * 2)


def test_trained_model_ranks_claims_above_opinion_and_round_trips() -> None:
    texts, labels = _training_data()
    trained = train_scorer(texts, labels)
    assert trained.trained_on == 40
    assert trained.metrics["claims"] == 20 and trained.metrics["not_a_claim"] == 20
    assert 0.0 <= float(trained.metrics["cv_f1"]) <= 1.0  # type: ignore[arg-type]
    probe = ["Officials said 40 people were killed on May 2.", "Peace could be a hopeful sign."]
    claim, opinion = predict_scores(trained.model, probe)
    assert claim > 0.5 > opinion
    restored = load_model(dump_model(trained.model))
    assert predict_scores(restored, probe) == [claim, opinion]
    assert predict_scores(restored, []) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("May 10 saw a ceasefire agreed by India and Pakistan.", ["India", "Pakistan"]),
        ("Bhutto met Guterres in New York.", ["Guterres", "New", "York"]),
        ("“Pakistan wants peace,” Bhutto said.", ["Bhutto"]),
        ("ISI and RAW could work together.", ["ISI", "RAW"]),
    ],
)
def test_named_actors_skip_calendar_words_and_a_lone_first_word(
    text: str, names: list[str]
) -> None:
    assert named_actors(text) == names
