"""``workbench links`` and ``workbench retrain``: exact output, exit codes and rows."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from typer.testing import CliRunner

from workbench.cli import app
from workbench.db.engine import Database
from workbench.db.models import ClaimLink, ScorerModel, Sentence
from workbench.services.adjudicate import adjudicate

KEYS = ["a", "b", "a_text", "b_text", "similarity", "conflict", "reason"]


def test_links_json_prints_the_design_format_sorted(seeded_db: Database, database_url: str) -> None:
    result = CliRunner().invoke(app, ["--db", database_url, "links", "--json"])
    assert result.exit_code == 0, result.output
    listing = json.loads(result.stdout)
    with seeded_db.read() as session:
        assert len(listing) == session.scalar(select(func.count()).select_from(ClaimLink))
    assert all(list(link) == KEYS for link in listing)

    def ref(value: str) -> tuple[str, int]:
        article, _, index = value.rpartition(":")
        return article, int(index)

    assert listing == sorted(listing, key=lambda link: (ref(link["a"]), ref(link["b"])))
    assert all(ref(link["a"])[0] < ref(link["b"])[0] for link in listing)
    pahalgam = [link for link in listing if link["reason"] == "13 vs 26 killed"]
    assert {link["a"] for link in pahalgam} == {"002_106eb614b3e40071:22"}
    assert all(link["conflict"] is True and 0 < link["similarity"] <= 1 for link in pahalgam)


def test_links_plain_output_marks_conflicts(seeded_db: Database, database_url: str) -> None:
    result = CliRunner().invoke(app, ["--db", database_url, "links"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    with seeded_db.read() as session:
        count = session.scalar(select(func.count()).select_from(ClaimLink))
    assert lines[-1] == f"{count} link(s)"
    assert any(
        line.startswith("002_106eb614b3e40071:22 <-> 003_12a4aa04524d7b45:8  similarity ")
        and line.endswith("CONFLICT: 13 vs 26 killed")
        for line in lines
    )


def test_links_on_an_empty_database(database_url: str, db: Database) -> None:
    result = CliRunner().invoke(app, ["--db", database_url, "links", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_retrain_without_labels_fails_with_one_line(seeded_db: Database, database_url: str) -> None:
    result = CliRunner().invoke(app, ["--db", database_url, "retrain"])
    assert result.exit_code == 1
    assert result.stderr == (
        "error: not enough labels to train: 0 labeled sentences (0 claims, 0 not_a_claim); "
        "need at least 30 with 5 of each\n"
    )
    with seeded_db.read() as session:
        assert session.scalar(select(func.count()).select_from(ScorerModel)) == 0


def test_retrain_trains_and_rescores(
    seeded_db: Database, database_url: str, make_user: Any
) -> None:
    editor = make_user("eve", role="editor")
    with seeded_db.write() as session:
        for sentence in session.scalars(select(Sentence).order_by(Sentence.id).limit(36)):
            label = "unsourced" if sentence.checkworthiness >= 0.5 else "not_a_claim"
            # The scorer learns from adjudicated labels only (blind review, issue 14).
            adjudicate(
                session, editor_id=editor, sentence_id=sentence.id, label=label, rationale="r"
            )
    result = CliRunner().invoke(app, ["--db", database_url, "retrain"])
    assert result.exit_code == 0, result.output
    with seeded_db.read() as session:
        total = session.scalar(select(func.count()).select_from(Sentence))
        model = session.scalars(select(ScorerModel)).one()
        size = len(model.payload)
    assert result.stdout.startswith("trained on 36 labeled sentence(s) (")
    assert result.stdout.rstrip().endswith(f"rescored {total} sentence(s)")
    assert model.trained_on == 36 and size > 1000


def test_relink_backfills_links_once(seeded_db: Database, database_url: str) -> None:
    from sqlalchemy import delete, update

    from workbench.db.models import Article

    with seeded_db.write() as session:
        session.execute(delete(ClaimLink))
        session.execute(update(Article).values(linked_at=None))
    result = CliRunner().invoke(app, ["--db", database_url, "relink"])
    assert result.exit_code == 0, result.output
    with seeded_db.read() as session:
        count = session.scalar(select(func.count()).select_from(ClaimLink))
        unlinked = session.scalar(
            select(func.count()).select_from(Article).where(Article.linked_at.is_(None))
        )
    assert count and count > 40 and unlinked == 0
    assert result.stdout == (
        f"5 article(s) scored and linked (142 sentence(s)), {count} link(s) added\n"
    )
    again = CliRunner().invoke(app, ["--db", database_url, "relink"])
    assert again.exit_code == 0
    assert again.stdout == "0 article(s) scored and linked (0 sentence(s)), 0 link(s) added\n"
    with seeded_db.read() as session:
        assert session.scalar(select(func.count()).select_from(ClaimLink)) == count


def test_relink_on_an_empty_database(database_url: str, db: Database) -> None:
    result = CliRunner().invoke(app, ["--db", database_url, "relink"])
    assert result.exit_code == 0
    assert result.stdout == "0 article(s) scored and linked (0 sentence(s)), 0 link(s) added\n"


def test_ingest_notes_articles_left_for_relink_when_linking_hits_a_busy_database(
    db: Database, database_url: str, monkeypatch: Any
) -> None:
    from sqlalchemy.exc import OperationalError

    from tests.conftest import SEEDS
    from workbench.services import linking

    def busy(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("INSERT INTO claim_links", {}, Exception("database is locked"))

    monkeypatch.setattr(linking, "link_candidates", busy)
    seed = str(SEEDS / "004_2be8afc61ee91103.txt")
    result = CliRunner().invoke(app, ["--db", database_url, "ingest", seed])
    assert result.exit_code == 0
    assert result.stdout == "1 article(s) added, 0 already present, 0 error(s)\n"
    assert result.stderr == (
        "note: the database was busy; claim links of 1 article(s) are missing until "
        "`workbench relink` runs\n"
    )
