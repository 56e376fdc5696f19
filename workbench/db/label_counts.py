"""Each sentence's label counts (table ``sentence_label_counts``, kept true by triggers).

The triggers live in migrations 0006 and 0008; this module maps the table, reads its label
patterns and recounts it for checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Float, ForeignKey, Integer, String, Text, case, func, select
from sqlalchemy.orm import InstrumentedAttribute, Mapped, Session, mapped_column

from workbench.db.models import Annotation, Base, GoldLabel, Sentence
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
    # Who said what: "<user id><first letter of the label>" per reviewer, comma-joined in user
    # id order ("1v,2d,5n"); the UTC day of the newest change (YYYY-MM-DD); the article.
    pattern: Mapped[str] = mapped_column(Text, default="")
    latest_day: Mapped[str | None] = mapped_column(String(10), default=None)
    article_id: Mapped[str | None] = mapped_column(String(200), default=None)  # indexed by 0008


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
    pattern: str = ""
    latest_day: str | None = None
    article_id: str | None = None


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
            row.pattern,
            row.latest_day,
            row.article_id,
        )
        for row in session.scalars(query)
    ]


def _utc_day(stamp: datetime | None) -> str | None:
    if stamp is None:
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(UTC)
    return stamp.date().isoformat()


def recount(session: Session) -> list[Counts]:
    """The counts recomputed from annotations and gold labels (whole table: checks only)."""
    per_label = [
        func.sum(case((Annotation.label == label, 1), else_=0)).label(label) for label in LABELS
    ]
    rows = session.execute(
        select(Annotation.sentence_id, *per_label, func.max(Annotation.updated_at)).group_by(
            Annotation.sentence_id
        )
    ).all()
    labelled = {int(row[0]): tuple(int(v) for v in row[1:-1]) for row in rows}
    latest = {int(row[0]): _utc_day(row[-1]) for row in rows}
    gold = set(session.scalars(select(GoldLabel.sentence_id)))
    patterns: dict[int, list[str]] = {}
    owners = select(Annotation.sentence_id, Annotation.user_id, Annotation.label)
    for sentence_id, user_id, label in session.execute(owners.order_by(Annotation.user_id)):
        patterns.setdefault(sentence_id, []).append(f"{user_id}{label[0]}")
    shown = select(Sentence.id, Sentence.article_id).where(Sentence.id.in_(set(labelled) | gold))
    articles = {int(sid): str(article) for sid, article in session.execute(shown)}
    result = []
    for sentence_id in sorted(set(labelled) | gold):
        counts = labelled.get(sentence_id, (0,) * len(LABELS))
        total, top = sum(counts), max(counts)
        distinct = sum(1 for n in counts if n)
        share = top / total if total else 0.0
        result.append(
            Counts(
                sentence_id,
                counts,
                total,
                distinct,
                top,
                share,
                distinct > 1,
                sentence_id in gold,
                ",".join(patterns.get(sentence_id, [])),
                latest.get(sentence_id),
                articles[sentence_id],
            )
        )
    return result
