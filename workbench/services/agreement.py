"""Agreement figures over the stored labels: the report, per-reviewer scores, the label matrix."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from workbench.db import labels, queries
from workbench.domain.agreement import (
    RESAMPLES,
    SEED,
    Coding,
    LabelMatrix,
    Report,
    matrix_from_frame,
)
from workbench.domain.agreement import agreement_report as build_report
from workbench.errors import NotFoundError


@dataclass(frozen=True)
class Agreement:
    """The label matrix, the report of ``agreement --json`` and each reviewer's scores."""

    matrix: LabelMatrix
    report: Report
    reviewers: list[Report]


def load_matrix(
    session: Session, *, article_id: str | None = None, reviewers: Sequence[str] | None = None
) -> LabelMatrix:
    """The label matrix of every labeled sentence (of one article), for the chosen reviewers."""
    if article_id is not None and queries.get_article(session, article_id=article_id) is None:
        raise NotFoundError(f"no article with id {article_id!r}")
    for name in reviewers or ():
        if queries.user_by_name(session, name=name) is None:
            raise NotFoundError(f"no account called {name!r}")
    frame = labels.label_frame(session, article_id=article_id)
    gold = labels.gold_labels(session, article_id=article_id)
    return matrix_from_frame(frame, gold=gold, reviewers=reviewers)


def compute_agreement(
    session: Session,
    *,
    article_id: str | None = None,
    reviewers: Sequence[str] | None = None,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> Agreement:
    """Every agreement figure for the stored labels (of one article, of chosen reviewers)."""
    matrix = load_matrix(session, article_id=article_id, reviewers=reviewers)
    coding = Coding.of(matrix)
    report = build_report(matrix, resamples=resamples, seed=seed, coding=coding)
    scores = [{"reviewer": name, **entry} for name, entry in report["per_reviewer"].items()]
    return Agreement(matrix=matrix, report=report, reviewers=scores)


def agreement_report(
    session: Session, *, article_id: str | None = None, reviewers: Sequence[str] | None = None
) -> Report:
    """The JSON-ready report of ``workbench agreement --json``."""
    return compute_agreement(session, article_id=article_id, reviewers=reviewers).report
