"""Label queries for agreement and adjudication: the label table, the disagreements, gold labels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from workbench.db.evidence import evidence_of
from workbench.db.models import Annotation, AuditEntry, GoldLabel, Sentence, User
from workbench.domain.labels import Evidence

LABEL_COLUMNS = ["sentence_id", "article_id", "index", "reviewer", "label", "updated_at"]


@dataclass(frozen=True, slots=True)
class Review:
    """One reviewer's label on a sentence, with note and evidence, as plain data."""

    reviewer: str
    label: str
    note: str
    evidence: tuple[Evidence, ...]
    updated_at: datetime
    # The claim as this reviewer restated it; None: the sentence text as written.
    claim: str | None = None


@dataclass(frozen=True, slots=True)
class GoldState:
    """The adjudicated label of a sentence as an editor last saw it."""

    label: str
    rationale: str
    editor: str
    version: int
    updated_at: datetime
    evidence: tuple[Evidence, ...] = ()
    # The claim as the editor restated it; None: the sentence text as written.
    claim: str | None = None


def label_frame(session: Session, *, article_id: str | None = None) -> pd.DataFrame:
    """Every reviewer label (boilerplate sentences' left out): sentence_id, article_id, index,
    reviewer, label, updated_at."""
    query = (
        select(
            Annotation.sentence_id,
            Sentence.article_id,
            Sentence.index,
            User.name,
            Annotation.label,
            Annotation.updated_at,
        )
        .join(Sentence, Sentence.id == Annotation.sentence_id)
        .join(User, User.id == Annotation.user_id)
        .where(~Sentence.boilerplate)
        .order_by(Annotation.sentence_id, User.name)
    )
    if article_id is not None:
        query = query.where(Sentence.article_id == article_id)
    rows = session.execute(query).all()
    return pd.DataFrame([tuple(row) for row in rows], columns=LABEL_COLUMNS)


def gold_labels(session: Session, *, article_id: str | None = None) -> dict[int, str]:
    """Adjudicated gold label of each sentence that has one (not boilerplate), by sentence id."""
    query = (
        select(GoldLabel.sentence_id, GoldLabel.label)
        .join(Sentence, Sentence.id == GoldLabel.sentence_id)
        .where(~Sentence.boilerplate)
    )
    if article_id is not None:
        query = query.where(Sentence.article_id == article_id)
    return {int(sentence_id): str(label) for sentence_id, label in session.execute(query)}


def gold_for(session: Session, *, sentence_id: int) -> GoldLabel | None:
    """The gold label row of a sentence (with evidence), or None."""
    return session.scalar(
        select(GoldLabel)
        .where(GoldLabel.sentence_id == sentence_id)
        .options(selectinload(GoldLabel.evidence))
    )


def gold_state(session: Session, *, sentence_id: int) -> GoldState | None:
    """The gold label of a sentence with its editor's name and version, or None."""
    row = session.execute(
        select(GoldLabel, User.name)
        .join(User, User.id == GoldLabel.editor_id)
        .where(GoldLabel.sentence_id == sentence_id)
    ).first()
    if row is None:
        return None
    gold, editor = row
    evidence = evidence_of(gold)
    return GoldState(
        gold.label,
        gold.rationale,
        editor,
        gold.version,
        gold.updated_at,
        evidence,
        gold.claim_text,
    )


def reviews(session: Session, *, sentence_id: int) -> list[Review]:
    """Each reviewer's label, note and evidence on one sentence, by reviewer name."""
    rows = session.execute(
        select(Annotation, User.name)
        .join(User, User.id == Annotation.user_id)
        .where(Annotation.sentence_id == sentence_id)
        .order_by(User.name)
    ).all()
    return [
        Review(
            reviewer=name,
            label=annotation.label,
            note=annotation.note,
            evidence=evidence_of(annotation),
            updated_at=annotation.updated_at,
            claim=annotation.claim_text,
        )
        for annotation, name in rows
    ]


def last_change(session: Session) -> int:
    """Id of the newest audit row: changes whenever a label or gold label is saved."""
    return int(session.scalar(select(func.max(AuditEntry.id))) or 0)
