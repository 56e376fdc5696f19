"""Claim intelligence: score sentences, link claims across articles, retrain the scorer."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from workbench.db import claims as claim_queries
from workbench.db import queries
from workbench.db.claims import RelatedSentence
from workbench.db.engine import Database
from workbench.db.evidence import evidence_of
from workbench.db.models import ScorerModel, Sentence
from workbench.domain.checkworthiness import score_sentence
from workbench.domain.checkworthiness_model import (
    MIN_LABELS,
    MIN_PER_CLASS,
    MODEL_FORMAT,
    PlainScorer,
    dump_model,
    load_model,
    predict_scores,
    refusal,
    train_scorer,
)
from workbench.domain.labels import (
    MAX_QUOTE_LENGTH,
    NO_EVIDENCE,
    Evidence,
    Label,
    Role,
    parse_sentence_ref,
    takes_evidence,
)
from workbench.errors import InputError, NotFoundError
from workbench.services.permissions import require_role
from workbench.services.reviewer_labels import record_label

RULES = "rules"
REFUSED = "refused"
RESCORE_BATCH = 5_000
"""Sentences rescored per write transaction by ``retrain_scorer``."""


@dataclass(frozen=True, slots=True)
class ScorerStatus:
    """Which check-worthiness scorer ranks sentences, and how many labels could train one.

    ``usable_labels`` counts gold (adjudicated) labels only, the one training source (see
    ``retrain_scorer``); ``problem`` says why a stored model is refused (name ``"refused"``).
    """

    name: str
    description: str
    trained_on: int | None
    trained_at: datetime | None
    metrics: dict[str, object]
    usable_labels: int
    usable_claims: int = 0
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class RelatedPanel:
    """What the "also reported in" panel shows one reviewer for one sentence."""

    related: list[RelatedSentence]
    label: str | None
    cited: frozenset[str]


@dataclass(frozen=True, slots=True)
class RetrainReport:
    """What a retrain did: the labels it learned from, its metrics, the sentences rescored."""

    trained_on: int
    metrics: dict[str, object]
    rescored: int
    batches: int = 0


_models: OrderedDict[str, PlainScorer] = OrderedDict()
_models_lock = threading.Lock()
_MODELS_KEPT = 4


def _model_name(scorer: ScorerModel) -> str:
    when = scorer.created_at.strftime("%Y-%m-%d %H:%M UTC")
    return f"check-worthiness model {scorer.id} (stored {when})"


def _rebuild(session: Session, scorer: ScorerModel) -> PlainScorer:
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
    return None if scorer is None else _rebuild(session, scorer)


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


def training_label(gold: str) -> bool:
    """Claim (True) or not_a_claim (False) of an adjudicated label."""
    return gold != Label.NOT_A_CLAIM


def _training_set(session: Session) -> tuple[list[str], list[bool]]:
    """Texts and claim flags of the finished round: sentences with a gold label, nothing else.

    Reviewer labels never train the model, so no score a reviewer sees can carry another
    reviewer's labels of the round still open (blind review).
    """
    rows = claim_queries.gold_sentences(session)
    return [text for text, _ in rows], [training_label(label) for _, label in rows]


def _rescore(
    db: Database, model: PlainScorer, *, batch: int, after: int = 0
) -> tuple[int, int, int]:
    """Rescore sentences with ids above ``after``, ``batch`` per short write transaction.

    Scores are computed with no transaction open; each write only stores one batch's values.
    Returns the sentences rescored, the write transactions used and the highest id seen.
    """
    rescored = batches = 0
    while True:
        with db.read() as session:
            rows = claim_queries.sentence_texts(session, after=after, limit=batch)
        if not rows:
            return rescored, batches, after
        values = predict_scores(model, [text for _, text in rows])
        with db.write() as session:
            claim_queries.set_score_values(
                session, scores={key: v for (key, _), v in zip(rows, values, strict=True)}
            )
        rescored += len(rows)
        batches += 1
        after = rows[-1][0]


def retrain_scorer(
    db: Database,
    *,
    actor_id: int | None,
    batch: int = RESCORE_BATCH,
    progress: Callable[[int], None] | None = None,
) -> RetrainReport:
    """Train the scorer on the gold labels, rescore every sentence, then make it active.

    ``actor_id`` is the signed-in account (must be an admin); None means the command line,
    whose operator already holds the database. The model is fitted and the sentences scored
    with no write transaction open; scores are stored ``batch`` sentences per transaction,
    and the model itself last, with the sentences that arrived meanwhile.
    """
    with db.read() as session:
        if actor_id is not None:
            require_role(session, user_id=actor_id, role=Role.ADMIN)
        texts, labels = _training_set(session)
    trained = train_scorer(texts, labels)
    payload = dump_model(trained.model)
    rescored, batches, after = _rescore(db, trained.model, batch=batch)
    if progress is not None:
        progress(rescored)
    with db.write() as session:
        if actor_id is not None:
            require_role(session, user_id=actor_id, role=Role.ADMIN)
        late = claim_queries.sentence_texts(session, after=after)
        values = predict_scores(trained.model, [text for _, text in late])
        claim_queries.set_score_values(
            session, scores={key: v for (key, _), v in zip(late, values, strict=True)}
        )
        claim_queries.add_scorer(
            session,
            trained_on=trained.trained_on,
            metrics=trained.metrics,
            payload=payload,
            format=MODEL_FORMAT,
            digest=hashlib.sha256(payload).hexdigest(),
        )
    return RetrainReport(trained.trained_on, trained.metrics, rescored + len(late), batches + 1)


def scorer_status(session: Session) -> ScorerStatus:
    """The active scorer ("rules", the newest trained model, or "refused") and the gold counts.

    Two COUNT queries and the newest scorer row: no work grows with the labels stored.
    """
    usable, claims = claim_queries.gold_label_counts(session)
    scorer = claim_queries.latest_scorer(session)
    if scorer is None:
        return ScorerStatus(
            RULES,
            "rules (cues: figures, dates, quotes, names; opinion lowers)",
            None,
            None,
            {},
            usable,
            claims,
        )
    try:
        _rebuild(session, scorer)
    except InputError as exc:
        return ScorerStatus(
            REFUSED,
            "the scores stored at ingest (the stored model is refused)",
            scorer.trained_on,
            scorer.created_at,
            {},
            usable,
            claims,
            str(exc),
        )
    when = scorer.created_at.strftime("%Y-%m-%d %H:%M UTC")
    return ScorerStatus(
        "model",
        f"model trained on {scorer.trained_on} labels at {when}",
        scorer.trained_on,
        scorer.created_at,
        dict(scorer.metrics),
        usable,
        claims,
    )


def can_retrain(status: ScorerStatus) -> bool:
    """Whether the gold labels suffice to train: enough of them, of both classes."""
    others = status.usable_labels - status.usable_claims
    return (
        status.usable_labels >= MIN_LABELS
        and status.usable_claims >= MIN_PER_CLASS
        and others >= MIN_PER_CLASS
    )


def links_listing(session: Session) -> list[dict[str, object]]:
    """Every cross-article link as ``workbench links --json`` prints it, sorted."""
    return [
        {
            "a": row.a,
            "b": row.b,
            "a_text": row.a_text,
            "b_text": row.b_text,
            "similarity": row.similarity,
            "conflict": row.conflict,
            "reason": row.reason,
        }
        for row in claim_queries.all_links(session)
    ]


def related_panel(session: Session, *, user_id: int, article_id: str, index: int) -> RelatedPanel:
    """Linked sentences plus this reviewer's own label and the references it already cites."""
    sentence = queries.sentence_at(session, article_id=article_id, index=index)
    if sentence is None:
        raise NotFoundError(f"no sentence {article_id}:{index}")
    annotation = queries.annotation_for(session, sentence_id=sentence.id, user_id=user_id)
    cited = frozenset(
        item.sentence_ref
        for item in (evidence_of(annotation) if annotation else ())
        if item.sentence_ref
    )
    return RelatedPanel(
        claim_queries.related_sentences(session, sentence_id=sentence.id),
        annotation.label if annotation else None,
        cited,
    )


