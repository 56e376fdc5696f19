"""The learned check-worthiness scorer: TF-IDF plus the rule cues, fitted on the team's labels.

A fitted model is kept and stored as plain data only (terms, idf weights, coefficients and
settings as JSON; see ``dump_model``), never as a pickle: loading a stored model parses JSON
and rebuilds the predictor from numbers, so a database row can never run code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import orjson
from numpy.typing import NDArray

from workbench.domain.checkworthiness import FEATURE_NAMES, features
from workbench.domain.plain_models import (
    RefusedDocument,
    Trained,
    cross_validate,
    finite_floats,
    is_number,
    read_document,
)
from workbench.errors import InputError

MIN_LABELS = 30
MIN_PER_CLASS = 5
MODEL_FORMAT = "workbench.checkworthiness/1"
"""The one stored format this version reads: the JSON document written by ``dump_model``."""

_SHARED_SETTINGS: dict[str, Any] = {"sublinear_tf": True, "lowercase": True, "norm": "l2"}
WORD_SETTINGS: dict[str, Any] = {"analyzer": "word", "ngram_range": (1, 2), **_SHARED_SETTINGS}
CHAR_SETTINGS: dict[str, Any] = {"analyzer": "char_wb", "ngram_range": (3, 4), **_SHARED_SETTINGS}
_ANALYZERS = ("word", "char_wb")


@dataclass(frozen=True, slots=True, eq=False)
class TfidfPart:
    """One TF-IDF block of the model: its settings, terms in column order, idf and weights."""

    settings: dict[str, Any]
    terms: tuple[str, ...]
    idf: NDArray[np.float64]
    coef: NDArray[np.float64]
    _vectorizer: list[Any] = field(default_factory=list, compare=False, repr=False)

    def transform(self, texts: Sequence[str]) -> Any:
        """The TF-IDF rows of ``texts`` over this block's fixed vocabulary (sparse matrix)."""
        if not self._vectorizer:
            from sklearn.feature_extraction.text import TfidfVectorizer

            vectorizer = TfidfVectorizer(
                analyzer=self.settings["analyzer"],
                ngram_range=tuple(self.settings["ngram_range"]),
                sublinear_tf=self.settings["sublinear_tf"],
                lowercase=self.settings["lowercase"],
                norm=self.settings["norm"],
                vocabulary={term: column for column, term in enumerate(self.terms)},
            )
            vectorizer.idf_ = self.idf
            self._vectorizer.append(vectorizer)
        return self._vectorizer[0].transform(list(texts))


