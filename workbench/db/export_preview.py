"""Aggregates behind the export preview: counts and label combinations, never row by row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import Session

from workbench.db.export_queries import ArticleFilter, filtered
from workbench.db.label_counts import SentenceLabelCount as Counts
from workbench.db.label_counts import count_column
from workbench.db.models import Annotation, Article, EvidenceItem, GoldLabel, Sentence, User
from workbench.domain.labels import LABELS, Label, Stance


@dataclass(frozen=True, slots=True)
class LabelCombination:
    """How many sentences had these label counts (per label code) and this adjudicated label.

    ``stances`` are the stances the gold label's evidence would hold, as far as its evidence
    rule asks: an adjudicated label's own items; otherwise ``supports`` when a ``verified``
    reviewer cited a supporting item and ``refutes`` when a ``disputed`` one cited a refutation.
    """

    counts: tuple[int, ...]
    adjudicated: str | None
    sentences: int
    stances: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PreviewFigures:
    """What an export with one article filter covers, from aggregate queries."""

    articles: int
    sentences: int
    reviewers: list[str]
    combinations: list[LabelCombination]
    incomplete_annotations: int | None = 0  # None: not counted (``evidence=False``)


def _count(stmt: Select[*tuple[Any, ...]], session: Session) -> int:
    return int(session.scalar(stmt) or 0)


def article_count(session: Session) -> int:
    """Number of articles in the database."""
    return _count(select(func.count()).select_from(Article), session)


def _reviewer_cited(label: Label, stance: Stance) -> ColumnElement[int]:
    """1 when a reviewer who gave ``label`` to the sentence cited an item of ``stance``."""
    cited = exists().where(
        Annotation.sentence_id == Counts.sentence_id,
        Annotation.label == label.value,
        EvidenceItem.annotation_id == Annotation.id,
        EvidenceItem.stance == stance.value,
    )
    return case((and_(count_column(label.value) > 0, cited), 1), else_=0)


def _gold_cited(stance: Stance) -> ColumnElement[int]:
    """1 when the sentence's gold label has an evidence item of ``stance``."""
    cited = exists().where(
        EvidenceItem.gold_label_id == GoldLabel.id, EvidenceItem.stance == stance.value
    )
    needed = {Stance.SUPPORTS: Label.VERIFIED, Stance.REFUTES: Label.DISPUTED}[stance]
    return case((and_(GoldLabel.label == needed.value, cited), 1), else_=0)


def incomplete_annotations(session: Session, *, article_filter: ArticleFilter) -> int:
    """How many reviewer labels of the covered articles still lack their verdict's evidence."""

    def lacks(label: Label, stance: Stance) -> ColumnElement[bool]:
        item = exists().where(
            EvidenceItem.annotation_id == Annotation.id, EvidenceItem.stance == stance.value
        )
        return and_(Annotation.label == label.value, ~item)

    stmt = (
        select(func.count())
        .select_from(Annotation)
        .where(or_(lacks(Label.VERIFIED, Stance.SUPPORTS), lacks(Label.DISPUTED, Stance.REFUTES)))
    )
    if article_filter != ArticleFilter():
        stmt = stmt.join(Sentence, Sentence.id == Annotation.sentence_id).join(
            Article, Article.id == Sentence.article_id
        )
    return _count(filtered(stmt, article_filter), session)


def _stances(
    evidence: bool, supports: ColumnElement[int], refutes: ColumnElement[int]
) -> tuple[ColumnElement[int], ColumnElement[int]]:
    """The two stance columns of a combination, or constants when evidence is not read."""
    if not evidence:
        supports = refutes = literal(0)
    return supports.label("supports"), refutes.label("refutes")


def preview_figures(
    session: Session, *, article_filter: ArticleFilter, evidence: bool = True
) -> PreviewFigures:
    """Articles, sentences, reviewers and label combinations of the covered articles.

    ``evidence`` also reads which stances the labels' evidence holds and counts incomplete
    labels: that looks at every label's evidence (seconds at a million labels), so the Export
    page asks for it only when the editor does; without it the stances are empty and the
    incomplete count is None.
    """
    everything = article_filter == ArticleFilter()
    articles = _count(filtered(select(func.count()).select_from(Article), article_filter), session)
    sentences_stmt = select(func.count()).select_from(Sentence)
    labelled = (
        select(Annotation.id).where(Annotation.user_id == User.id)
        if everything
        else select(Annotation.id)
        .join(Sentence, Sentence.id == Annotation.sentence_id)
        .join(Article, Article.id == Sentence.article_id)
        .where(Annotation.user_id == User.id)
    )
    per_label = [count_column(label) for label in LABELS]
    # Open sentences need no join; only adjudicated ones look up their gold label.
    open_combos = select(
        *per_label,
        literal(None, String).label("gold"),
        *_stances(
            evidence,
            _reviewer_cited(Label.VERIFIED, Stance.SUPPORTS),
            _reviewer_cited(Label.DISPUTED, Stance.REFUTES),
        ),
    ).where(Counts.adjudicated == 0)
    settled_combos = (
        select(
            *per_label,
            GoldLabel.label.label("gold"),
            *_stances(evidence, _gold_cited(Stance.SUPPORTS), _gold_cited(Stance.REFUTES)),
        )
        .join(GoldLabel, GoldLabel.sentence_id == Counts.sentence_id)
        .where(Counts.adjudicated == 1)
    )
    if not everything:
        sentences_stmt = sentences_stmt.join(Article, Article.id == Sentence.article_id)
        open_combos, settled_combos = (
            stmt.join(Sentence, Sentence.id == Counts.sentence_id).join(
                Article, Article.id == Sentence.article_id
            )
            for stmt in (open_combos, settled_combos)
        )
    sentences = _count(filtered(sentences_stmt, article_filter), session)
    reviewers = session.scalars(
        select(User.name).where(exists(filtered(labelled, article_filter))).order_by(User.name)
    )
    grouped: list[Any] = []
    for stmt in (open_combos, settled_combos):
        rows = filtered(stmt, article_filter).subquery()
        columns = list(rows.c)
        grouped.extend(session.execute(select(*columns, func.count()).group_by(*columns)).all())
    combinations = [
        LabelCombination(
            counts=tuple(int(n) for n in row[: len(LABELS)]),
            adjudicated=row[len(LABELS)],
            sentences=int(row[-1]),
            stances=(Stance.SUPPORTS.value,) * int(row[-3])
            + (Stance.REFUTES.value,) * int(row[-2]),
        )
        for row in grouped
    ]
    incomplete = (
        incomplete_annotations(session, article_filter=article_filter) if evidence else None
    )
    return PreviewFigures(articles, sentences, list(reviewers), combinations, incomplete)
