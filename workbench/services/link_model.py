"""Train the link model on reviewers' decisions, and the stored model linking filters by.

Training reads the link decisions only (``link_decisions.pair_rows``, in keyset batches), so it
costs what the decisions hold, never what the corpus holds. The model is stored like the
check-worthiness scorer, as plain data in ``scorer_models`` (format ``LINK_MODEL_FORMAT``);
links computed from then on are filtered and scored by it. Right after storing it, the links
already stored are re-scored (``rescore_links``): their score becomes the new model's
probability, and a link it rejects is dropped unless a reviewer confirmed it as "same claim".
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from workbench.db import claims as claim_queries
from workbench.db.engine import Database
from workbench.db.link_decisions import pair_rows
from workbench.db.models import ScorerModel
from workbench.domain.labels import Role
from workbench.domain.link_model import (
    ACCEPT,
    LINK_MODEL_FORMAT,
    LinkModel,
    dump_link_model,
    link_model_refusal,
    link_probabilities,
    link_score,
    load_link_model,
    majority,
    pair_features,
    pair_similarity,
    train_link_model,
)
from workbench.services.permissions import require_role

PairKey = tuple[str, int, str, int]
RESCORE_BATCH = 500
"""Stored links re-scored per batch: one read, the model with no transaction open, one write."""


@dataclass(frozen=True, slots=True)
class RescoreReport:
    """What re-scoring the stored links did.

    ``rescored`` links were given the model's score; of the ``rejected`` ones (probability
    under ``ACCEPT``) ``dropped`` were deleted and the rest kept, a reviewer having confirmed
    them as "same claim".
    """

    rescored: int
    rejected: int
    dropped: int

    @property
    def kept_confirmed(self) -> int:
        """Rejected links kept because a reviewer confirmed them."""
        return self.rejected - self.dropped

    def describe(self) -> str:
        """One sentence for the command line and the Annotate page."""
        return (
            f"re-scored {self.rescored} stored link(s); dropped {self.dropped} the model "
            f"rejects ({self.kept_confirmed} rejected link(s) kept: a reviewer confirmed them "
            "as the same claim)"
        )


@dataclass(frozen=True, slots=True)
class LinkRetrainReport:
    """What a link retrain did: decisions read, pairs learned from, metrics, links re-scored."""

    decisions: int
    trained_on: int
    metrics: dict[str, object]
    rescore: RescoreReport


@dataclass(frozen=True, slots=True)
class LinkModelStatus:
    """Which rule keeps candidate links: the similarity floor alone, or a trained model."""

    name: str
    trained_on: int | None
    trained_at: datetime | None
    metrics: dict[str, object]


_models: OrderedDict[str, LinkModel] = OrderedDict()
_models_lock = threading.Lock()
_MODELS_KEPT = 4


def _name(row: ScorerModel) -> str:
    return f"link model {row.id} (stored {row.created_at.strftime('%Y-%m-%d %H:%M UTC')})"


def active_link_model(session: Session) -> LinkModel | None:
    """The link model candidate links are filtered by, or None while the floor alone decides.

    Raises InputError naming the row when the newest stored link model is not plain data.
    """
    row = claim_queries.latest_link_model(session)
    if row is None:
        return None
    with _models_lock:
        cached = _models.get(row.digest)
        if cached is not None:
            _models.move_to_end(row.digest)
            return cached
    payload = claim_queries.scorer_payload(session, scorer_id=row.id) or b""
    if hashlib.sha256(payload).hexdigest() != row.digest:
        raise link_model_refusal(_name(row), "its data does not match its digest")
    model = load_link_model(payload, name=_name(row))
    with _models_lock:
        _models[row.digest] = model
        while len(_models) > _MODELS_KEPT:
            _models.popitem(last=False)
    return model


def training_pairs(session: Session) -> tuple[int, list[list[float]], list[bool]]:
    """Decisions read, and the feature rows and majority labels of the decided pairs.

    A pair counts once, by the majority of the reviewers who said "same claim" or "not the
    same claim" on it (an even split is left out). The similarity is the stored link's; for a
    pair whose link was since dropped, the linker's similarity of the two sentences alone.
    """
    votes: list[tuple[PairKey, bool]] = []
    texts: dict[PairKey, tuple[str, str, float | None]] = {}
    read = 0
    for row in pair_rows(session):
        read += 1
        if row.same_claim is None:
            continue
        key = (row.a_article, row.a_index, row.b_article, row.b_index)
        votes.append((key, row.same_claim))
        texts.setdefault(key, (row.a_text, row.b_text, row.similarity))
    decided = majority(votes)
    rows: list[list[float]] = []
    labels: list[bool] = []
    for key in sorted(decided):
        a, b, similarity = texts[key]
        value = pair_similarity(a, b) if similarity is None else similarity
        rows.append(pair_features(a, b, value))
        labels.append(decided[key])
    return read, rows, labels


def rescore_links(db: Database, *, model: LinkModel, batch: int = RESCORE_BATCH) -> RescoreReport:
    """Give every stored link ``model``'s score; drop those it rejects unless confirmed.

    Keyset batches of ``batch`` links over ``claim_links.id``: each is read in a read session,
    scored with no transaction open, and written in its own short write transaction, so a
    large corpus never holds the write lock for long and reviewers' saves keep going. A link
    the model gives less than ``ACCEPT`` is deleted unless some reviewer decided "same claim"
    on its pair; the reviewers' decisions themselves are never touched.
    """
    after = rescored = rejected = dropped = 0
    while True:
        with db.read() as session:
            links = claim_queries.stored_links(session, after=after, limit=batch)
        if not links:
            break
        found = link_probabilities(
            model, [(link.a_text, link.b_text, link.similarity) for link in links]
        )
        refused = [link.id for link, p in zip(links, found, strict=True) if p < ACCEPT]
        with db.write() as session:
            gone = claim_queries.drop_unconfirmed_links(session, link_ids=refused)
            claim_queries.set_link_scores(
                session,
                scores={link.id: link_score(p) for link, p in zip(links, found, strict=True)},
            )
        rescored += len(links) - gone
        rejected += len(refused)
        dropped += gone
        after = links[-1].id
    return RescoreReport(rescored, rejected, dropped)


def retrain_links(
    db: Database, *, actor_id: int | None, batch: int = RESCORE_BATCH
) -> LinkRetrainReport:
    """Train the link model on the decided pairs, store it, and re-score the stored links.

    ``actor_id`` is the signed-in account (must be an admin); None means the command line.
    Refuses (InputError) with fewer than ``MIN_PER_CLASS`` decided pairs of either class. The
    model is fitted with no transaction open and stored in one short write; from then on it
    filters and scores new links, and ``rescore_links`` applies it to the stored ones in
    batches of ``batch``.
    """
    with db.read() as session:
        if actor_id is not None:
            require_role(session, user_id=actor_id, role=Role.ADMIN)
        read, rows, labels = training_pairs(session)
    trained = train_link_model(rows, labels)
    payload = dump_link_model(trained.model)
    metrics = {**trained.metrics, "decisions": read, "accept_probability": ACCEPT}
    with db.write() as session:
        if actor_id is not None:
            require_role(session, user_id=actor_id, role=Role.ADMIN)
        claim_queries.add_scorer(
            session,
            trained_on=trained.trained_on,
            metrics=metrics,
            payload=payload,
            format=LINK_MODEL_FORMAT,
            digest=hashlib.sha256(payload).hexdigest(),
        )
    rescore = rescore_links(db, model=trained.model, batch=batch)
    return LinkRetrainReport(read, trained.trained_on, metrics, rescore)


def link_model_status(session: Session) -> LinkModelStatus:
    """The rule that keeps candidate links now: "similarity floor" or the newest link model."""
    row = claim_queries.latest_link_model(session)
    if row is None:
        return LinkModelStatus("similarity floor", None, None, {})
    return LinkModelStatus(_name(row), row.trained_on, row.created_at, dict(row.metrics))
