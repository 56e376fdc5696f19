"""The learned link filter: a logistic model over the linker's pair features, fitted on decisions.

Reviewers decide whether a suggested link joins the same claim. The majority of their decisions
on each pair trains a scikit-learn ``LogisticRegression`` over the features the linker computes
for a pair (its combined similarity, shared words, figures, dates and names, a conflict found);
once a model is stored, a candidate link is kept only when the model gives it a probability of
at least ``ACCEPT``, and that probability is the link's ranking score (``link_score``). Like the
check-worthiness scorer, the fitted model is stored as plain data (feature names, coefficients,
intercept as JSON), never as a pickle.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import orjson
from numpy.typing import NDArray

from workbench.domain.claim_facts import extract_facts, find_conflict
from workbench.domain.claim_links import content_tokens, name_vocabulary, similarity_rows
from workbench.domain.plain_models import (
    RefusedDocument,
    Trained,
    cross_validate,
    is_number,
    read_document,
)
from workbench.errors import InputError

LINK_MODEL_FORMAT = "workbench.claimlinks/1"
"""The one stored format of link models this version reads (see ``dump_link_model``)."""
MIN_PER_CLASS = 5
"""Decided pairs of each class ("same claim", "not the same claim") needed to train."""
ACCEPT = 0.5
"""Probability at or above which a candidate link is kept once a model is stored."""
FEATURE_NAMES = (
    "similarity",
    "word_overlap",
    "shared_numbers",
    "numbers_differ",
    "shared_dates",
    "shared_names",
    "length_ratio",
    "conflict",
)

Key = TypeVar("Key", bound=Hashable)


@dataclass(frozen=True, slots=True)
class LinkModel:
    """A fitted link model as numbers: one weight per feature and the intercept."""

    coef: NDArray[np.float64]
    intercept: float

    def probabilities(self, rows: Sequence[Sequence[float]]) -> NDArray[np.float64]:
        """Probability that each pair (a row of ``pair_features``) is the same claim."""
        if not rows:
            return np.zeros(0)
        matrix = np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURE_NAMES))
        decision = matrix @ self.coef + self.intercept
        result: NDArray[np.float64] = 1.0 / (1.0 + np.exp(-decision))
        return result


TrainedLinkModel = Trained[LinkModel]
"""A fitted link model with the decided pairs it learned from and how it measured."""


def pair_similarity(a: str, b: str) -> float:
    """The linker's combined similarity of two sentences compared on their own."""
    return float(similarity_rows([a, b], [0])[0, 1])


def pair_features(a: str, b: str, similarity: float) -> list[float]:
    """The features of one pair, in ``FEATURE_NAMES`` order; ``similarity`` is the linker's."""
    left, right = set(content_tokens(a)), set(content_tokens(b))
    union = left | right
    numbers_a = {t for t in left if t[0].isdigit()}
    numbers_b = {t for t in right if t[0].isdigit()}
    dates = {t for t in left & right if t.startswith("date") and t[4:].isdigit()}
    shorter, longer = sorted((len(content_tokens(a)), len(content_tokens(b))))
    return [
        float(similarity),
        len(left & right) / len(union) if union else 0.0,
        math.log1p(len(numbers_a & numbers_b)),
        1.0 if numbers_a and numbers_b and numbers_a.isdisjoint(numbers_b) else 0.0,
        math.log1p(len(dates)),
        math.log1p(len(name_vocabulary([a]) & name_vocabulary([b]))),
        shorter / longer if longer else 0.0,
        1.0 if find_conflict(extract_facts(a), extract_facts(b)) else 0.0,
    ]


def majority(votes: Iterable[tuple[Key, bool]]) -> dict[Key, bool]:
    """Each pair's majority decision; a pair whose reviewers split evenly is left out."""
    tally: dict[Key, int] = {}
    for key, same in votes:
        tally[key] = tally.get(key, 0) + (1 if same else -1)
    return {key: count > 0 for key, count in tally.items() if count != 0}


