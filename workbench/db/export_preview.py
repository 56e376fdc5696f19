"""Aggregates behind the export preview: counts and label combinations, never row by row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, String, exists, func, literal, select
from sqlalchemy.orm import Session

from workbench.db.export_queries import ArticleFilter, filtered
from workbench.db.label_counts import SentenceLabelCount as Counts
from workbench.db.label_counts import count_column
from workbench.db.models import Annotation, Article, GoldLabel, Sentence, User
from workbench.domain.labels import LABELS


@dataclass(frozen=True, slots=True)
class LabelCombination:
    """How many sentences had these label counts (per label code) and this adjudicated label."""

    counts: tuple[int, ...]
    adjudicated: str | None
    sentences: int


@dataclass(frozen=True, slots=True)
class PreviewFigures:
    """What an export with one article filter covers, from aggregate queries."""

    articles: int
    sentences: int
    reviewers: list[str]
    combinations: list[LabelCombination]


def _count(stmt: Select[*tuple[Any, ...]], session: Session) -> int:
    return int(session.scalar(stmt) or 0)


def article_count(session: Session) -> int:
    """Number of articles in the database."""
    return _count(select(func.count()).select_from(Article), session)


def preview_figures(session: Session, *, article_filter: ArticleFilter) -> PreviewFigures:
    """Articles, sentences, reviewers and label combinations of the covered articles."""
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
    open_combos = select(*per_label, literal(None, String), func.count()).where(
        Counts.adjudicated == 0
    )
    settled_combos = (
        select(*per_label, GoldLabel.label, func.count())
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
    for stmt, extra in ((open_combos, []), (settled_combos, [GoldLabel.label])):
        grouped.extend(
            session.execute(filtered(stmt, article_filter).group_by(*per_label, *extra)).all()
        )
    combinations = [
        LabelCombination(tuple(int(n) for n in row[:-2]), row[-2], int(row[-1])) for row in grouped
    ]
    return PreviewFigures(articles, sentences, list(reviewers), combinations)
