"""Claim links at scale: the cap per sentence, the floor, relink, and candidates from the index."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import delete, func, select, union_all, update

from tests.conftest import SEEDS
from workbench.db import link_index
from workbench.db.claims import claim_texts
from workbench.db.engine import Database
from workbench.db.link_index import LinkTerm, SentenceTerm
from workbench.db.migrate import alembic_config, upgrade
from workbench.db.models import Article, ClaimLink, Sentence
from workbench.domain.claim_links import (
    CANDIDATES_PER_SENTENCE,
    LINK_THRESHOLD,
    LINKS_PER_SENTENCE,
    QUERY_TERMS,
    index_terms,
)
from workbench.services import linking
from workbench.services.ingest import ingest_paths

PAHALGAM_SEED = SEEDS / "003_12a4aa04524d7b45.txt"


def _editions(folder: Path, count: int) -> list[str]:
    """``count`` near-duplicate copies of one seed article, each headed by its own edition line."""
    text = PAHALGAM_SEED.read_text(encoding="utf-8")
    paths = []
    for edition in range(count):
        path = folder / f"wire_{edition:02d}.txt"
        path.write_text(f"Edition {edition} of the wire report\n{text}", encoding="utf-8")
        paths.append(str(path))
    return paths


def _links_per_sentence(db: Database) -> dict[int, int]:
    ends = union_all(
        select(ClaimLink.a_sentence_id.label("s")), select(ClaimLink.b_sentence_id.label("s"))
    ).subquery()
    with db.read() as session:
        rows = session.execute(select(ends.c.s, func.count()).group_by(ends.c.s)).all()
    return {row[0]: row[1] for row in rows}


def _all_links(db: Database) -> set[tuple[int, int, float]]:
    with db.read() as session:
        rows = session.execute(
            select(ClaimLink.a_sentence_id, ClaimLink.b_sentence_id, ClaimLink.similarity)
        )
        return {(a, b, sim) for a, b, sim in rows}


def test_near_duplicate_articles_keep_at_most_the_cap_of_links_above_the_floor(
    db: Database, tmp_path: Path
) -> None:
    report = ingest_paths(db, sources=_editions(tmp_path, 12))
    assert len(report.added) == 12 and not report.errors
    counts = _links_per_sentence(db)
    # Every sentence repeats in eleven other articles; it keeps its best five.
    assert counts and max(counts.values()) == LINKS_PER_SENTENCE
    assert all(sim >= LINK_THRESHOLD for _, _, sim in _all_links(db))
    with db.read() as session:
        pairs = session.execute(
            select(Sentence.article_id, Sentence.text)
            .join(ClaimLink, ClaimLink.a_sentence_id == Sentence.id)
            .limit(50)
        ).all()
    assert pairs  # links join sentences that repeat across editions


def test_relink_keeps_the_cap_and_a_second_run_changes_nothing(
    db: Database, tmp_path: Path
) -> None:
    ingest_paths(db, sources=_editions(tmp_path, 10))
    with db.write() as session:
        session.execute(delete(ClaimLink))
        session.execute(update(Article).values(linked_at=None))
    report = linking.relink(db)
    assert report.articles == 10 and report.links > 0
    counts = _links_per_sentence(db)
    assert max(counts.values()) == LINKS_PER_SENTENCE
    stored = _all_links(db)
    assert len(stored) <= report.links
    assert all(sim >= LINK_THRESHOLD for _, _, sim in stored)
    assert linking.relink(db) == linking.RelinkReport(0, 0, 0)
    assert _all_links(db) == stored


def test_an_article_sharing_no_term_gets_no_candidates_and_no_links(
    seeded_db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "nonsense.txt"
    path.write_text(
        "Quarterly zorblat report\n\nQwopnik officials said 41 glarvish okkerflims vumpled "
        "near Yexxitorp on Sunday.\nThe Zorblat ministry said 17 quintrex flanbogs trevished "
        "the Yexxitorp plinth.\n",
        encoding="utf-8",
    )
    before = _all_links(seeded_db)
    assert ingest_paths(seeded_db, sources=[str(path)]).added == ["nonsense"]
    with seeded_db.read() as session:
        fresh = claim_texts(session, article_id="nonsense")
        assert len(fresh) == 3
        assert linking.candidates_for(session, fresh=fresh) == []
    assert _all_links(seeded_db) == before


def test_candidates_share_a_rare_term_with_the_new_sentence(seeded_db: Database) -> None:
    with seeded_db.read() as session:
        fresh = claim_texts(session, article_id="003_12a4aa04524d7b45")
        candidates = linking.candidates_for(session, fresh=fresh)
    wanted = set().union(*(index_terms(item.text) for item in fresh))
    assert 0 < len(candidates) <= CANDIDATES_PER_SENTENCE * len(fresh)
    assert all(item.article != "003_12a4aa04524d7b45" for item in candidates)
    assert all(index_terms(item.text) & wanted for item in candidates)


def test_candidate_reads_are_bounded_by_the_article(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[int] = []
    original = link_index.postings

    def counted(session: Any, *, term_ids: Any, per_term: int = 2) -> dict[int, list[int]]:
        found = original(session, term_ids=term_ids, per_term=2)
        read.append(sum(len(ids) for ids in found.values()))
        return found

    monkeypatch.setattr(link_index, "postings", counted)
    ingest_paths(db, sources=_editions(tmp_path, 8))
    with db.read() as session:
        sentences = session.scalar(
            select(func.count(Sentence.id)).where(Sentence.article_id == "wire_07")
        )
        fresh = claim_texts(session, article_id="wire_07")
        candidates = linking.candidates_for(session, fresh=fresh)
    assert sentences
    # Two postings per looked-up term, a few terms per sentence, a few candidates per sentence.
    assert read and max(read) <= 2 * QUERY_TERMS * sentences
    assert 0 < len(candidates) <= CANDIDATES_PER_SENTENCE * sentences
    assert all(item.article != "wire_07" for item in candidates)


def test_postings_are_the_newest_few_of_each_term(seeded_db: Database) -> None:
    with seeded_db.read() as session:
        term = session.execute(
            select(LinkTerm.id, LinkTerm.sentences).order_by(LinkTerm.sentences.desc()).limit(1)
        ).one()
        every = sorted(
            session.scalars(
                select(SentenceTerm.sentence_id).where(SentenceTerm.term_id == term.id)
            ),
            reverse=True,
        )
        found = link_index.postings(session, term_ids=[term.id], per_term=3)
    assert term.sentences == len(every) > 3
    assert found == {term.id: every[:3]}


def test_migration_0005_indexes_the_stored_sentences_as_ingest_does(seeded_db: Database) -> None:
    def index() -> tuple[set[tuple[str, int]], set[tuple[str, int]]]:
        with seeded_db.read() as session:
            postings = session.execute(
                select(LinkTerm.term, SentenceTerm.sentence_id).join(
                    SentenceTerm, SentenceTerm.term_id == LinkTerm.id
                )
            ).all()
            counts = session.execute(select(LinkTerm.term, LinkTerm.sentences)).all()
        return {(t, s) for t, s in postings}, {(t, n) for t, n in counts}

    ingested = index()
    assert len(ingested[0]) > 1000
    config = alembic_config(seeded_db.engine)
    with seeded_db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
    upgrade(seeded_db.engine)
    assert index() == ingested