def check_decisions(labels: Sequence[bool]) -> None:
    """Raise InputError unless there are enough decided pairs of both classes to learn from."""
    same = sum(labels)
    other = len(labels) - same
    if same < MIN_PER_CLASS or other < MIN_PER_CLASS:
        raise InputError(
            f"not enough link decisions to train: {len(labels)} decided pair(s) ({same} "
            f"'same claim', {other} 'not the same claim', by the majority of reviewers); "
            f"need at least {MIN_PER_CLASS} of each"
        )


def _classifier() -> object:
    """Standardised features, then a logistic regression.

    Not class-balanced: the decisions are on shown links, the same population the model then
    filters, so their share of "same claim" is the prior it should keep.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, C=1.0))


def train_link_model(rows: Sequence[Sequence[float]], labels: Sequence[bool]) -> TrainedLinkModel:
    """Fit "same claim" (True) vs "not the same claim" (False) on feature rows of decided pairs."""
    if len(rows) != len(labels):
        raise ValueError("rows and labels differ in length")
    check_decisions(labels)
    matrix = np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURE_NAMES))
    target = np.array(labels, dtype=int)
    metrics, _ = cross_validate(_classifier, matrix, target)
    metrics.update(
        {"same_claim": int(target.sum()), "not_same_claim": int(len(target) - target.sum())}
    )
    fitted: Any = _classifier()
    fitted.fit(matrix, target)
    scaler, classifier = fitted.steps[0][1], fitted.steps[1][1]
    # The scaling folded into the weights: one weight per raw feature and an intercept.
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    weights = np.array(classifier.coef_, dtype=np.float64).ravel() / scale
    intercept = float(classifier.intercept_[0]) - float(weights @ scaler.mean_)
    return Trained(LinkModel(weights, intercept), len(labels), metrics)


def dump_link_model(model: LinkModel) -> bytes:
    """The model as a UTF-8 JSON document (format ``LINK_MODEL_FORMAT``), floats exact."""
    return orjson.dumps(
        {
            "format": LINK_MODEL_FORMAT,
            "features": list(FEATURE_NAMES),
            "coef": model.coef.tolist(),
            "intercept": model.intercept,
        }
    )


def _parse(payload: bytes) -> LinkModel:
    document = read_document(payload, LINK_MODEL_FORMAT)
    if document.get("features") != list(FEATURE_NAMES):
        raise RefusedDocument("its features are not this version's")
    coef, intercept = document.get("coef"), document.get("intercept")
    if (
        not isinstance(coef, list)
        or len(coef) != len(FEATURE_NAMES)
        or not all(is_number(x) for x in coef)
        or not is_number(intercept)
    ):
        raise RefusedDocument(
            "its coefficients are not one finite number per feature and an intercept"
        )
    return LinkModel(np.array(coef, dtype=np.float64), float(intercept))


def link_model_refusal(name: str, reason: str) -> InputError:
    """The error that refuses a stored link model: what it is, why, and how to replace it."""
    return InputError(
        f"{name} is refused and was not loaded: {reason}; only plain-data link models "
        f"({LINK_MODEL_FORMAT}) are read. Run `workbench retrain-links` to replace it"
    )


def load_link_model(payload: bytes, *, name: str = "the stored link model") -> LinkModel:
    """Rebuild a model from ``dump_link_model``'s JSON; anything else is refused, never run."""
    try:
        return _parse(payload)
    except RefusedDocument as exc:
        raise link_model_refusal(name, str(exc)) from None


def link_probabilities(model: LinkModel, pairs: Sequence[tuple[str, str, float]]) -> list[float]:
    """Probability that each candidate pair (two texts and the linker's similarity) is one claim."""
    rows = [pair_features(a, b, similarity) for a, b, similarity in pairs]
    return [float(p) for p in model.probabilities(rows)]


def keep_links(
    model: LinkModel, pairs: Sequence[tuple[str, str, float]], *, accept: float = ACCEPT
) -> list[bool]:
    """Whether each candidate pair (two texts and the linker's similarity) is kept."""
    return [p >= accept for p in link_probabilities(model, pairs)]


def link_score(probability: float) -> float:
    """The ranking score stored on a link: the model's probability, to 4 places."""
    return round(probability, 4)
