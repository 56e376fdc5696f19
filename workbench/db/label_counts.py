"""Each sentence's label counts (table ``sentence_label_counts``, kept true by triggers).

The triggers live in migration 0006; this module maps the table and recounts it for checks.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Float, ForeignKey, Integer, case, func, select
from sqlalchemy.orm import InstrumentedAttribute, Mapped, Session, mapped_column

from workbench.db.models import Annotation, Base, GoldLabel
from workbench.domain.labels import LABELS


class SentenceLabelCount(Base):
    """How many reviewers gave each label to one sentence, and its place in the queue."""

    __tablename__ = "sentence_label_counts"

    sentence_id: Mapped[int] = mapped_column(
        ForeignKey("sentences.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    n_verified: Mapped[int] = mapped_column(Integer, default=0)
    n_disputed: Mapped[int] = mapped_column(Integer, default=0)
    n_unsourced: Mapped[int] = mapped_column(Integer, default=0)
    n_not_a_claim: Mapped[int] = mapped_column(Integer, default=0)
    n_labels: Mapped[int] = mapped_column(Integer, default=0)
    distinct_labels: Mapped[int] = mapped_column(Integer, default=0)
    top_count: Mapped[int] = mapped_column(Integer, default=0)
    # The queue's order, every column ascending so one row-value comparison pages it:
    # least agreement first, then more different labels, then more labels, then id.
    share: Mapped[float] = mapped_column(Float, default=0.0)
    minus_distinct: Mapped[int] = mapped_column(Integer, default=0)
    minus_labels: Mapped[int] = mapped_column(Integer, default=0)
    contested: Mapped[int] = mapped_column(Integer, default=0)
    adjudicated: Mapped[int] = mapped_column(Integer, default=0)


def count_column(label: str) -> InstrumentedAttribute[int]:
    """The column counting ``label`` (one of the four label codes)."""
    if label not in LABELS:
        raise ValueError(f"not a label code: {label!r}")
    column: InstrumentedAttribute[int] = getattr(SentenceLabelCount, f"n_{label}")
    return column


@dataclass(frozen=True, slots=True)
class Counts:
    """One sentence's counts as plain data (what a recount must give too)."""

    sentence_id: int
    per_label: tuple[int, ...]
    n_labels: int
    distinct: int
    top: int
    share: float
    contested: bool
    adjudicated: bool


def stored_counts(session: Session, *, sentence_ids: list[int] | None = None) -> list[Counts]:
    """The stored rows (of these sentences, or all), by sentence id."""
    table = SentenceLabelCount
    query = select(table).order_by(table.sentence_id)
    if sentence_ids is not None:
        query = query.where(table.sentence_id.in_(sentence_ids))
    return [
        Counts(
            row.sentence_id,
            tuple(getattr(row, f"n_{label}") for label in LABELS),
            row.n_labels,
            row.distinct_labels,
            row.top_count,
            row.share,
            bool(row.contested),
            bool(row.adjudicated),
        )
        for row in session.scalars(query)
    ]


def recount(session: Session) -> list[Counts]:
    """The counts recomputed from annotations and gold labels (whole table: checks only)."""
    per_label = [
        func.sum(case((Annotation.label == label, 1), else_=0)).label(label) for label in LABELS
    ]
    rows = session.execute(
        select(Annotation.sentence_id, *per_label).group_by(Annotation.sentence_id)
    ).all()
    labelled = {int(row[0]): tuple(int(v) for v in row[1:]) for row in rows}
    gold = set(session.scalars(select(GoldLabel.sentence_id)))
    result = []
    for sentence_id in sorted(set(labelled) | gold):
        counts = labelled.get(sentence_id, (0,) * len(LABELS))
        total, top = sum(counts), max(counts)
        distinct = sum(1 for n in counts if n)
        share = top / total if total else 0.0
        result.append(
            Counts(
                sentence_id, counts, total, distinct, top, share, distinct > 1, sentence_id in gold
            )
        )
    return result
