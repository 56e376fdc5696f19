"""Migration 0022: evidence items gain a nullable ``published``; down and up keep the evidence."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, select

from tests.exporters.labeled import label_corpus
from workbench.db.engine import Database
from workbench.db.evidence import evidence_of, store_evidence
from workbench.db.migrate import alembic_config
from workbench.db.models import EvidenceItem, GoldLabel
from workbench.domain.labels import Evidence


def _columns(db: Database) -> set[str]:
    return {column["name"] for column in inspect(db.engine).get_columns("evidence_items")}


def test_published_column_is_added_and_removed(seeded_db: Database) -> None:
    label_corpus(seeded_db)
    dated = Evidence(
        url="https://example.org/r", quote="4%", stance="refutes", published="2025-06-07"
    )
    with seeded_db.write() as session:
        gold = session.scalars(select(GoldLabel)).one()
        store_evidence(gold, [dated])
    assert "published" in _columns(seeded_db)
    with seeded_db.read() as session:
        assert session.scalars(select(EvidenceItem.published)).all().count("2025-06-07") == 1
    config = alembic_config(seeded_db.engine)
    with seeded_db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0021")
    assert "published" not in _columns(seeded_db)
    assert "question" in _columns(seeded_db)  # only this migration's column went
    with seeded_db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    assert "published" in _columns(seeded_db)
    with seeded_db.read() as session:
        # The rows lost the column's value; the JSON column every reader decodes kept it.
        assert set(session.scalars(select(EvidenceItem.published))) == {None}
        gold = session.scalars(select(GoldLabel)).one()
        assert evidence_of(gold) == (dated,)
