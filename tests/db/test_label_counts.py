"""sentence_label_counts equals a recount from annotations after every kind of label write."""

from __future__ import annotations

from pathlib import Path

import orjson
from sqlalchemy import delete, select, text

from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.label_counts import SentenceLabelCount, recount, stored_counts
from workbench.db.migrate import alembic_config, upgrade
from workbench.db.models import Article
from workbench.services.adjudicate import adjudicate
from workbench.services.importer import import_labels
from workbench.services.reviewer_labels import clear_label, record_label

ARTICLE = "000_b5ddb462525d61c6"
OTHER = "001_905ae90385d1da76"


def _sid(db: Database, index: int, article: str = ARTICLE) -> int:
    with db.read() as session:
        sentence = queries.sentence_at(session, article_id=article, index=index)
        assert sentence is not None
        return sentence.id


def _assert_true(db: Database) -> None:
    with db.read() as session:
        assert stored_counts(session) == recount(session)
        mirrored = session.execute(
            select(SentenceLabelCount).where(
                (SentenceLabelCount.minus_distinct != -SentenceLabelCount.distinct_labels)
                | (SentenceLabelCount.minus_labels != -SentenceLabelCount.n_labels)
            )
        ).all()
        assert mirrored == []


def test_counts_follow_label_relabel_clear_gold_and_import(
    seeded_db: Database,
    make_user,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    ana, ben = make_user("ana", password=None), make_user("ben", password=None)
    eve = make_user("eve", role="editor", password=None)
    s0, s1 = _sid(seeded_db, 0), _sid(seeded_db, 1)
    with seeded_db.write() as session:
        record_label(session, user_id=ana, sentence_id=s0, label="verified")
        record_label(session, user_id=ben, sentence_id=s0, label="disputed")
        record_label(session, user_id=ana, sentence_id=s1, label="unsourced")
    _assert_true(seeded_db)
    with seeded_db.read() as session:
        (row,) = stored_counts(session, sentence_ids=[s0])
    assert (row.per_label, row.n_labels, row.distinct, row.share) == ((1, 1, 0, 0), 2, 2, 0.5)
    assert row.contested and not row.adjudicated
    with seeded_db.write() as session:  # relabel: no longer contested
        record_label(session, user_id=ben, sentence_id=s0, label="verified")
    _assert_true(seeded_db)
    with seeded_db.read() as session:
        assert not stored_counts(session, sentence_ids=[s0])[0].contested
    with seeded_db.write() as session:  # clearing the only label removes the row
        assert clear_label(session, user_id=ana, sentence_id=s1)
    _assert_true(seeded_db)
    with seeded_db.read() as session:
        assert stored_counts(session, sentence_ids=[s1]) == []
    s2 = _sid(seeded_db, 2)
    with seeded_db.write() as session:  # a gold label on an unlabelled sentence
        adjudicate(session, editor_id=eve, sentence_id=s2, label="verified", rationale="r")
        adjudicate(session, editor_id=eve, sentence_id=s0, label="verified", rationale="r")
    _assert_true(seeded_db)
    refutes = [{"url": "https://example.org/r", "quote": "q", "stance": "refutes"}]
    lines = [
        {"article": ARTICLE, "sentence": i, "reviewer": who, "label": label}
        | ({"evidence": refutes} if label == "disputed" else {})
        for i in range(6)
        for who, label in (("ana", "disputed"), ("cy", "not_a_claim"), ("dee", "disputed"))
    ]
    path = tmp_path / "labels.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(line) for line in lines) + b"\n")
    assert import_labels(seeded_db, path=path).labels == len(lines)
    _assert_true(seeded_db)
    with seeded_db.read() as session:
        (row,) = stored_counts(session, sentence_ids=[s2])
    assert row.per_label == (0, 2, 0, 1) and row.adjudicated and row.contested


def test_pattern_day_and_article_follow_labels_and_their_times(
    seeded_db: Database,
    make_user,  # type: ignore[no-untyped-def]
) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import update

    from workbench.db.models import Annotation

    ana, ben = make_user("ana", password=None), make_user("ben", password=None)
    s0 = _sid(seeded_db, 0)
    with seeded_db.write() as session:
        record_label(session, user_id=ben, sentence_id=s0, label="not_a_claim")
        record_label(session, user_id=ana, sentence_id=s0, label="unsourced")
    with seeded_db.read() as session:
        (row,) = stored_counts(session, sentence_ids=[s0])
    first, second = sorted((ana, ben))
    mine = {ana: "u", ben: "n"}
    assert row.pattern == f"{first}{mine[first]},{second}{mine[second]}"
    assert row.article_id == ARTICLE
    assert row.latest_day == datetime.now(UTC).date().isoformat()
    later = datetime(2031, 3, 4, 23, 30, tzinfo=UTC)
    with seeded_db.write() as session:  # a change of the time alone moves the day
        session.execute(
            update(Annotation)
            .where(Annotation.sentence_id == s0, Annotation.user_id == ana)
            .values(updated_at=later)
        )
    _assert_true(seeded_db)
    with seeded_db.read() as session:
        (moved,) = stored_counts(session, sentence_ids=[s0])
    assert moved.latest_day == "2031-03-04" and moved.pattern == row.pattern
    with seeded_db.write() as session:  # a note edit is a change of the sentence too
        record_label(session, user_id=ben, sentence_id=s0, label="not_a_claim", note="seen")
    _assert_true(seeded_db)


def test_deleting_an_article_and_its_labels_removes_its_rows(
    seeded_db: Database,
    make_user,  # type: ignore[no-untyped-def]
) -> None:
    ana, ben = make_user("ana", password=None), make_user("ben", password=None)
    sids = [_sid(seeded_db, index, OTHER) for index in range(3)]
    with seeded_db.write() as session:
        for sid in sids:
            record_label(session, user_id=ana, sentence_id=sid, label="verified")
            record_label(session, user_id=ben, sentence_id=sid, label="unsourced")
    with seeded_db.write() as session:
        session.execute(delete(Article).where(Article.id == OTHER))
    _assert_true(seeded_db)


def test_the_migration_backfills_existing_labels(
    db: Database,
    make_user,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    from alembic import command

    from workbench.services.ingest import ingest_paths

    seeds = Path(__file__).resolve().parents[2] / "seeds"
    assert not ingest_paths(db, sources=[str(seeds)]).errors
    ana, ben = make_user("ana", password=None), make_user("ben", password=None)
    eve = make_user("eve", role="editor", password=None)
    sids, settled = [_sid(db, index) for index in range(4)], _sid(db, 9)
    with db.write() as session:
        for index, sid in enumerate(sids):
            record_label(session, user_id=ana, sentence_id=sid, label="verified")
            label = "disputed" if index % 2 else "verified"
            record_label(session, user_id=ben, sentence_id=sid, label=label)
        adjudicate(session, editor_id=eve, sentence_id=settled, label="verified", rationale="r")
    config = alembic_config(db.engine)
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
    with db.engine.connect() as connection:
        assert "sentence_label_counts" not in _tables(connection)
    upgrade(db.engine)
    _assert_true(db)
    with db.read() as session:
        assert len(stored_counts(session)) == 5


def _tables(connection) -> set[str]:  # type: ignore[no-untyped-def]
    from sqlalchemy import inspect

    return set(inspect(connection).get_table_names())


def test_no_table_without_triggers(db: Database) -> None:
    with db.engine.connect() as connection:
        if db.is_sqlite:
            names = connection.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            ).scalars()
        else:
            names = connection.execute(
                text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            ).scalars()
        found = {name for name in names if name.startswith("sentence_label_counts")}
    assert len(found) == (6 if db.is_sqlite else 2)


def test_concurrent_reviewers_on_one_sentence_lose_no_count(
    seeded_db: Database,
    make_user,  # type: ignore[no-untyped-def]
) -> None:
    import threading

    users = [make_user(f"r{i}", password=None) for i in range(8)]
    sid = _sid(seeded_db, 3)
    barrier = threading.Barrier(len(users))
    errors: list[BaseException] = []

    def label(user: int, position: int) -> None:
        try:
            barrier.wait(timeout=30)
            with seeded_db.write() as session:
                choice = "verified" if position % 2 else "disputed"
                record_label(session, user_id=user, sentence_id=sid, label=choice)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=label, args=(u, i)) for i, u in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    _assert_true(seeded_db)
    with seeded_db.read() as session:
        (row,) = stored_counts(session, sentence_ids=[sid])
    assert row.per_label == (4, 4, 0, 0) and row.n_labels == 8


def test_the_postgresql_refresh_reads_along_indexes_on_any_statistics(db: Database) -> None:
    """0013: the refresh runs with enable_seqscan off (a bulk import into a new database
    otherwise scans annotations once per label); the downgrade takes the setting away."""
    from alembic import command

    def settings() -> list[str]:
        with db.engine.connect() as connection:
            found = connection.execute(
                text(
                    "SELECT proconfig FROM pg_proc WHERE proname = 'sentence_label_counts_refresh'"
                )
            ).scalar_one()
        return list(found or [])

    if db.is_sqlite:  # SQLite plans its triggers' key lookups along the indexes by itself
        with db.engine.connect() as connection:
            plan = connection.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT COUNT(*) FROM annotations WHERE sentence_id = 1"
            ).all()
        assert "ix_annotations_sentence_id" in " ".join(str(row[-1]) for row in plan)
        return
    assert settings() == ["enable_seqscan=off"]
    config = alembic_config(db.engine)
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0012")
    assert settings() == []
    upgrade(db.engine)
    assert settings() == ["enable_seqscan=off"]
