"""Agreement figures over the stored labels: the report, per-reviewer scores, the label matrix."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from workbench.db import agreement_queries as aq
from workbench.db import labels, queries
from workbench.domain.agreement import (
    RESAMPLES,
    SEED,
    Coding,
    LabelMatrix,
    Report,
    group_figures,
    matrix_from_frame,
)
from workbench.domain.agreement import agreement_report as build_report
from workbench.domain.agreement_metrics import IntArray
from workbench.domain.agreement_patterns import day_frame, pattern_matrix, profile_table
from workbench.domain.labels import LABELS
from workbench.errors import NotFoundError

SHOWN_EACH = 15  # articles of lowest and of highest alpha on the page's chart


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


@dataclass(frozen=True)
class PageAgreement:
    """Agreement of a whole database from aggregates: what the Agreement page shows.

    ``matrix`` has one weighted row per distinct label pattern; ``report`` equals
    ``compute_agreement``'s except that ``per_article`` holds the shown articles only (the
    ``each`` lowest and ``each`` highest alphas, lowest first); ``days`` feeds
    ``time_frame_from_days`` with ``found``, the count profiles.
    """

    matrix: LabelMatrix
    report: Report
    reviewers: list[Report]
    found: IntArray
    days: pd.DataFrame
    articles_ranked: int = 0  # articles with a defined alpha, shown or not


def _reviewer_ids(
    session: Session, article_id: str | None, reviewers: Sequence[str] | None
) -> list[tuple[int, str]]:
    if article_id is not None and not aq.article_exists(session, article_id=article_id):
        raise NotFoundError(f"no article with id {article_id!r}")
    if reviewers is None:
        return sorted(aq.labeling_reviewers(session, article_id=article_id), key=lambda r: r[1])
    chosen = []
    for name in sorted(set(reviewers)):
        user = queries.user_by_name(session, name=name)
        if user is None:
            raise NotFoundError(f"no account called {name!r}")
        chosen.append((user.id, name))
    return chosen


def page_agreement(
    session: Session,
    *,
    article_id: str | None = None,
    reviewers: Sequence[str] | None = None,
    each: int = SHOWN_EACH,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> PageAgreement:
    """Every figure of the page from a few hundred aggregate rows, whatever the database size."""
    who = _reviewer_ids(session, article_id, reviewers)
    ids, names = [uid for uid, _ in who], [name for _, name in who]
    scope = None if article_id is None else [article_id]
    found = aq.database_aggregates(
        session,
        reviewer_ids=ids,
        every_reviewer=reviewers is None,
        labels=LABELS,
        each=each,
        article_ids=scope,
    )
    matrix = pattern_matrix(
        [row.codes for row in found.patterns],
        [row.gold for row in found.patterns],
        [row.sentences for row in found.patterns],
        reviewers=names,
        base=aq.BASE,
        chunk=aq.CHUNK,
    )
    coding = Coding.of(matrix)
    report = build_report(matrix, resamples=resamples, seed=seed, coding=coding)
    shown = [row.article_id for row in found.extremes]
    rows = aq.article_profile_counts(
        session, reviewer_ids=None if reviewers is None else ids, labels=LABELS, article_ids=shown
    )
    table = profile_table(coding.found, shown, [(r.group, r.counts, r.sentences) for r in rows])
    report["per_article"] = group_figures(coding.found, table, shown, matrix.labels)
    scores = [{"reviewer": name, **entry} for name, entry in report["per_reviewer"].items()]
    days = day_frame(coding.found, [(r.group, r.counts, r.sentences) for r in found.days])
    total = found.extremes[0].ranked if found.extremes else 0
    return PageAgreement(matrix, report, scores, coding.found, days, total)


def agreement_reviewers(session: Session, *, article_id: str | None = None) -> list[str]:
    """Names of the reviewers who labeled something (in one article), sorted."""
    return sorted(name for _, name in aq.labeling_reviewers(session, article_id=article_id))


def find_articles(session: Session, *, text: str) -> list[str]:
    """Ids of at most 50 articles whose id or title contains ``text``; none for blank text."""
    if not text.strip():
        return []
    return aq.search_articles(session, text=text, limit=aq.SEARCH_LIMIT)
