"""The link model: pair features, majority decisions, training refusals, plain-data storage."""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np
import orjson
import pytest

from workbench.domain.link_model import (
    FEATURE_NAMES,
    LINK_MODEL_FORMAT,
    MIN_PER_CLASS,
    LinkModel,
    _classifier,
    dump_link_model,
    keep_links,
    load_link_model,
    majority,
    pair_features,
    pair_similarity,
    train_link_model,
)
from workbench.errors import InputError

SAME_A = "The April 22 Pahalgam terror attack killed 13 civilians, including tourists."
SAME_B = "The April 22 Pahalgam terrorist attack claimed 26 lives, officials said."
OTHER = "Bhutto appealed for dialogue at a press event at the United Nations in New York."


def test_features_name_what_the_linker_compares() -> None:
    row = dict(zip(FEATURE_NAMES, pair_features(SAME_A, SAME_B, 0.4), strict=True))
    assert row["similarity"] == 0.4
    assert 0 < row["word_overlap"] < 1
    assert row["shared_dates"] > 0  # April 22
    assert row["numbers_differ"] == 1.0  # 13 vs 26
    assert row["conflict"] == 1.0  # 13 vs 26 killed
    assert 0 < row["length_ratio"] <= 1
    far = dict(zip(FEATURE_NAMES, pair_features(SAME_A, OTHER, 0.1), strict=True))
    assert far["shared_dates"] == 0 and far["conflict"] == 0.0
    assert far["word_overlap"] < row["word_overlap"]
    assert pair_similarity(SAME_A, SAME_B) > pair_similarity(SAME_A, OTHER)


def test_majority_per_pair_drops_even_splits() -> None:
    votes = [("p", True), ("p", True), ("p", False), ("q", False), ("r", True), ("r", False)]
    assert majority(votes) == {"p": True, "q": False}


def _rows(n_same: int, n_other: int) -> tuple[list[list[float]], list[bool]]:
    rng = np.random.default_rng(0)
    rows, labels = [], []
    for i in range(n_same + n_other):
        same = i < n_same
        base = 0.5 if same else 0.18
        rows.append([base + rng.uniform(0, 0.1), 0.4 if same else 0.1, 0, 0, 0, 0, 0.8, 0])
        labels.append(same)
    return rows, labels


def test_training_refuses_too_few_decisions_of_a_class() -> None:
    rows, labels = _rows(MIN_PER_CLASS + 3, MIN_PER_CLASS - 1)
    with pytest.raises(InputError) as raised:
        train_link_model(rows, labels)
    assert str(raised.value) == (
        f"not enough link decisions to train: {len(labels)} decided pair(s) (8 'same claim', "
        f"4 'not the same claim', by the majority of reviewers); need at least {MIN_PER_CLASS} "
        "of each"
    )


def test_trained_model_separates_and_round_trips_as_plain_json() -> None:
    rows, labels = _rows(8, 8)
    trained = train_link_model(rows, labels)
    assert trained.trained_on == 16
    assert trained.metrics["same_claim"] == 8 and trained.metrics["not_same_claim"] == 8
    assert trained.metrics["cv_f1"] == 1.0
    payload = dump_link_model(trained.model)
    document = orjson.loads(payload)
    assert document["format"] == LINK_MODEL_FORMAT and document["features"] == list(FEATURE_NAMES)
    loaded = load_link_model(payload)
    assert np.array_equal(loaded.coef, trained.model.coef)
    assert loaded.intercept == trained.model.intercept
    probabilities = loaded.probabilities(rows)
    assert all((p >= 0.5) == same for p, same in zip(probabilities, labels, strict=True))
    # The stored numbers predict what the fitted scikit-learn pipeline (scaler folded in) does.
    fitted: Any = _classifier()
    fitted.fit(np.array(rows), np.array(labels, dtype=int))
    assert np.allclose(probabilities, fitted.predict_proba(np.array(rows))[:, 1], atol=1e-9)


def test_keep_links_applies_the_acceptance_probability() -> None:
    # Weights only the similarity: above 0.3 kept, below dropped.
    model = LinkModel(np.array([20.0, 0, 0, 0, 0, 0, 0, 0]), -6.0)
    assert keep_links(model, [(SAME_A, SAME_B, 0.5), (SAME_A, OTHER, 0.2)]) == [True, False]
    assert keep_links(model, []) == []


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (pickle.dumps({"format": LINK_MODEL_FORMAT}), "it is a pickle"),
        (b"not json", "it is not a JSON document"),
        (orjson.dumps({"format": "workbench.checkworthiness/1"}), "it is not a workbench"),
        (
            orjson.dumps({"format": LINK_MODEL_FORMAT, "features": ["x"], "coef": [1]}),
            "its features are not this version's",
        ),
        (
            orjson.dumps(
                {
                    "format": LINK_MODEL_FORMAT,
                    "features": list(FEATURE_NAMES),
                    "coef": [1.0] * 7,
                    "intercept": 0.0,
                }
            ),
            "its coefficients are not one finite number per feature",
        ),
        (
            orjson.dumps(
                {
                    "format": LINK_MODEL_FORMAT,
                    "features": list(FEATURE_NAMES),
                    "coef": [1.0] * 8,
                    "intercept": "0",
                }
            ),
            "its coefficients are not one finite number per feature",
        ),
    ],
)
def test_anything_but_the_plain_document_is_refused(payload: bytes, reason: str) -> None:
    with pytest.raises(InputError) as raised:
        load_link_model(payload, name="link model 7")
    message = str(raised.value)
    assert message.startswith("link model 7 is refused and was not loaded: ")
    assert reason in message and "`workbench retrain-links`" in message
