"""ingest_paths / ingest_upload against a real database: rows, duplicates, per-file atomicity."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.conftest import SEEDS
from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.models import Article, Sentence
from workbench.domain.articles import ArticleDraft
from workbench.domain.bylines import article_sentences
from workbench.errors import InputError
from workbench.services import ingest
from workbench.services.fetch import FetchPolicy
from workbench.services.ingest import ingest_paths, ingest_upload
from workbench.services.readers import read_path

DATA = Path(__file__).resolve().parents[1] / "data" / "ingest"


def snapshot(db: Database) -> dict[str, list[tuple[int, int, int, str]]]:
    """Every article id with its sentences (index, start, end, text)."""
    with db.read() as session:
        rows = session.execute(
            select(
                Sentence.article_id, Sentence.index, Sentence.start, Sentence.end, Sentence.text
            ).order_by(Sentence.article_id, Sentence.index)
        ).all()
        ids = queries.all_article_ids(session)
    result: dict[str, list[tuple[int, int, int, str]]] = {article_id: [] for article_id in ids}
    for article_id, index, start, end, text in rows:
        result[article_id].append((index, start, end, text))
    return result


def messages(errors: list[InputError]) -> list[str]:
    return [str(error) for error in errors]


def test_seeds_are_stored_with_exact_sentences(db: Database) -> None:
    report = ingest_paths(db, sources=[str(SEEDS)])
    assert (len(report.added), report.duplicates, report.errors) == (5, [], [])
    assert report.added == sorted(path.stem for path in SEEDS.glob("*.txt"))
    with db.read() as session:
        for article_id in report.added:
            article = queries.get_article(session, article_id=article_id)
            assert article is not None
            assert article.body == (SEEDS / f"{article_id}.txt").read_text("utf-8").strip()
            spans = article_sentences(read_path(SEEDS / f"{article_id}.txt")[0].body)
            assert [(s.index, s.start, s.end, s.text) for s in article.sentences] == [
                (s.index, s.start, s.end, s.text) for s in spans
            ]
            assert all(article.body[s.start : s.end] == s.text for s in article.sentences)
        titles = {a.id: a.title for a in session.scalars(select(Article))}
    assert titles["004_2be8afc61ee91103"] == (
        "US-Russia Discuss India-Pakistan Ceasefire Amid Rising Geopolitical Tensions"
    )
    # No headline on the first line: the lede cut to ~80 characters, or a headline that
    # follows a "Published on: ..." line, stands in.
    assert titles["000_b5ddb462525d61c6"] == (
        "New York, June 4, 2025: In a striking turn of tone, Pakistan’s former Foreign…"
    )
    assert titles["002_106eb614b3e40071"] == (
        "Bilawal Bhutto-Zardari Urges Pakistan-India Intelligence Cooperation Against Terrorism"
    )
    assert titles["003_12a4aa04524d7b45"] == (
        "Bilawal Bhutto-Zardari of Pakistan Peoples Party today extended an olive branch…"
    )


def test_second_ingest_adds_nothing(db: Database) -> None:
    ingest_paths(db, sources=[str(SEEDS)])
    before = snapshot(db)
    report = ingest_paths(db, sources=[str(SEEDS)])
    assert (report.added, len(report.duplicates), report.errors) == ([], 5, [])
    assert snapshot(db) == before


def test_every_format_in_one_folder(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(DATA, folder)
    report = ingest_paths(db, sources=[str(folder)])
    assert report.errors == []
    assert report.added[:3] == ["bom", "briefing", "ceasefire"]
    assert report.added[3] == "relief-convoy"
    assert report.added[4].startswith("prices-rise-") and len(report.added[4]) == 20
    assert report.added[5] == "geneva-talks"
    assert report.added[6].startswith("casualty-figures-disputed-")
    assert report.added[7] == "windows1252"
    with db.read() as session:
        html = session.get(Article, "ceasefire")
        assert html is not None
        assert (html.title, html.author, html.outlet, html.published, html.url) == (
            "Talks resume after border ceasefire",
            "Jane Reporter",
            "Example Herald",
            "2025-06-05",
            "https://herald.example.org/world/talks-resume",
        )
        convoy = session.get(Article, "relief-convoy")
        assert convoy is not None
        assert convoy.source == f"{folder / 'records.csv'}:2"
        assert [s.text for s in convoy.sentences] == [
            "The convoy reached the town on Monday.",
            "It carried 40 tonnes of food, officials said.",
        ]


def test_bad_line_stores_nothing_from_its_file_and_other_files_still_load(
    db: Database, tmp_path: Path
) -> None:
    bad = tmp_path / "batch.jsonl"
    bad.write_text(
        '{"id": "first", "body": "A good first record."}\n'
        '{"id": "second", "body": "Another good record."}\n'
        '{"id": "third", "title": "No body here"}\n',
        encoding="utf-8",
    )
    report = ingest_paths(db, sources=[str(bad), str(DATA / "bom.txt")])
    assert messages(report.errors) == [f"{bad}:3: missing field 'body' (or 'text')"]
    assert report.added == ["bom"]
    assert list(snapshot(db)) == ["bom"]


def test_error_while_storing_rolls_back_the_whole_file(db: Database, tmp_path: Path) -> None:
    ingest_paths(db, sources=[str(DATA / "bom.txt")])
    clash = tmp_path / "clash.jsonl"
    clash.write_text(
        '{"id": "fresh", "body": "A new article."}\n{"id": "bom", "body": "Different text."}\n',
        encoding="utf-8",
    )
    report = ingest_paths(db, sources=[str(clash)])
    assert messages(report.errors) == [
        f"{clash}:2: article id 'bom' already exists with different content"
    ]
    assert list(snapshot(db)) == ["bom"]


def test_identical_text_from_another_file_is_not_stored_twice(db: Database, tmp_path: Path) -> None:
    body = (DATA / "bom.txt").read_text("utf-8-sig").strip()
    copy = tmp_path / "copy.jsonl"
    copy.write_text(json.dumps({"id": "other", "title": "Other", "body": body}) + "\n")
    first = ingest_paths(db, sources=[str(DATA / "bom.txt")])
    second = ingest_paths(db, sources=[str(copy)])
    assert first.added == ["bom"]
    assert (second.added, second.duplicates, second.errors) == ([], [f"{copy}:1"], [])
    assert list(snapshot(db)) == ["bom"]


def test_missing_path_empty_folder_and_unsupported_file(db: Database, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    report = ingest_paths(
        db,
        sources=[str(tmp_path / "nope.txt"), str(tmp_path / "empty"), str(tmp_path / "notes.pdf")],
    )
    assert messages(report.errors) == [
        f"{tmp_path / 'nope.txt'}: no such file or folder",
        f"{tmp_path / 'empty'}: no .txt, .md, .html, .htm, .jsonl, .csv files in folder",
        f"{tmp_path / 'notes.pdf'}: unsupported file type '.pdf'; "
        "supported: .txt, .md, .html, .htm, .jsonl, .csv",
    ]
    assert snapshot(db) == {}


def test_urls_go_through_the_page_reader(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    fetched: list[str] = []

    def fake_fetch(url: str, *, policy: FetchPolicy) -> list[ArticleDraft]:
        fetched.append(url)
        if url.endswith("/gone"):
            raise InputError("HTTP 404 Not Found")
        return [ArticleDraft(body="Officials met. They agreed.", title="Talks", source=url)]

    monkeypatch.setattr(ingest, "fetch_url", fake_fetch)
    report = ingest_paths(
        db, sources=["https://news.example.org/talks", "http://news.example.org/gone"]
    )
    assert fetched == ["https://news.example.org/talks", "http://news.example.org/gone"]
    assert messages(report.errors) == ["http://news.example.org/gone: HTTP 404 Not Found"]
    [article_id] = report.added
    assert article_id.startswith("talks-")
    assert snapshot(db)[article_id] == [(0, 0, 14, "Officials met."), (1, 15, 27, "They agreed.")]


def test_upload_follows_the_same_rules(db: Database) -> None:
    data = (DATA / "records.jsonl").read_bytes()
    report = ingest_upload(db, filename="C:\\Users\\ana\\records.jsonl", data=data)
    assert report.errors == []
    assert report.added[0] == "geneva-talks"
    again = ingest_upload(db, filename="records.jsonl", data=data)
    assert (again.added, again.duplicates) == ([], ["records.jsonl:1", "records.jsonl:3"])
    bad = ingest_upload(db, filename="../../etc/bad.jsonl", data=data + b'{"title": "x"}\n')
    assert messages(bad.errors) == ["bad.jsonl:4: missing field 'body' (or 'text')"]
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 2


def test_a_concurrent_insert_of_the_same_article_is_reported(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def racing_store(session: object, prepared: object) -> None:
        raise IntegrityError("INSERT INTO articles", {}, Exception("UNIQUE constraint failed"))

    monkeypatch.setattr(ingest, "store_prepared", racing_store)
    report = ingest_paths(db, sources=[str(DATA / "bom.txt")])
    assert messages(report.errors) == [
        f"{DATA / 'bom.txt'}: an article with the same id or text was stored meanwhile"
    ]
    assert snapshot(db) == {}
