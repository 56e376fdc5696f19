"""What the learned models share: the trained record, cross-validation, the plain-data checks.

The check-worthiness scorer and the link model are both scikit-learn classifiers fitted on the
team's decisions, measured by stratified cross-validation, and stored as plain JSON numbers in
a document naming its format. A stored document is parsed here before either model rebuilds
itself from it, so a pickle or any other document is refused the same way for both.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeGuard, TypeVar

import numpy as np
import orjson
from numpy.typing import NDArray

Model = TypeVar("Model")


@dataclass(frozen=True, slots=True)
class Trained(Generic[Model]):
    """A fitted model with how many examples it learned from and how it measured.

    Build it as ``Trained(...)``: calling a subscripted alias (``Trained[X](...)``) fails on a
    frozen slotted dataclass in Python 3.11.
    """

    model: Model
    trained_on: int
    metrics: dict[str, object]


class RefusedDocument(Exception):
    """A stored model document that is not the plain data its model writes (reason in the text)."""


def cross_validate(
    make: Callable[[], Any], data: Any, target: NDArray[np.int_]
) -> tuple[dict[str, object], NDArray[np.int_]]:
    """Stratified k-fold (at most 5) predictions of ``make()``; precision, recall, F1 of class 1.

    Returns the metrics (``cv_folds``, ``cv_precision``, ``cv_recall``, ``cv_f1``) and the
    out-of-fold predictions, for a caller that reports more.
    """
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    folds = int(min(5, target.sum(), len(target) - target.sum()))
    split = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    predicted: NDArray[np.int_] = np.asarray(cross_val_predict(make(), data, target, cv=split))
    tp = int(((predicted == 1) & (target == 1)).sum())
    fp = int(((predicted == 1) & (target == 0)).sum())
    fn = int(((predicted == 0) & (target == 1)).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    metrics: dict[str, object] = {
        "cv_folds": folds,
        "cv_precision": round(precision, 4),
        "cv_recall": round(recall, 4),
        "cv_f1": round(f1, 4),
    }
    return metrics, predicted


def read_document(payload: bytes, format: str, *, pickle_note: str = "") -> dict[str, Any]:
    """The JSON object of a stored model in ``format``; raises RefusedDocument on anything else.

    A pickle (or a zlib-compressed one) is named as such and never unpickled.
    """
    if payload[:1] == b"\x80" or payload[:2] in (b"x\x9c", b"x\x01", b"x\xda"):
        raise RefusedDocument(f"it is a pickle (or a compressed one){pickle_note}")
    try:
        document = orjson.loads(payload)
    except orjson.JSONDecodeError:
        raise RefusedDocument("it is not a JSON document") from None
    if not isinstance(document, dict) or document.get("format") != format:
        raise RefusedDocument(f"it is not a {format} document")
    return document


def is_number(value: object) -> TypeGuard[int | float]:
    """Whether ``value`` is a finite int or float as JSON gives them (a bool is not)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def finite_floats(value: object, what: str, length: int | None = None) -> NDArray[np.float64]:
    """``value`` as a float array when it is a list of finite numbers (of ``length``, if given)."""
    if not isinstance(value, list) or not all(is_number(x) for x in value):
        raise RefusedDocument(f"{what} is not a list of finite numbers")
    if length is not None and len(value) != length:
        raise RefusedDocument(f"{what} has {len(value)} values, expected {length}")
    return np.array(value, dtype=np.float64)
