"""Check-worthiness scores: the scorer in force (rules, or the newest trained model) and scoring.

A stored model is plain data checked against its digest; the predictor rebuilt from it is
cached by digest, a few at a time. Training a model is ``workbench.services.scorer_training``.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from sqlalchemy.orm import Session

from workbench.db import claims as claim_queries
from workbench.db.models import ScorerModel, Sentence
from workbench.domain.checkworthiness import score_sentence
from workbench.domain.checkworthiness_model import (
    MODEL_FORMAT,
    PlainScorer,
    load_model,
    predict_scores,
    refusal,
)

_models: OrderedDict[str, PlainScorer] = OrderedDict()
_models_lock = threading.Lock()
_MODELS_KEPT = 4


def _model_name(scorer: ScorerModel) -> str:
    when = scorer.created_at.strftime("%Y-%m-%d %H:%M UTC")
    return f"check-worthiness model {scorer.id} (stored {when})"


def load_scorer(session: Session, *, scorer: ScorerModel) -> PlainScorer:
    """The predictor of a stored scorer, rebuilt from its plain data (cached by digest)."""
    with _models_lock:
        cached = _models.get(scorer.digest) if scorer.digest else None
        if cached is not None:
            _models.move_to_end(scorer.digest)
            return cached
    name = _model_name(scorer)
    if scorer.format != MODEL_FORMAT:
        # Decided from the format column alone: the payload of such a row is never read.
        found = repr(scorer.format) if scorer.format else "none (an older version's pickle)"
        raise refusal(name, f"its stored format is {found}")
    payload = claim_queries.scorer_payload(session, scorer_id=scorer.id) or b""
    if hashlib.sha256(payload).hexdigest() != scorer.digest:
        raise refusal(name, "its data does not match its digest")
    model = load_model(payload, name=name)
    with _models_lock:
        _models[scorer.digest] = model
        while len(_models) > _MODELS_KEPT:
            _models.popitem(last=False)
    return model


def active_model(session: Session) -> PlainScorer | None:
    """The learned scorer that ranks sentences, or None while the rules do.

    Raises InputError naming the row when the newest stored model is not plain data (an
    older version's pickle, or anything else): it is refused, never loaded.
    """
    scorer = claim_queries.latest_scorer(session)
    return None if scorer is None else load_scorer(session, scorer=scorer)


def score_texts(texts: list[str], model: PlainScorer | None) -> list[tuple[float, list[str]]]:
    """Score and rule reasons of each sentence: the model's score once there is one."""
    rules = [score_sentence(text) for text in texts]
    values = [r.score for r in rules] if model is None else predict_scores(model, texts)
    return [(value, list(rule.reasons)) for rule, value in zip(rules, values, strict=True)]


def _score(session: Session, sentences: list[Sentence]) -> None:
    """Rule reasons always; the score from the learned model once there is one."""
    scored = score_texts([s.text for s in sentences], active_model(session))
    for sentence, (value, reasons) in zip(sentences, scored, strict=True):
        sentence.checkworthiness = value
        sentence.check_reasons = reasons


def score_articles(session: Session, *, article_ids: list[str]) -> int:
    """Score (again) every sentence of these articles; return how many were scored."""
    sentences = claim_queries.sentences_of(session, article_ids=article_ids)
    _score(session, sentences)
    return len(sentences)
