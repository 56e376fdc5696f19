"""Queries for check-worthiness scores, scorer models and cross-article claim links."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased

from workbench.db.models import Article, ClaimLink, GoldLabel, ScorerModel, Sentence
from workbench.domain.claim_links import ClaimLinkDraft, ClaimText
from workbench.domain.labels import Label


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


def claim_texts(session: Session, *, article_id: str | None = None) -> list[ClaimText]:
    """Sentences as the linker sees them: one article's, or every article's when None."""
    query = select(Sentence.id, Sentence.article_id, Sentence.text).order_by(Sentence.id)
    if article_id is not None:
        query = query.where(Sentence.article_id == article_id)
    return [ClaimText(key, article, text) for key, article, text in session.execute(query)]


def corpus_version(session: Session) -> tuple[int, int]:
    """How many sentences are stored and the highest sentence id: a cheap corpus version."""
    count, top = session.execute(select(func.count(Sentence.id), func.max(Sentence.id))).one()
    return int(count), int(top or 0)


def claim_texts_after(session: Session, *, after: int) -> list[ClaimText]:
    """Sentences with an id above ``after``, in id order (what arrived since a version)."""
    query = (
        select(Sentence.id, Sentence.article_id, Sentence.text)
        .where(Sentence.id > after)
        .order_by(Sentence.id)
    )
    return [ClaimText(key, article, text) for key, article, text in session.execute(query)]


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


def _link_query() -> Select[str, int, str, str, int, str, float, bool, str]:
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
        )
        .select_from(ClaimLink)
        .join(a, a.id == ClaimLink.a_sentence_id)
        .join(b, b.id == ClaimLink.b_sentence_id)
    )


def all_links(session: Session) -> list[LinkRow]:
    """Every link, sorted by ``a`` then ``b`` (article id, then sentence index)."""
    rows = sorted(session.execute(_link_query()).all(), key=lambda r: (r[0], r[1], r[3], r[4]))
    return [
        LinkRow(f"{a_art}:{a_idx}", f"{b_art}:{b_idx}", at, bt, float(sim), bool(conflict), reason)
        for a_art, a_idx, at, b_art, b_idx, bt, sim, conflict, reason in rows
    ]


RELATED_LIMIT = 20  # the most linked sentences one panel reads, whatever links are stored


def related_sentences(
    session: Session, *, sentence_id: int, limit: int = RELATED_LIMIT
) -> list[RelatedSentence]:
    """At most ``limit`` sentences linked to ``sentence_id``: conflicts first, most similar next."""
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
            )
            .join(Sentence, Sentence.id == other)
            .join(Article, Article.id == Sentence.article_id)
            .where(own == sentence_id)
            .order_by(
                ClaimLink.conflict.desc(),
                ClaimLink.similarity.desc(),
                Sentence.article_id,
                Sentence.index,
            )
            .limit(limit)
        )
        for article, title, outlet, index, text, sim, conflict, reason in rows:
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
                )
            )
    found.sort(key=lambda r: (not r.conflict, -r.similarity, r.article_id, r.index))
    return found[:limit]


def related_refs(
    session: Session, *, sentence_ids: Iterable[int] | None = None
) -> dict[int, list[str]]:
    """Linked sentence ids (``"<article>:<index>"``, sorted) of each sentence that has links."""
    a, b = aliased(Sentence), aliased(Sentence)
    query = (
        select(a.id, a.article_id, a.index, b.id, b.article_id, b.index)
        .select_from(ClaimLink)
        .join(a, a.id == ClaimLink.a_sentence_id)
        .join(b, b.id == ClaimLink.b_sentence_id)
    )
    wanted = None if sentence_ids is None else set(sentence_ids)
    refs: dict[int, set[tuple[str, int]]] = {}
    for a_id, a_article, a_index, b_id, b_article, b_index in session.execute(query):
        if wanted is None or a_id in wanted:
            refs.setdefault(a_id, set()).add((b_article, b_index))
        if wanted is None or b_id in wanted:
            refs.setdefault(b_id, set()).add((a_article, a_index))
    return {key: [f"{art}:{idx}" for art, idx in sorted(value)] for key, value in refs.items()}


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
    """The text and adjudicated (gold) label of every sentence that has one, in sentence order."""
    query = (
        select(Sentence.text, GoldLabel.label)
        .join(Sentence, Sentence.id == GoldLabel.sentence_id)
        .order_by(GoldLabel.sentence_id)
    )
    return [(row[0], row[1]) for row in session.execute(query)]


def gold_label_counts(session: Session) -> tuple[int, int]:
    """How many gold labels there are, and how many of them are not ``not_a_claim``."""
    total, claims = session.execute(
        select(
            func.count(GoldLabel.id),
            func.count(GoldLabel.id).filter(GoldLabel.label != Label.NOT_A_CLAIM.value),
        )
    ).one()
    return int(total), int(claims)


def latest_scorer(session: Session) -> ScorerModel | None:
    """The newest trained scorer (the active one), or None; its payload is not read."""
    return session.scalar(select(ScorerModel).order_by(ScorerModel.id.desc()).limit(1))


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
