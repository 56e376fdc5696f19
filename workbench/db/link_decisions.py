"""Reviewers' decisions on suggested claim links: same claim or not, conflict real or not.

A decision names the two sentences (``a`` the lower sentence id), not the link row, so a
relink that recomputes the links keeps every decision a reviewer made.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    UniqueConstraint,
    func,
    select,
    tuple_,
)
from sqlalchemy.orm import Mapped, Session, aliased, mapped_column

from workbench.db.models import Base, ClaimLink, Sentence, utcnow

EXPORT_BATCH = 1_000


class LinkDecision(Base):
    """One reviewer's decision on the link between two sentences of different articles."""

    __tablename__ = "link_decisions"
    __table_args__ = (
        UniqueConstraint("a_sentence_id", "b_sentence_id", "user_id", name="uq_link_decision"),
        Index("ix_link_decisions_user", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    a_sentence_id: Mapped[int] = mapped_column(
        ForeignKey("sentences.id", ondelete="CASCADE"), index=True
    )
    b_sentence_id: Mapped[int] = mapped_column(
        ForeignKey("sentences.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # True "same claim", False "not the same claim", None not decided yet.
    same_claim: Mapped[bool | None] = mapped_column(Boolean)
    # True "figures really disagree", False "no", None not decided yet.
    conflict: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


@dataclass(frozen=True, slots=True)
class DecisionState:
    """A decision as the annotate view shows it."""

    user_id: int
    same_claim: bool | None
    conflict: bool | None


@dataclass(frozen=True, slots=True)
class PairRow:
    """One decision with both sentences, for the claim-pair export."""

    id: int
    a_article: str
    a_index: int
    a_text: str
    b_article: str
    b_index: int
    b_text: str
    user_id: int
    same_claim: bool | None
    conflict: bool | None
    similarity: float | None
    linked_conflict: bool | None
    score: float | None = None


def ordered(first: int, second: int) -> tuple[int, int]:
    """The two sentence ids of a pair in stored order (lower first)."""
    return (first, second) if first < second else (second, first)


def decision_for(
    session: Session, *, a_sentence_id: int, b_sentence_id: int, user_id: int
) -> LinkDecision | None:
    """This reviewer's decision on the pair (ids in stored order), locked until commit."""
    return session.scalar(
        select(LinkDecision)
        .where(
            LinkDecision.a_sentence_id == a_sentence_id,
            LinkDecision.b_sentence_id == b_sentence_id,
            LinkDecision.user_id == user_id,
        )
        .with_for_update()
    )


def decisions_on(
    session: Session, *, pairs: Sequence[tuple[int, int]], user_id: int | None
) -> dict[tuple[int, int], list[DecisionState]]:
    """Decisions on these pairs (stored order): one reviewer's, or everyone's when None.

    The pairs are the links a page shows (capped per sentence), so the read is bounded.
    """
    found: dict[tuple[int, int], list[DecisionState]] = {}
    if not pairs:
        return found
    query = select(
        LinkDecision.a_sentence_id,
        LinkDecision.b_sentence_id,
        LinkDecision.user_id,
        LinkDecision.same_claim,
        LinkDecision.conflict,
    ).where(tuple_(LinkDecision.a_sentence_id, LinkDecision.b_sentence_id).in_(sorted(pairs)))
    if user_id is not None:
        query = query.where(LinkDecision.user_id == user_id)
    for a, b, user, same, conflict in session.execute(query.order_by(LinkDecision.id)):
        found.setdefault((a, b), []).append(DecisionState(user, same, conflict))
    return found


def pair_rows(session: Session, *, batch: int = EXPORT_BATCH) -> Iterator[PairRow]:
    """Every decision with both sentences and the current link's figures, in id order.

    Read in keyset batches of ``batch``, so an export streams them.
    """
    a, b = aliased(Sentence), aliased(Sentence)
    after = 0
    while True:
        rows = session.execute(
            select(
                LinkDecision.id,
                a.article_id,
                a.index,
                a.text,
                b.article_id,
                b.index,
                b.text,
                LinkDecision.user_id,
                LinkDecision.same_claim,
                LinkDecision.conflict,
                ClaimLink.similarity,
                ClaimLink.conflict,
                ClaimLink.score,
            )
            .join(a, a.id == LinkDecision.a_sentence_id)
            .join(b, b.id == LinkDecision.b_sentence_id)
            .outerjoin(
                ClaimLink,
                (
                    (ClaimLink.a_sentence_id == LinkDecision.a_sentence_id)
                    & (ClaimLink.b_sentence_id == LinkDecision.b_sentence_id)
                )
                | (
                    (ClaimLink.a_sentence_id == LinkDecision.b_sentence_id)
                    & (ClaimLink.b_sentence_id == LinkDecision.a_sentence_id)
                ),
            )
            .where(LinkDecision.id > after)
            .order_by(LinkDecision.id)
            .limit(batch)
        ).all()
        if not rows:
            return
        for row in rows:
            yield PairRow(
                row[0],
                row[1],
                row[2],
                row[3],
                row[4],
                row[5],
                row[6],
                row[7],
                row[8],
                row[9],
                None if row[10] is None else float(row[10]),
                None if row[11] is None else bool(row[11]),
                None if row[12] is None else float(row[12]),
            )
        after = rows[-1][0]


def count_decisions(session: Session) -> int:
    """How many link decisions are stored."""
    return int(session.scalar(select(func.count(LinkDecision.id))) or 0)
