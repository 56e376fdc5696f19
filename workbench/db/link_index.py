"""The link index: which linkable sentences use each term, and how many sentences use it.

Candidates for a new sentence's links are read from here by its rarest terms, each with a
LIMIT, so finding them costs the same whatever the size of the corpus.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    Table,
    TextClause,
    bindparam,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from workbench.db.models import Base
from workbench.domain.claim_links import POSTINGS_PER_TERM, index_terms

_UNION_CHUNK = 100  # SQLite allows 500 terms in one compound select


class LinkTerm(Base):
    """A term of the link index and how many indexed sentences use it."""

    __tablename__ = "link_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(String(64), unique=True)
    sentences: Mapped[int] = mapped_column(Integer, default=0)


class SentenceTerm(Base):
    """One posting: a linkable sentence uses a term."""

    __tablename__ = "sentence_terms"

    term_id: Mapped[int] = mapped_column(ForeignKey("link_terms.id"), primary_key=True)
    sentence_id: Mapped[int] = mapped_column(
        ForeignKey("sentences.id", ondelete="CASCADE"), primary_key=True, index=True
    )


def _insert_ignoring_duplicates(
    session: Session, table: type[Base], rows: list[dict[str, Any]]
) -> None:
    """Insert rows, skipping any that a unique key already holds (both dialects)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(postgresql_insert(table).on_conflict_do_nothing(), rows)
    else:
        session.execute(sqlite_insert(table).on_conflict_do_nothing(), rows)


def index_sentences(session: Session, *, sentences: Sequence[tuple[int, str]]) -> int:
    """Add these sentences (id, text) to the index unless already there; return postings added.

    Term counters are raised in term order, so two writers never wait on each other in a cycle.
    """
    if not sentences:
        return 0
    ids = [key for key, _ in sentences]
    done = set(
        session.scalars(
            select(SentenceTerm.sentence_id).where(SentenceTerm.sentence_id.in_(ids)).distinct()
        )
    )
    terms_of = {key: index_terms(text) for key, text in sentences if key not in done}
    uses: dict[str, int] = {}
    for terms in terms_of.values():
        for term in terms:
            uses[term] = uses.get(term, 0) + 1
    if not uses:
        return 0
    ordered = sorted(uses)
    _insert_ignoring_duplicates(
        session, LinkTerm, [{"term": term, "sentences": 0} for term in ordered]
    )
    query = select(LinkTerm.term, LinkTerm.id).where(LinkTerm.term.in_(ordered))
    term_ids: dict[str, int] = {row[0]: row[1] for row in session.execute(query)}
    terms_table = cast(Table, LinkTerm.__table__)
    session.connection().execute(
        update(terms_table)
        .where(terms_table.c.id == bindparam("key"))
        .values(sentences=terms_table.c.sentences + bindparam("uses")),
        [{"key": term_ids[term], "uses": uses[term]} for term in ordered],
    )
    rows = [
        {"term_id": term_ids[term], "sentence_id": key}
        for key, terms in terms_of.items()
        for term in sorted(terms)
    ]
    _insert_ignoring_duplicates(session, SentenceTerm, rows)
    return len(rows)


def term_frequencies(session: Session, *, terms: Sequence[str]) -> dict[str, tuple[int, int]]:
    """Each known term's id and how many indexed sentences use it."""
    found: dict[str, tuple[int, int]] = {}
    unique = sorted(set(terms))
    for start in range(0, len(unique), 500):
        query = select(LinkTerm.term, LinkTerm.id, LinkTerm.sentences).where(
            LinkTerm.term.in_(unique[start : start + 500])
        )
        for term, key, count in session.execute(query):
            found[term] = (key, count)
    return found


@lru_cache(maxsize=32)
def _postings_query(parts: int) -> TextClause:
    """UNION ALL of ``parts`` index range reads, each the newest ``:n`` postings of one term."""
    one = (
        "SELECT * FROM (SELECT term_id, sentence_id FROM sentence_terms WHERE term_id = :t{i}"
        " ORDER BY sentence_id DESC LIMIT :n) AS p{i}"
    )
    return text(" UNION ALL ".join(one.format(i=i) for i in range(parts)))


def postings(
    session: Session, *, term_ids: Sequence[int], per_term: int = POSTINGS_PER_TERM
) -> dict[int, list[int]]:
    """The newest ``per_term`` sentence ids using each term (an index range read per term)."""
    found: dict[int, list[int]] = {}
    unique = sorted(set(term_ids))
    for start in range(0, len(unique), _UNION_CHUNK):
        chunk = unique[start : start + _UNION_CHUNK]
        values: dict[str, int] = {f"t{i}": key for i, key in enumerate(chunk)}
        for key, sentence_id in session.execute(
            _postings_query(len(chunk)), {**values, "n": per_term}
        ):
            found.setdefault(key, []).append(sentence_id)
    return found
