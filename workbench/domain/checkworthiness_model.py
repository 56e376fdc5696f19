"""The learned check-worthiness scorer: TF-IDF plus the rule cues, fitted on the team's labels."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from workbench.domain.checkworthiness import features
from workbench.errors import InputError

MIN_LABELS = 30
MIN_PER_CLASS = 5


@dataclass(frozen=True, slots=True)
class TrainedScorer:
    """A fitted model with what it was trained on and how it measured."""

    model: Any
    trained_on: int
    metrics: dict[str, object]


def cue_matrix(texts: Sequence[str]) -> NDArray[np.float64]:
    """The rule cues of each text as a scaled matrix (the model's hand-made features)."""
    rows = np.array([features(text) for text in texts], dtype=float).reshape(len(texts), -1)
    scaled: NDArray[np.float64] = np.log1p(rows)
    return scaled


def _pipeline() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.preprocessing import FunctionTransformer

    union = FeatureUnion(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), sublinear_tf=True)),
            ("cues", FunctionTransformer(cue_matrix)),
        ]
    )
    classifier = LogisticRegression(class_weight="balanced", max_iter=2000, C=2.0)
    return Pipeline([("features", union), ("classifier", classifier)])


def check_training_set(labels: Sequence[bool]) -> None:
    """Raise InputError unless there are enough labels of both classes to learn from."""
    claims = sum(labels)
    others = len(labels) - claims
    if len(labels) < MIN_LABELS or claims < MIN_PER_CLASS or others < MIN_PER_CLASS:
        raise InputError(
            f"not enough labels to train: {len(labels)} labeled sentences ({claims} claims, "
            f"{others} not_a_claim); need at least {MIN_LABELS} with {MIN_PER_CLASS} of each"
        )


def _cross_validate(texts: Sequence[str], labels: Sequence[bool]) -> dict[str, object]:
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    target = np.array(labels, dtype=int)
    folds = int(min(5, target.sum(), len(target) - target.sum()))
    split = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    predicted = cross_val_predict(_pipeline(), list(texts), target, cv=split)
    tp = int(((predicted == 1) & (target == 1)).sum())
    fp = int(((predicted == 1) & (target == 0)).sum())
    fn = int(((predicted == 0) & (target == 1)).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "cv_folds": folds,
        "cv_accuracy": round(float((predicted == target).mean()), 4),
        "cv_precision": round(precision, 4),
        "cv_recall": round(recall, 4),
        "cv_f1": round(f1, 4),
    }


def train_scorer(texts: Sequence[str], labels: Sequence[bool]) -> TrainedScorer:
    """Fit claim (True) vs not_a_claim (False) on labeled sentences; metrics by cross-validation."""
    if len(texts) != len(labels):
        raise ValueError("texts and labels differ in length")
    check_training_set(labels)
    metrics = _cross_validate(texts, labels)
    metrics.update({"claims": int(sum(labels)), "not_a_claim": len(labels) - int(sum(labels))})
    model = _pipeline().fit(list(texts), np.array(labels, dtype=int))
    return TrainedScorer(model, len(labels), metrics)


def predict_scores(model: Any, texts: Sequence[str]) -> list[float]:
    """Probability that each text is a claim, rounded to 4 places."""
    if not texts:
        return []
    probabilities = model.predict_proba(list(texts))[:, 1]
    return [round(float(p), 4) for p in probabilities]


def dump_model(model: Any) -> bytes:
    """Serialise a fitted model for the scorer_models table."""
    import joblib

    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    return buffer.getvalue()


def load_model(payload: bytes) -> Any:
    """Load a model serialised by dump_model (only ever from this workbench's own database)."""
    import joblib

    return joblib.load(io.BytesIO(payload))
