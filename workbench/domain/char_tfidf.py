"""Character n-gram TF-IDF with per-text counts cached across calls."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

_CHAR_FEATURES = 2**20
_CHAR_CACHE_LIMIT = 50_000
_char_counts: dict[str, Any] = {}


def char_tfidf(texts: Sequence[str]) -> Any:
    """Character 3-5-gram TF-IDF rows (sublinear tf, smoothed idf over ``texts``, l2 norm).

    The same weighting as sklearn's ``TfidfVectorizer(analyzer="char_wb", sublinear_tf=True)``
    over hashed n-grams, with each text's n-gram counts cached: linking compares a few new
    sentences with thousands already seen, and counting their n-grams again dominated.
    """
    from scipy import sparse  # type: ignore[import-untyped]
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.preprocessing import normalize

    missing = list(dict.fromkeys(t for t in texts if t not in _char_counts))
    if missing:
        if len(_char_counts) + len(missing) > _CHAR_CACHE_LIMIT:
            _char_counts.clear()
        hashing = HashingVectorizer(
            analyzer="char_wb",
            ngram_range=(3, 5),
            n_features=_CHAR_FEATURES,
            alternate_sign=False,
            norm=None,
        )
        counts = hashing.transform(missing).tocsr()
        for i, text in enumerate(missing):
            _char_counts[text] = counts[i]
    matrix = sparse.vstack([_char_counts[t] for t in texts], format="csr").astype(np.float64)
    matrix.sum_duplicates()
    np.log(matrix.data, out=matrix.data)
    matrix.data += 1.0
    df = np.bincount(matrix.indices, minlength=_CHAR_FEATURES)
    idf = np.log((1 + len(texts)) / (1 + df[matrix.indices])) + 1.0
    matrix.data *= idf
    return normalize(matrix, norm="l2", copy=False)
