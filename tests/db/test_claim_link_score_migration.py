"""Migration 0023: claim links gain a nullable ``score``; down and up keep every link."""

from __future__ import annotations

from alembic import command
from sqlalchemy import func, inspect, select

from workbench.db import claims as claim_queries
from workbench.db.engine import Database
from workbench.db.migrate import alembic_config
from workbench.db.models import ClaimLink


def _columns(db: Database) -> set[str]:
    return {column["name"] for column in inspect(db.engine).get_columns("claim_links")}


def _links(db: Database) -> list[tuple[int, int, int, float, bool, str]]:
    with db.read() as session:
        rows = session.execute(
            select(
                ClaimLink.id,
                ClaimLink.a_sentence_id,
                ClaimLink.b_sentence_id,
                ClaimLink.similarity,
                ClaimLink.conflict,
                ClaimLink.reason,
            ).order_by(ClaimLink.id)
        )
        return [(r[0], r[1], r[2], float(r[3]), bool(r[4]), r[5]) for r in rows]


def test_score_column_is_added_and_removed_keeping_the_links(seeded_db: Database) -> None:
    links = _links(seeded_db)
    assert links and "score" in _columns(seeded_db)
    with seeded_db.read() as session:
        # Links made with no link model carry no score: they rank by similarity.
        assert set(session.scalars(select(ClaimLink.score))) == {None}
    with seeded_db.write() as session:
        claim_queries.set_link_scores(session, scores={links[0][0]: 0.875})
    config = alembic_config(seeded_db.engine)
    with seeded_db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0022")
    assert "score" not in _columns(seeded_db)
    assert {"similarity", "conflict", "reason"} <= _columns(seeded_db)
    assert _links(seeded_db) == links  # only this migration's column went
    indexes = inspect(seeded_db.engine).get_indexes("claim_links")
    index_columns = {tuple(index["column_names"]) for index in indexes}
    assert {("a_sentence_id",), ("b_sentence_id",)} <= index_columns
    unique = inspect(seeded_db.engine).get_unique_constraints("claim_links")
    assert [u["column_names"] for u in unique] == [["a_sentence_id", "b_sentence_id"]]
    with seeded_db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    assert "score" in _columns(seeded_db)
    assert _links(seeded_db) == links
    with seeded_db.read() as session:
        assert set(session.scalars(select(ClaimLink.score))) == {None}
        assert session.scalar(select(func.count()).select_from(ClaimLink)) == len(links)
