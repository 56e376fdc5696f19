"""Migration 0010: the boilerplate flag and the label-count triggers that skip it, up and down."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from sqlalchemy import inspect, select

from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.label_counts import SentenceLabelCount, recount, stored_counts
from workbench.db.migrate import alembic_config, upgrade
from workbench.db.models import Sentence
from workbench.services.reviewer_labels import record_label
from workbench.services.sentence_edits import mark_boilerplate

A0 = "000_b5ddb462525d61c6"
MakeUser = Callable[..., int]


def _columns(db: Database, table: str) -> set[str]:
    with db.engine.connect() as connection:
        return {column["name"] for column in inspect(connection).get_columns(table)}


def test_downgrade_restores_0009_triggers_and_upgrade_skips_boilerplate_again(
    seeded_db: Database, make_user: MakeUser
) -> None:
    db = seeded_db
    ana, ben = make_user("ana", password=None), make_user("ben", password=None)
    with db.read() as session:
        sentence = queries.sentence_at(session, article_id=A0, index=0)
        assert sentence is not None
        sid = sentence.id
    with db.write() as session:
        record_label(session, user_id=ana, sentence_id=sid, label="unsourced")
        mark_boilerplate(session, actor_id=None, article_id=A0, index=0)
    with db.read() as session:
        assert stored_counts(session, sentence_ids=[sid]) == []

    config = alembic_config(db.engine)
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0009")
    assert "boilerplate" not in _columns(db, "sentences")
    with db.engine.begin() as connection:  # the 0008 triggers count every sentence again
        connection.execute(
            SentenceLabelCount.__table__.delete().where(SentenceLabelCount.sentence_id == sid)  # type: ignore[attr-defined]
        )
        connection.exec_driver_sql(
            "INSERT INTO annotations (sentence_id, user_id, label, note, created_at, updated_at, "
            f"evidence_json) VALUES ({sid}, {ben}, 'disputed', '', CURRENT_TIMESTAMP, "
            "CURRENT_TIMESTAMP, '[]')"
        )
        counted = connection.execute(
            select(SentenceLabelCount.n_labels).where(SentenceLabelCount.sentence_id == sid)
        ).scalar_one()
    assert counted == 2
    settings = "SELECT proconfig FROM pg_proc WHERE proname = 'sentence_label_counts_refresh'"
    if not db.is_sqlite:  # a setting another revision gave the function survives 0010
        with db.engine.begin() as connection:
            connection.exec_driver_sql(
                "ALTER FUNCTION sentence_label_counts_refresh(integer) SET enable_seqscan = off"
            )

    upgrade(db.engine)
    if not db.is_sqlite:
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql(settings).scalar() == ["enable_seqscan=off"]
    assert "boilerplate" in _columns(db, "sentences")
    with db.read() as session:
        assert not session.scalars(select(Sentence.boilerplate).where(Sentence.id == sid)).one()
        assert stored_counts(session) == recount(session)
    with db.write() as session:
        mark_boilerplate(session, actor_id=None, article_id=A0, index=0)
        record_label(session, user_id=ana, sentence_id=sid, label="not_a_claim")
    with db.read() as session:
        assert stored_counts(session, sentence_ids=[sid]) == []
