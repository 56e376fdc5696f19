"""Pages of labels for the REST API: one reviewer's own labels, and gold labels.

Each query is one bounded page (LIMIT/OFFSET on an indexed order) and a COUNT.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from workbench.db.models import Annotation, GoldLabel, Sentence, User
from workbench.domain.labels import Evidence, decode_evidence


@dataclass(frozen=True, slots=True)
class LabelRow:
    """A label on one sentence: where, what, and when it last changed."""

    article_id: str
    index: int
    label: str
    note: str
    evidence: tuple[Evidence, ...]
    updated_at: datetime
    claim: str | None = None


@dataclass(frozen=True, slots=True)
class GoldRow:
    """A gold label on one sentence, with its rationale, editor and version."""

    article_id: str
    index: int
    text: str
    label: str
    rationale: str
    evidence: tuple[Evidence, ...]
    editor: str
    version: int
    updated_at: datetime
    claim: str | None = None


def _own_where(user_id: int, article_id: str | None) -> list[ColumnElement[bool]]:
    where = [Annotation.user_id == user_id]
    if article_id is not None:
        where.append(Sentence.article_id == article_id)
    return where


def own_label_page(
    session: Session, *, user_id: int, article_id: str | None = None, limit: int, offset: int = 0
) -> list[LabelRow]:
    """At most ``limit`` of ``user_id``'s labels, by article and sentence, from ``offset``."""
    rows = session.execute(
        select(
            Sentence.article_id,
            Sentence.index,
            Annotation.label,
            Annotation.note,
            Annotation.evidence_json,
            Annotation.updated_at,
            Annotation.claim_text,
        )
        .join(Sentence, Sentence.id == Annotation.sentence_id)
        .where(*_own_where(user_id, article_id))
        .order_by(Sentence.article_id, Sentence.index)
        .limit(limit)
        .offset(offset)
    )
    return [
        LabelRow(article, index, label, note, decode_evidence(evidence), updated, claim)
        for article, index, label, note, evidence, updated, claim in rows
    ]


def count_own_labels(session: Session, *, user_id: int, article_id: str | None = None) -> int:
    """Number of ``user_id``'s labels (in ``article_id`` when given)."""
    query = (
        select(func.count(Annotation.id))
        .join(Sentence, Sentence.id == Annotation.sentence_id)
        .where(*_own_where(user_id, article_id))
    )
    return session.scalar(query) or 0


def _gold_where(article_id: str | None) -> list[ColumnElement[bool]]:
    return [] if article_id is None else [Sentence.article_id == article_id]


def gold_label_page(
    session: Session, *, article_id: str | None = None, limit: int, offset: int = 0
) -> list[GoldRow]:
    """At most ``limit`` gold labels, by article and sentence, from ``offset``."""
    rows = session.execute(
        select(
            Sentence.article_id,
            Sentence.index,
            Sentence.text,
            GoldLabel.label,
            GoldLabel.rationale,
            GoldLabel.evidence_json,
            User.name,
            GoldLabel.version,
            GoldLabel.updated_at,
            GoldLabel.claim_text,
        )
        .join(Sentence, Sentence.id == GoldLabel.sentence_id)
        .join(User, User.id == GoldLabel.editor_id)
        .where(*_gold_where(article_id))
        .order_by(Sentence.article_id, Sentence.index)
        .limit(limit)
        .offset(offset)
    )
    return [
        GoldRow(
            article, index, text, label, rationale, decode_evidence(ev), editor, version, at, claim
        )
        for article, index, text, label, rationale, ev, editor, version, at, claim in rows
    ]


def count_gold_labels(session: Session, *, article_id: str | None = None) -> int:
    """Number of gold labels (in ``article_id`` when given)."""
    query = select(func.count(GoldLabel.id)).join(Sentence, Sentence.id == GoldLabel.sentence_id)
    return session.scalar(query.where(*_gold_where(article_id))) or 0
