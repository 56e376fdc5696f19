"""Queries for check-worthiness scores, scorer models and cross-article claim links."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    CursorResult,
    Exists,
    Select,
    Table,
    and_,
    bindparam,
    delete,
    exists,
    func,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased

from workbench.db.link_decisions import LinkDecision
from workbench.db.models import Article, ClaimLink, GoldLabel, ScorerModel, Sentence
from workbench.domain.claim_links import RELATED_LIMIT, ClaimLinkDraft, ClaimText, ranking_key
from workbench.domain.labels import Label
from workbench.domain.link_model import LINK_MODEL_FORMAT

_IN_CHUNK = 500


@dataclass(frozen=True, slots=True)
class LinkRow:
    """A stored link with both sentences identified as ``"<article id>:<index>"``."""

    a: str
    b: str
    a_text: str
    b_text: str
    similarity: float
    conflict: bool
    reason: str
    score: float | None = None


@dataclass(frozen=True, slots=True)
class StoredLink:
    """A stored link as the link model re-scores it: its row id, both texts, its similarity."""

    id: int
    a_text: str
    b_text: str
    similarity: float


@dataclass(frozen=True, slots=True)
class RelatedSentence:
    """A sentence of another article linked to the one being reviewed."""

    ref: str
    article_id: str
    article_title: str
    outlet: str | None
    index: int
    text: str
    similarity: float
    conflict: bool
    reason: str
    score: float | None = None


def claim_texts(session: Session, *, article_id: str | None = None) -> list[ClaimText]:
    """Sentences as the linker sees them: one article's, or every article's when None.

    The linker never sees boilerplate sentences (here or in the two functions below).
    """
    query = (
        select(Sentence.id, Sentence.article_id, Sentence.text)
        .where(~Sentence.boilerplate)
        .order_by(Sentence.id)
    )
    if article_id is not None:
        query = query.where(Sentence.article_id == article_id)
    return [ClaimText(key, article, text) for key, article, text in session.execute(query)]


def claim_texts_of(session: Session, *, sentence_ids: Sequence[int]) -> list[ClaimText]:
    """These sentences as the linker sees them, in id order."""
    found: list[ClaimText] = []
    for start in range(0, len(sentence_ids), _IN_CHUNK):
        query = (
            select(Sentence.id, Sentence.article_id, Sentence.text)
            .where(Sentence.id.in_(sentence_ids[start : start + _IN_CHUNK]), ~Sentence.boilerplate)
            .order_by(Sentence.id)
        )
        found += [ClaimText(key, article, text) for key, article, text in session.execute(query)]
    return sorted(found, key=lambda item: item.key)


def claim_texts_of_articles(session: Session, *, article_ids: Sequence[str]) -> list[ClaimText]:
    """The sentences of these articles as the linker sees them, in id order."""
    if not article_ids:
        return []
    query = (
        select(Sentence.id, Sentence.article_id, Sentence.text)
        .where(Sentence.article_id.in_(article_ids), ~Sentence.boilerplate)
        .order_by(Sentence.id)
    )
    return [ClaimText(key, article, text) for key, article, text in session.execute(query)]


def lock_sentences(session: Session, *, sentence_ids: Sequence[int]) -> None:
    """Lock these sentence rows in id order (PostgreSQL) so their link counts are not raced.

    On SQLite the write transaction already holds the database's single write lock.
    """
    for start in range(0, len(sentence_ids), _IN_CHUNK):
        chunk = sorted(sentence_ids)[start : start + _IN_CHUNK]
        session.execute(
            select(Sentence.id)
            .where(Sentence.id.in_(chunk))
            .order_by(Sentence.id)
            .with_for_update()
        ).all()


def links_touching(session: Session, *, sentence_ids: Sequence[int]) -> list[ClaimLinkDraft]:
    """Every stored link with either sentence among ``sentence_ids`` (each has a few at most)."""
    found: dict[tuple[int, int], ClaimLinkDraft] = {}
    for start in range(0, len(sentence_ids), _IN_CHUNK):
        chunk = sentence_ids[start : start + _IN_CHUNK]
        query = select(
            ClaimLink.a_sentence_id,
            ClaimLink.b_sentence_id,
            ClaimLink.similarity,
            ClaimLink.conflict,
            ClaimLink.reason,
            ClaimLink.score,
        ).where(or_(ClaimLink.a_sentence_id.in_(chunk), ClaimLink.b_sentence_id.in_(chunk)))
        for a, b, sim, conflict, reason, score in session.execute(query):
            found[(a, b)] = ClaimLinkDraft(
                a, b, float(sim), bool(conflict), reason, None if score is None else float(score)
            )
    return list(found.values())


def articles_of(session: Session, *, sentence_ids: Sequence[int]) -> dict[int, str]:
    """The article id of each of these sentences."""
    found: dict[int, str] = {}
    for start in range(0, len(sentence_ids), _IN_CHUNK):
        chunk = sentence_ids[start : start + _IN_CHUNK]
        query = select(Sentence.id, Sentence.article_id).where(Sentence.id.in_(chunk))
        found.update((row[0], row[1]) for row in session.execute(query))
    return found


def drop_links(session: Session, *, links: Sequence[ClaimLinkDraft]) -> None:
    """Delete these stored links (a sentence's weakest, replaced by better ones)."""
    pairs = [(link.a, link.b) for link in links]
    for start in range(0, len(pairs), _IN_CHUNK):
        chunk = pairs[start : start + _IN_CHUNK]
        pair = tuple_(ClaimLink.a_sentence_id, ClaimLink.b_sentence_id)
        session.execute(delete(ClaimLink).where(pair.in_(chunk)))


def sentences_of(session: Session, *, article_ids: Sequence[str]) -> list[Sentence]:
    """The sentences of these articles, in id order."""
    if not article_ids:
        return []
    query = select(Sentence).where(Sentence.article_id.in_(article_ids)).order_by(Sentence.id)
    return list(session.scalars(query))


def unlinked_article_ids(session: Session) -> list[str]:
    """Articles whose cross-article links were never computed, oldest first."""
    query = (
        select(Article.id)
        .where(Article.linked_at.is_(None))
        .order_by(Article.ingested_at, Article.id)
    )
    return list(session.scalars(query))


def mark_linked(session: Session, *, article_ids: Sequence[str], when: datetime) -> None:
    """Record that these articles' links are computed."""
    if article_ids:
        session.execute(update(Article).where(Article.id.in_(article_ids)).values(linked_at=when))


def add_links(session: Session, *, links: Sequence[ClaimLinkDraft]) -> int:
    """Insert links (keys are sentence ids); a pair already stored is left as it is.

    Returns how many were new. Two processes linking at once may find the same pair; the
    insert skips a pair the other committed first instead of failing.
    """
    if not links:
        return 0
    pairs = [(link.a, link.b) for link in links]
    existing = {
        (row[0], row[1])
        for row in session.execute(
            select(ClaimLink.a_sentence_id, ClaimLink.b_sentence_id).where(
                ClaimLink.a_sentence_id.in_({a for a, _ in pairs})
            )
        )
    }
    rows = [
        {
            "a_sentence_id": link.a,
            "b_sentence_id": link.b,
            "similarity": link.similarity,
            "conflict": link.conflict,
            "reason": link.reason,
            "score": link.score,
        }
        for link in links
        if (link.a, link.b) not in existing
    ]
    if rows:
        dialect = session.get_bind().dialect.name
        insert_into = postgresql_insert if dialect == "postgresql" else sqlite_insert
        session.execute(
            insert_into(ClaimLink).on_conflict_do_nothing(
                index_elements=["a_sentence_id", "b_sentence_id"]
            ),
            rows,
        )
    return len(rows)


def _link_query() -> Select[str, int, str, str, int, str, float, bool, str, float | None]:
    a, b = aliased(Sentence), aliased(Sentence)
    return (
        select(
            a.article_id,
            a.index,
            a.text,
            b.article_id,
            b.index,
            b.text,
            ClaimLink.similarity,
            ClaimLink.conflict,
            ClaimLink.reason,
            ClaimLink.score,
        )
        .select_from(ClaimLink)
        .join(a, a.id == ClaimLink.a_sentence_id)
        .join(b, b.id == ClaimLink.b_sentence_id)
    )


def all_links(session: Session) -> list[LinkRow]:
    """Every link, sorted by ``a`` then ``b`` (article id, then sentence index)."""
    rows = sorted(session.execute(_link_query()).all(), key=lambda r: (r[0], r[1], r[3], r[4]))
    return [
        LinkRow(
            f"{a_art}:{a_idx}",
            f"{b_art}:{b_idx}",
            at,
            bt,
            float(sim),
            bool(conflict),
            reason,
            None if score is None else float(score),
        )
        for a_art, a_idx, at, b_art, b_idx, bt, sim, conflict, reason, score in rows
    ]


def related_sentences(
    session: Session, *, sentence_id: int, limit: int = RELATED_LIMIT
) -> list[RelatedSentence]:
    """Sentences of other articles linked to ``sentence_id``: conflicts first, best ranked next.

    Ranked by the link model's score where the link has one, else by similarity (``rank``).
    At most ``limit``: the best of each direction, then the best of both.
    """
    rank = func.coalesce(ClaimLink.score, ClaimLink.similarity)
    found: list[RelatedSentence] = []
    for own, other in (
        (ClaimLink.a_sentence_id, ClaimLink.b_sentence_id),
        (ClaimLink.b_sentence_id, ClaimLink.a_sentence_id),
    ):
        rows = session.execute(
            select(
                Sentence.article_id,
                Article.title,
                Article.outlet,
                Sentence.index,
                Sentence.text,
                ClaimLink.similarity,
                ClaimLink.conflict,
                ClaimLink.reason,
                ClaimLink.score,
            )
            .join(Sentence, Sentence.id == other)
            .join(Article, Article.id == Sentence.article_id)
            .where(own == sentence_id)
            .order_by(ClaimLink.conflict.desc(), rank.desc(), ClaimLink.similarity.desc(), other)
            .limit(limit)
        )
        for article, title, outlet, index, text, sim, conflict, reason, score in rows:
            found.append(
                RelatedSentence(
                    f"{article}:{index}",
                    article,
                    title,
                    outlet,
                    index,
                    text,
                    float(sim),
                    bool(conflict),
                    reason,
                    None if score is None else float(score),
                )
            )
    found.sort(
        key=lambda r: (
            not r.conflict,
            -ranking_key(r.score, r.similarity),
            -r.similarity,
            r.article_id,
            r.index,
        )
    )
    return found[:limit]


def stored_links(session: Session, *, after: int = 0, limit: int) -> list[StoredLink]:
    """At most ``limit`` stored links with row ids above ``after``, in id order (keyset)."""
    a, b = aliased(Sentence), aliased(Sentence)
    query = (
        select(ClaimLink.id, a.text, b.text, ClaimLink.similarity)
        .join(a, a.id == ClaimLink.a_sentence_id)
        .join(b, b.id == ClaimLink.b_sentence_id)
        .where(ClaimLink.id > after)
        .order_by(ClaimLink.id)
        .limit(limit)
    )
    return [StoredLink(row[0], row[1], row[2], float(row[3])) for row in session.execute(query)]


def set_link_scores(session: Session, *, scores: Mapping[int, float]) -> None:
    """Store the link model's score on these links (keyed by row id); a link gone is skipped.

    A Core update, not the ORM's by-primary-key one, which fails when a row was deleted since.
    """
    if scores:
        table = cast(Table, ClaimLink.__table__)
        session.execute(
            update(table)
            .where(table.c.id == bindparam("link_id"))
            .values(score=bindparam("link_score")),
            [{"link_id": key, "link_score": value} for key, value in scores.items()],
        )


def _confirmed() -> Exists:
    """Whether some reviewer decided "same claim" on a link's pair (decisions: lower id first)."""
    return exists().where(
        LinkDecision.same_claim.is_(True),
        or_(
            and_(
                LinkDecision.a_sentence_id == ClaimLink.a_sentence_id,
                LinkDecision.b_sentence_id == ClaimLink.b_sentence_id,
            ),
            and_(
                LinkDecision.a_sentence_id == ClaimLink.b_sentence_id,
                LinkDecision.b_sentence_id == ClaimLink.a_sentence_id,
            ),
        ),
    )


def drop_unconfirmed_links(session: Session, *, link_ids: Sequence[int]) -> int:
    """Delete these links unless a reviewer confirmed them as "same claim"; how many went.

    The check is part of the delete statement itself, so a decision committed before it runs
    is always seen. The decisions themselves are kept (they name the sentences, not the link).
    """
    dropped = 0
    for start in range(0, len(link_ids), _IN_CHUNK):
        chunk = list(link_ids[start : start + _IN_CHUNK])
        result: CursorResult[Any] = session.execute(  # type: ignore[assignment]
            delete(ClaimLink)
            .where(ClaimLink.id.in_(chunk), ~_confirmed())
            .execution_options(synchronize_session=False)
        )
        dropped += result.rowcount
    return dropped


def set_score_values(session: Session, *, scores: Mapping[int, float]) -> None:
    """Store check-worthiness only, keeping each sentence's reasons."""
    if scores:
        session.execute(
            update(Sentence),
            [{"id": key, "checkworthiness": value} for key, value in scores.items()],
        )


def sentence_texts(
    session: Session, *, after: int = 0, limit: int | None = None
) -> list[tuple[int, str]]:
    """Sentence ids with their texts in id order: those above ``after``, at most ``limit``."""
    query = select(Sentence.id, Sentence.text).where(Sentence.id > after).order_by(Sentence.id)
    if limit is not None:
        query = query.limit(limit)
    return [(row[0], row[1]) for row in session.execute(query)]


def gold_sentences(session: Session) -> list[tuple[str, str]]:
    """Text and gold label of every sentence that has one (not boilerplate), in sentence order."""
    query = (
        select(Sentence.text, GoldLabel.label)
        .join(Sentence, Sentence.id == GoldLabel.sentence_id)
        .where(~Sentence.boilerplate)
        .order_by(GoldLabel.sentence_id)
    )
    return [(row[0], row[1]) for row in session.execute(query)]


def gold_label_counts(session: Session) -> tuple[int, int]:
    """How many gold labels there are, and how many are not ``not_a_claim`` (boilerplate not)."""
    total, claims = session.execute(
        select(
            func.count(GoldLabel.id),
            func.count(GoldLabel.id).filter(GoldLabel.label != Label.NOT_A_CLAIM.value),
        )
        .join(Sentence, Sentence.id == GoldLabel.sentence_id)
        .where(~Sentence.boilerplate)
    ).one()
    return int(total), int(claims)


# Rows of ``scorer_models`` in LINK_MODEL_FORMAT hold link models (``domain.link_model``).


def latest_scorer(session: Session) -> ScorerModel | None:
    """The newest trained check-worthiness scorer (the active one), or None; payload not read."""
    return session.scalar(
        select(ScorerModel)
        .where(ScorerModel.format != LINK_MODEL_FORMAT)
        .order_by(ScorerModel.id.desc())
        .limit(1)
    )


def latest_link_model(session: Session) -> ScorerModel | None:
    """The newest trained link model (the active one), or None; its payload is not read."""
    return session.scalar(
        select(ScorerModel)
        .where(ScorerModel.format == LINK_MODEL_FORMAT)
        .order_by(ScorerModel.id.desc())
        .limit(1)
    )


def scorer_payload(session: Session, *, scorer_id: int) -> bytes | None:
    """The stored model document of one scorer, or None when there is no such row."""
    return session.scalar(select(ScorerModel.payload).where(ScorerModel.id == scorer_id))


def add_scorer(
    session: Session,
    *,
    trained_on: int,
    metrics: dict[str, object],
    payload: bytes,
    format: str,
    digest: str,
) -> ScorerModel:
    """Store a trained scorer; being the newest, it becomes the active one."""
    scorer = ScorerModel(
        trained_on=trained_on, metrics=metrics, payload=payload, format=format, digest=digest
    )
    session.add(scorer)
    session.flush()
    return scorer
