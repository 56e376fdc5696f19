"""Training the check-worthiness scorer on gold labels, and what the scorer in force is.

Only gold (adjudicated) labels train it, so no score a reviewer sees carries another
reviewer's labels of the round still open (blind review).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from workbench.db import claims as claim_queries
from workbench.db.engine import Database
from workbench.domain.checkworthiness_model import (
    MIN_LABELS,
    MIN_PER_CLASS,
    MODEL_FORMAT,
    PlainScorer,
    dump_model,
    predict_scores,
    train_scorer,
)
from workbench.domain.labels import Label, Role
from workbench.errors import InputError
from workbench.services.claim_scoring import load_scorer
from workbench.services.permissions import require_role

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
class RetrainReport:
    """What a retrain did: the labels it learned from, its metrics, the sentences rescored."""

    trained_on: int
    metrics: dict[str, object]
    rescored: int
    batches: int = 0


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
        load_scorer(session, scorer=scorer)
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