def cite_related(session: Session, *, user_id: int, article_id: str, index: int, ref: str) -> bool:
    """Cite a linked sentence as context evidence for this reviewer's label; False if cited."""
    ref = parse_sentence_ref(ref)
    sentence = queries.sentence_at(session, article_id=article_id, index=index)
    if sentence is None:
        raise NotFoundError(f"no sentence {article_id}:{index}")
    linked = {
        item.ref: item for item in claim_queries.related_sentences(session, sentence_id=sentence.id)
    }
    if ref not in linked:
        raise InputError(f"{ref} is not linked to {article_id}:{index}")
    annotation = queries.annotation_for(session, sentence_id=sentence.id, user_id=user_id)
    if annotation is None:
        raise InputError("label this sentence before citing evidence for it")
    if not takes_evidence(annotation.label):
        raise InputError(NO_EVIDENCE)
    current = evidence_of(annotation)
    if any(item.sentence_ref == ref for item in current):
        return False
    related = linked[ref]
    note = f"also reported in {related.outlet or related.article_title or related.article_id}"
    if related.conflict:
        note += f"; conflict: {related.reason}"
    quote = related.text[:MAX_QUOTE_LENGTH]
    cited = Evidence(url="", quote=quote, stance="context", note=note, sentence_ref=ref)
    record_label(
        session,
        user_id=user_id,
        sentence_id=sentence.id,
        label=annotation.label,
        note=annotation.note,
        evidence=[*current, cited],
    )
    return True
