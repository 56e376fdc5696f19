"""The scale benchmarks' corpus generator and the build step of ``python -m benchmarks scale``."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from benchmarks import _build, corpus
from workbench.db.engine import Database
from workbench.db.models import Annotation, Article, Sentence, User
from workbench.domain.segment import split_sentences
from workbench.services.readers import read_jsonl


def test_corpus_is_deterministic_valid_ingest_input_of_20_to_25_sentences(tmp_path: Path) -> None:
    first, again, other = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    chars = corpus.write_corpus(first, 40)
    corpus.write_corpus(again, 40)
    corpus.write_corpus(other, 40, seed=14)
    assert first.read_bytes() == again.read_bytes() != other.read_bytes()
    drafts = read_jsonl(first.name, first.read_bytes())
    assert [d.id for d in drafts] == [corpus.article_id(i) for i in range(40)]
    assert chars == sum(len(d.body) for d in drafts)
    assert all(20 <= len(split_sentences(d.body)) <= 25 for d in drafts)
    assert len({d.outlet for d in drafts}) == len(corpus.OUTLETS)
    assert all(d.published is not None and d.url for d in drafts)
    # a later slice is the same articles as in the whole corpus
    corpus.write_corpus(again, 10, start=30)
    assert again.read_text().splitlines() == first.read_text().splitlines()[30:]


def test_labels_agree_with_the_latent_truth_about_80_percent(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    count = corpus.write_labels(path, 60)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert count == len(lines)
    truth = {(a.record["id"], i): t for a in corpus.articles(60) for i, t in enumerate(a.truths)}
    assert Counter(line["reviewer"] for line in lines) == {
        name: len(truth) for name in corpus.REVIEWERS
    }
    agreeing = sum(line["label"] == truth[line["article"], line["sentence"]] for line in lines)
    assert 0.77 <= agreeing / count <= 0.83
    for line in lines:
        stances = {item["stance"] for item in line.get("evidence", [])}
        expected = {"verified": {"supports"}, "disputed": {"refutes"}}.get(line["label"], set())
        assert stances == expected


def test_build_step_makes_a_cached_database_through_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_build, "CACHE", tmp_path / "cache")
    built = _build.build_large("sqlite", 20, log=lambda _line: None)
    db = Database.from_url(built.url)
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 20
        sentences = session.scalar(select(func.count()).select_from(Sentence))
        labels = session.scalar(select(func.count()).select_from(Annotation))
        roles = dict(session.execute(select(User.name, User.role)).all())
    db.dispose()
    assert labels == built.info["labels"] == 5 * sentences
    assert roles == {"editor": "editor", "admin": "admin"} | dict.fromkeys(
        corpus.REVIEWERS, "reviewer"
    )
    assert [chunk["articles"] for chunk in built.info["chunks"]] == [20]
    assert built.info["chunks"][0]["chars_per_second"] > 0
    logged: list[str] = []
    again = _build.build_large("sqlite", 20, log=logged.append)
    assert again.info == built.info and logged == [f"sqlite: cached database {built.info['key']}"]


def test_a_cached_database_of_an_older_schema_is_upgraded_before_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from alembic import command

    from workbench.db.migrate import alembic_config

    monkeypatch.setattr(_build, "CACHE", tmp_path / "cache")
    built = _build.build_large("sqlite", 3, log=lambda _line: None)
    head = built.info["schema"]
    db = Database.from_url(built.url)
    config = alembic_config(db.engine)
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0007")
    db.dispose()
    (built.folder / "build.json").write_text(
        json.dumps({**built.info, "schema": "0007"}), encoding="utf-8"
    )
    logged: list[str] = []
    again = _build.build_large("sqlite", 3, log=logged.append)
    assert logged[1].startswith(f"  upgraded from schema 0007 to {head} in ")
    assert again.info["upgraded_to"] == head and again.info["schema"] == "0007"
    db = Database.from_url(again.url)
    with db.read() as session:
        assert session.scalar(text("SELECT version_num FROM alembic_version")) == head
    db.dispose()
    logged.clear()
    assert _build.build_large("sqlite", 3, log=logged.append).info == again.info
    assert len(logged) == 1  # upgraded once, then used as it is


def test_build_refuses_bad_settings_with_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_build.TIMEOUT_ENV, "soon")
    with pytest.raises(_build.BuildError, match="WORKBENCH_SCALE_TIMEOUT must be a number"):
        _build.command_timeout()
    monkeypatch.delenv(_build.PG_URL_ENV, raising=False)
    with pytest.raises(_build.BuildError, match="needs WORKBENCH_SCALE_POSTGRES_URL"):
        _build.pg_admin_url()
    with pytest.raises(_build.BuildError, match="unknown backend 'oracle'"):
        _build.build_large("oracle", 10)


def test_ingest_is_retimed_on_scratch_databases_that_are_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from benchmarks import scale

    monkeypatch.setattr(_build, "CACHE", tmp_path / "cache")
    monkeypatch.setattr(_build, "CHUNK", 2)
    built = _build.build_large("sqlite", 4, log=lambda _line: None)
    logged: list[str] = []
    figures = _build.retime_ingest(built, log=logged.append)
    assert [figures[w]["first_article"] for w in ("first", "last")] == [0, 4]
    assert all(figures[w]["articles"] == 2 and figures[w]["chars_per_second"] > 0 for w in figures)
    assert len(logged) == 2 and logged[1].startswith("  re-timed ingest, articles 4-5: ")
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == [built.folder.name]
    db = Database.from_url(built.url)
    with db.read() as session:  # the cached database itself is untouched
        assert session.scalar(select(func.count()).select_from(Article)) == 4
    db.dispose()
    judged = scale.ingest_figures(built.info, figures)
    assert judged["measured"] == "re-timed side by side"
    assert judged["first_chunk_chars_per_second"] == figures["first"]["chars_per_second"]
    assert judged["during_build"]["first"] == built.info["chunks"][0]["chars_per_second"]
