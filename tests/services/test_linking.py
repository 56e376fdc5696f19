"""Linking after commit: no transaction held while computing, relink backfill, parallel files."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import delete, func, select, update

from tests.conftest import SEEDS
from workbench.db.engine import Database
from workbench.db.models import Article, ClaimLink, Sentence
from workbench.services import linking, related_claims
from workbench.services.ingest import ingest_paths

PAHALGAM = ("002_106eb614b3e40071:22", "003_12a4aa04524d7b45:8")
SEED_FILES = sorted(str(path) for path in SEEDS.glob("*.txt"))


def _pairs(db: Database) -> set[tuple[str, str]]:
    with db.read() as session:
        return {(link["a"], link["b"]) for link in related_claims.links_listing(session)}  # type: ignore[misc]


def _unlinked(db: Database) -> list[str]:
    with db.read() as session:
        return list(session.scalars(select(Article.id).where(Article.linked_at.is_(None))))


def test_links_are_computed_with_no_connection_open(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_during_compute: list[int] = []
    original = linking.link_candidates

    def watched(*args: Any, **kwargs: Any) -> Any:
        open_during_compute.append(db.engine.pool.checkedout())  # type: ignore[attr-defined]
        return original(*args, **kwargs)

    monkeypatch.setattr(linking, "link_candidates", watched)
    report = ingest_paths(db, sources=SEED_FILES)
    assert len(report.added) == 5 and not report.errors
    assert open_during_compute == [0, 0, 0, 0, 0]
    assert PAHALGAM in _pairs(db)
    assert _unlinked(db) == []


def test_a_crash_before_linking_keeps_the_articles_and_relink_repairs_it(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_paths(db, sources=SEED_FILES[:4])

    def crash(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("killed")

    monkeypatch.setattr(linking, "link_candidates", crash)
    with pytest.raises(RuntimeError, match="killed"):
        ingest_paths(db, sources=SEED_FILES[4:])
    monkeypatch.undo()
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 5
        scores = session.scalars(
            select(Sentence.check_reasons).where(Sentence.article_id == "004_2be8afc61ee91103")
        ).all()
    assert scores and any(scores)  # scored inside the file's transaction
    assert _unlinked(db) == ["004_2be8afc61ee91103"]
    before = _pairs(db)
    report = linking.relink(db)
    assert (report.articles, report.links) == (1, len(_pairs(db) - before))
    assert report.links > 0 and all("004_2be8afc61ee91103" in a + b for a, b in _pairs(db) - before)
    assert _unlinked(db) == []
    assert linking.relink(db) == linking.RelinkReport(0, 0, 0)


def test_the_later_of_two_committed_files_sees_the_earlier(db: Database) -> None:
    calls: list[list[str]] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "workbench.services.ingest.link_articles",
            lambda _db, *, article_ids: calls.append(list(article_ids)),
        )
        ingest_paths(db, sources=[SEED_FILES[2]])
        ingest_paths(db, sources=[SEED_FILES[3]])
    assert calls == [["002_106eb614b3e40071"], ["003_12a4aa04524d7b45"]]
    assert _pairs(db) == set()
    # Both transactions committed before either linked: the one linking second still sees both.
    assert linking.link_articles(db, article_ids=["003_12a4aa04524d7b45"]) > 0
    assert PAHALGAM in _pairs(db)
    pairs = _pairs(db)
    assert linking.link_articles(db, article_ids=["002_106eb614b3e40071"]) == 0
    assert _pairs(db) == pairs


def test_files_ingested_in_parallel_threads_link_to_each_other(db: Database) -> None:
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(path: str) -> None:
        try:
            start.wait()
            report = ingest_paths(db, sources=[path])
            assert len(report.added) == 1 and not report.errors
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(path,)) for path in SEED_FILES[2:4]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert PAHALGAM in _pairs(db)
    assert _unlinked(db) == []


def test_relink_backfills_a_database_filled_before_linking(seeded_db: Database) -> None:
    ingested = _pairs(seeded_db)
    with seeded_db.write() as session:
        session.execute(delete(ClaimLink))
        session.execute(update(Sentence).values(checkworthiness=0.0, check_reasons=[]))
        session.execute(update(Article).values(linked_at=None))
    report = linking.relink(seeded_db)
    assert (report.articles, report.sentences) == (5, 142)
    relinked = _pairs(seeded_db)
    assert report.links == len(relinked) > 40 and PAHALGAM in relinked
    assert len(relinked & ingested) >= 0.9 * len(ingested)
    with seeded_db.read() as session:
        reasons = session.scalars(select(Sentence.check_reasons)).all()
    assert len(reasons) == 142 and sum(1 for r in reasons if r) >= 100
    assert linking.relink(seeded_db) == linking.RelinkReport(0, 0, 0)


def test_a_busy_database_while_linking_leaves_the_articles_for_relink(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    def busy(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("INSERT INTO claim_links", {}, Exception("database is locked"))

    monkeypatch.setattr(linking, "link_candidates", busy)
    report = ingest_paths(db, sources=SEED_FILES[2:4])
    assert report.added == ["002_106eb614b3e40071", "003_12a4aa04524d7b45"]
    assert report.unlinked == report.added and report.errors == []
    assert _unlinked(db) == report.added and _pairs(db) == set()
    monkeypatch.undo()
    assert linking.relink(db).articles == 2
    assert PAHALGAM in _pairs(db)