@dataclass(frozen=True, slots=True, eq=False)
class PlainScorer:
    """A fitted scorer as numbers: two TF-IDF blocks, the cue weights and the intercept."""

    words: TfidfPart
    chars: TfidfPart
    cue_coef: NDArray[np.float64]
    intercept: float

    def probabilities(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """Probability that each text is a claim, computed as the fitted logistic model does."""
        from scipy import sparse  # type: ignore[import-untyped]
        from scipy.special import expit  # type: ignore[import-untyped]

        matrix = sparse.hstack(
            [self.words.transform(texts), self.chars.transform(texts), cue_matrix(texts)]
        ).tocsr()
        weights = np.concatenate([self.words.coef, self.chars.coef, self.cue_coef])
        decision = np.asarray(matrix @ weights.reshape(1, -1).T).ravel() + self.intercept
        result: NDArray[np.float64] = expit(decision)
        return result


TrainedScorer = Trained[PlainScorer]
"""A fitted scorer with the labeled sentences it learned from and how it measured."""


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
            ("words", TfidfVectorizer(min_df=1, **WORD_SETTINGS)),
            ("chars", TfidfVectorizer(**CHAR_SETTINGS)),
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
    target = np.array(labels, dtype=int)
    metrics, predicted = cross_validate(_pipeline, list(texts), target)
    return {
        "cv_folds": metrics["cv_folds"],
        "cv_accuracy": round(float((predicted == target).mean()), 4),
        **{key: value for key, value in metrics.items() if key != "cv_folds"},
    }


def fit_pipeline(texts: Sequence[str], labels: Sequence[bool]) -> Any:
    """The scikit-learn pipeline fitted on claim (True) vs not_a_claim (False)."""
    return _pipeline().fit(list(texts), np.array(labels, dtype=int))


def _part(vectorizer: Any, coef: NDArray[np.float64], settings: dict[str, Any]) -> TfidfPart:
    terms = [""] * len(vectorizer.vocabulary_)
    for term, column in vectorizer.vocabulary_.items():
        terms[column] = term
    return TfidfPart(
        dict(settings), tuple(terms), np.array(vectorizer.idf_, dtype=np.float64), coef
    )


def plain_scorer(pipeline: Any) -> PlainScorer:
    """The numbers of a pipeline fitted by ``fit_pipeline``, as a PlainScorer."""
    union = pipeline.named_steps["features"]
    classifier = pipeline.named_steps["classifier"]
    words = union.transformer_list[0][1]
    chars = union.transformer_list[1][1]
    coef = np.array(classifier.coef_, dtype=np.float64).ravel()
    n_words, n_chars = len(words.vocabulary_), len(chars.vocabulary_)
    return PlainScorer(
        _part(words, coef[:n_words], WORD_SETTINGS),
        _part(chars, coef[n_words : n_words + n_chars], CHAR_SETTINGS),
        coef[n_words + n_chars :].copy(),
        float(classifier.intercept_[0]),
    )


def train_scorer(texts: Sequence[str], labels: Sequence[bool]) -> TrainedScorer:
    """Fit claim (True) vs not_a_claim (False) on labeled sentences; metrics by cross-validation."""
    if len(texts) != len(labels):
        raise ValueError("texts and labels differ in length")
    check_training_set(labels)
    metrics = _cross_validate(texts, labels)
    metrics.update({"claims": int(sum(labels)), "not_a_claim": len(labels) - int(sum(labels))})
    model = plain_scorer(fit_pipeline(texts, labels))
    return Trained(model, len(labels), metrics)


def predict_scores(model: PlainScorer, texts: Sequence[str]) -> list[float]:
    """Probability that each text is a claim, rounded to 4 places."""
    if not texts:
        return []
    return [round(float(p), 4) for p in model.probabilities(texts)]


def _part_document(part: TfidfPart) -> dict[str, object]:
    settings = dict(part.settings)
    settings["ngram_range"] = list(settings["ngram_range"])
    return {
        "settings": settings,
        "terms": list(part.terms),
        "idf": part.idf.tolist(),
        "coef": part.coef.tolist(),
    }


def dump_model(model: PlainScorer) -> bytes:
    """The model as a UTF-8 JSON document (format ``MODEL_FORMAT``), floats exact."""
    return orjson.dumps(
        {
            "format": MODEL_FORMAT,
            "words": _part_document(model.words),
            "chars": _part_document(model.chars),
            "cues": {"names": list(FEATURE_NAMES), "coef": model.cue_coef.tolist()},
            "intercept": model.intercept,
        }
    )


def _settings(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, Mapping) or set(value) != set(WORD_SETTINGS):
        raise RefusedDocument(f"{what} settings must have exactly the keys {sorted(WORD_SETTINGS)}")
    ngrams = value["ngram_range"]
    if (
        value["analyzer"] not in _ANALYZERS
        or value["norm"] != "l2"
        or not isinstance(value["sublinear_tf"], bool)
        or not isinstance(value["lowercase"], bool)
        or not isinstance(ngrams, list)
        or len(ngrams) != 2
        or not all(isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 6 for n in ngrams)
        or ngrams[0] > ngrams[1]
    ):
        raise RefusedDocument(f"{what} settings are not ones this version uses")
    return {**value, "ngram_range": (ngrams[0], ngrams[1])}


def _read_part(value: object, what: str) -> TfidfPart:
    if not isinstance(value, Mapping):
        raise RefusedDocument(f"{what} is not an object")
    terms = value.get("terms")
    if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
        raise RefusedDocument(f"{what} terms are not a list of strings")
    if len(set(terms)) != len(terms):
        raise RefusedDocument(f"{what} terms repeat")
    return TfidfPart(
        _settings(value.get("settings"), what),
        tuple(terms),
        finite_floats(value.get("idf"), f"{what} idf", len(terms)),
        finite_floats(value.get("coef"), f"{what} coef", len(terms)),
    )


def _parse(payload: bytes) -> PlainScorer:
    document = read_document(payload, MODEL_FORMAT, pickle_note=", the format of older versions")
    cues = document.get("cues")
    if not isinstance(cues, dict) or cues.get("names") != list(FEATURE_NAMES):
        raise RefusedDocument("its cue names are not this version's")
    intercept = document.get("intercept")
    if not is_number(intercept):
        raise RefusedDocument("its intercept is not a number")
    return PlainScorer(
        _read_part(document.get("words"), "words"),
        _read_part(document.get("chars"), "chars"),
        finite_floats(cues.get("coef"), "cue coef", len(FEATURE_NAMES)),
        float(intercept),
    )


def refusal(name: str, reason: str) -> InputError:
    """The error that refuses a stored model: what it is, why, and how to replace it."""
    return InputError(
        f"{name} is refused and was not loaded: {reason}; only plain-data models "
        f"({MODEL_FORMAT}) are read. Retrain the scorer (`workbench retrain` or Retrain "
        "in the app) to replace it"
    )


def load_model(payload: bytes, *, name: str = "the stored check-worthiness model") -> PlainScorer:
    """Rebuild a model from ``dump_model``'s JSON; anything else is refused, never executed."""
    try:
        return _parse(payload)
    except RefusedDocument as exc:
        raise refusal(name, str(exc)) from None
