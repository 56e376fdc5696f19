"""Migration 0011: the guidelines table and label columns come and go, the count triggers stay."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from sqlalchemy import inspect, select, text

from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.label_counts import recount, stored_counts
from workbench.db.migrate import alembic_config, upgrade
from workbench.db.models import Annotation, GoldLabel
from workbench.domain.guidelines import default_guidelines
from workbench.services.adjudicate import adjudicate
from workbench.services.guidelines import guidelines_in_force
from workbench.services.reviewer_labels import record_label

MakeUser = Callable[..., int]
ARTICLE = "000_b5ddb462525d61c6"


def _sid(db: Database, index: int) -> int:
    with db.read() as session:
        sentence = queries.sentence_at(session, article_id=ARTICLE, index=index)
        assert sentence is not None
        return sentence.id


def _triggers(db: Database) -> set[str]:
    with db.engine.connect() as connection:
        if db.is_sqlite:
            query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        else:
            query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
        names = connection.execute(text(query)).scalars()
        return {name for name in names if name.startswith("sentence_label_counts")}


def _counts_true(db: Database) -> None:
    with db.read() as session:
        assert stored_counts(session) == recount(session)


def test_down_and_up_keeps_labels_and_the_count_triggers(
    seeded_db: Database, make_user: MakeUser
) -> None:
    ana, ben = make_user("ana"), make_user("ben")
    eve = make_user("eve", role="editor")
    s0, s1 = _sid(seeded_db, 0), _sid(seeded_db, 1)
    with seeded_db.write() as session:
        record_label(session, user_id=ana, sentence_id=s0, label="unsourced")
        record_label(session, user_id=ben, sentence_id=s0, label="not_a_claim")
        adjudicate(session, editor_id=eve, sentence_id=s0, label="unsourced", rationale="r")
    triggers = _triggers(seeded_db)
    assert len(triggers) == (6 if seeded_db.is_sqlite else 2)
    config = alembic_config(seeded_db.engine)
    with seeded_db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0009")
    with seeded_db.engine.connect() as connection:
        inspector = inspect(connection)
        assert "guidelines" not in inspector.get_table_names()
        for table in ("annotations", "gold_labels"):
            columns = {c["name"] for c in inspector.get_columns(table)}
            assert "guideline_version" not in columns
        assert connection.execute(text("SELECT count(*) FROM annotations")).scalar() == 2
    assert _triggers(seeded_db) == triggers
    with seeded_db.engine.begin() as connection:  # the triggers still count at 0009
        connection.execute(
            text("UPDATE annotations SET label = 'unsourced' WHERE user_id = :u"), {"u": ben}
        )
    _counts_true(seeded_db)
    upgrade(seeded_db.engine)
    assert _triggers(seeded_db) == triggers
    with seeded_db.read() as session:
        current = guidelines_in_force(session)
        assert current is not None and (current.version, current.text) == (
            1,
            default_guidelines(),
        )
        kept = session.execute(select(Annotation.label, Annotation.guideline_version)).all()
        gold = session.execute(select(GoldLabel.label, GoldLabel.guideline_version)).all()
    assert sorted(kept) == [("unsourced", None), ("unsourced", None)]  # before guidelines
    assert gold == [("unsourced", None)]
    with seeded_db.write() as session:  # and after the upgrade, through the app's path
        record_label(session, user_id=ana, sentence_id=s1, label="verified")
        record_label(session, user_id=ben, sentence_id=s0, label="disputed")
    _counts_true(seeded_db)
    with seeded_db.read() as session:
        (row,) = stored_counts(session, sentence_ids=[s0])
        assert row.contested and row.adjudicated
        made = session.scalar(
            select(Annotation.guideline_version).where(Annotation.sentence_id == s1)
        )
    assert made == 1
