"""Evidence dates in the data: import-labels keeps them, every export carries them, flags the
items published after their article and ``evidence_before_claim`` leaves those out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pandas as pd
import pytest
from sqlalchemy import select

from tests.conftest import SEEDS
from tests.exporters.labeled import B
from tests.services.test_evidence_policy import empty_db  # noqa: F401 (a fixture)
from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.evidence import evidence_of
from workbench.db.models import Article, GoldLabel
from workbench.domain.labels import Evidence
from workbench.exporters.schemas import load_schema
from workbench.services.adjudicate import adjudicate
from workbench.services.export import ExportOptions, export_dataset
from workbench.services.importer import import_labels
from workbench.services.ingest import ingest_paths

# Article B is dated 2025-06-05 (tests/exporters/labeled.py).
BEFORE = {
    "url": "https://example.org/before",
    "quote": "six aircraft were lost",
    "stance": "supports",
    "note": "",
    "question": "How many jets were lost?",
    "published": "2025-06-01",
}
LATER = {
    "url": "https://example.org/fact-check",
    "quote": "we rate this true",
    "stance": "supports",
    "note": "",
    "question": "What did the fact-check find?",
    "published": "2025-06-09",
}
UNDATED = {"url": "https://example.org/undated", "quote": "", "stance": "context", "note": "n"}
SAME_DAY = {**UNDATED, "url": "https://example.org/same-day", "published": "2025-06-05"}
DATED = [BEFORE, LATER, UNDATED, SAME_DAY]


def _line(reviewer: str, evidence: list[dict[str, Any]]) -> bytes:
    record = {"article": B, "sentence": 2, "reviewer": reviewer, "label": "verified"}
    return orjson.dumps({**record, "evidence": evidence})


def _import(db: Database, tmp_path: Path, evidence: list[dict[str, Any]] = DATED) -> Path:
    path = tmp_path / "labels.jsonl"
    path.write_bytes(_line("dia", evidence) + b"\n" + _line("eli", evidence) + b"\n")
    report = import_labels(db, path=path)
    assert report.labels == 2
    return path


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def _validate(records: list[Any], schema: str) -> None:
    validator = jsonschema.Draft202012Validator(load_schema(schema))
    for record in records:
        validator.validate(record)


def _urls(items: list[dict[str, Any]]) -> list[str]:
    return [item["url"] for item in items]


def test_claims_and_annotations_carry_the_date_and_flag_the_later_item(
    corpus: Database, tmp_path: Path
) -> None:
    _import(corpus, tmp_path)
    out = tmp_path / "out"
    manifest = export_dataset(corpus, out=out, options=ExportOptions()).manifest
    claims = {c["id"]: c for c in _jsonl(out / "claims.jsonl")}
    _validate(list(claims.values()), "claim")
    evidence = claims[f"{B}:2"]["evidence"]
    assert evidence == [
        BEFORE,
        {**LATER, "after_article": True},
        UNDATED,  # no date: kept, not flagged, no date field
        SAME_DAY,  # the article's own day is not after it
    ]
    annotations = _jsonl(out / "annotations.jsonl")
    _validate(annotations, "annotation")
    dia = next(a for a in annotations if a["reviewer"] == "dia")
    assert dia["evidence"] == evidence
    assert claims[f"{B}:2"]["annotations"][0]["evidence"] == evidence
    assert manifest["counts"]["evidence_after_article"] == 2  # one in each reviewer's label
    assert "evidence_after_article_left_out" not in manifest["counts"]
    assert "evidence_before_claim" not in manifest
    _validate([manifest], "manifest")
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "published after their article: 2;" in card


def test_evidence_before_claim_leaves_the_later_items_out_and_counts_them(
    corpus: Database, tmp_path: Path
) -> None:
    _import(corpus, tmp_path)
    out = tmp_path / "out"
    options = ExportOptions(evidence_before_claim=True)
    manifest = export_dataset(corpus, out=out, options=options).manifest
    claims = {c["id"]: c for c in _jsonl(out / "claims.jsonl")}
    _validate(list(claims.values()), "claim")
    expected = [BEFORE, UNDATED, SAME_DAY]
    assert claims[f"{B}:2"]["evidence"] == expected
    assert claims[f"{B}:2"]["evidence_complete"] is True  # BEFORE still supports it
    assert all(a["evidence"] == expected for a in claims[f"{B}:2"]["annotations"])
    annotations = _jsonl(out / "annotations.jsonl")
    assert [a["evidence"] for a in annotations if a["sentence"] == 2 and a["article"] == B] == [
        expected,
        expected,
    ]
    assert manifest["evidence_before_claim"] is True
    assert manifest["counts"]["evidence_after_article_left_out"] == 2
    assert "evidence_after_article" not in manifest["counts"]  # none is left flagged
    _validate([manifest], "manifest")
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "Exported with `--evidence-before-claim`: 2 evidence item(s)" in card
    assert "items without a date, or of an article without one, were kept" in card


def test_evidence_before_claim_can_leave_a_claim_incomplete(
    corpus: Database, tmp_path: Path
) -> None:
    _import(corpus, tmp_path, [LATER, UNDATED])
    out = tmp_path / "out"
    options = ExportOptions(evidence_before_claim=True, require_evidence=True)
    manifest = export_dataset(corpus, out=out, options=options).manifest
    claims = {c["id"] for c in _jsonl(out / "claims.jsonl")}
    # Its only supporting item was published after the article: no evidence left for it.
    assert f"{B}:2" not in claims
    assert manifest["counts"]["incomplete_claims_left_out"] == 1
    # The reviewers' labels are exported, without the item.
    assert manifest["counts"]["evidence_after_article_left_out"] == 2


def test_an_article_without_a_date_flags_nothing(corpus: Database, tmp_path: Path) -> None:
    _import(corpus, tmp_path)
    with corpus.write() as session:
        article = session.get(Article, B)
        assert article is not None
        article.published = None
    out = tmp_path / "out"
    manifest = export_dataset(
        corpus, out=out, options=ExportOptions(evidence_before_claim=True)
    ).manifest
    claims = {c["id"]: c for c in _jsonl(out / "claims.jsonl")}
    assert claims[f"{B}:2"]["evidence"] == DATED
    assert manifest["counts"]["evidence_after_article_left_out"] == 0


def test_import_round_trip_is_byte_identical_with_and_without_dates(
    corpus: Database,
    empty_db: Database,  # noqa: F811 (the fixture imported above)
    tmp_path: Path,
) -> None:
    _import(corpus, tmp_path)
    first = tmp_path / "first"
    export_dataset(corpus, out=first, options=ExportOptions(policy="majority"))
    assert not ingest_paths(empty_db, sources=[str(SEEDS)]).errors
    with corpus.read() as session, empty_db.write() as target:
        for article in session.query(Article):
            copy = target.get(Article, article.id)
            assert copy is not None
            copy.published = article.published
    report = import_labels(empty_db, path=first / "annotations.jsonl")
    assert report.labels == 16
    second = tmp_path / "second"
    export_dataset(empty_db, out=second, options=ExportOptions(policy="majority"))
    data = (first / "annotations.jsonl").read_bytes()
    assert data == (second / "annotations.jsonl").read_bytes()
    assert b'"published":"2025-06-09","after_article":true' in data
    # Items without a date are written exactly as before the field existed.
    undated = [line for line in data.splitlines() if b'"article":"' + B.encode() not in line]
    assert undated and all(b"published" not in line for line in undated)


def test_averitec_answers_carry_the_date_and_leave_later_ones_out(
    corpus: Database, tmp_path: Path
) -> None:
    _import(corpus, tmp_path)
    flagged, before = tmp_path / "flagged", tmp_path / "before"
    export_dataset(corpus, out=flagged, options=ExportOptions(format="averitec"))
    export_dataset(
        corpus, out=before, options=ExportOptions(format="averitec", evidence_before_claim=True)
    )
    for folder in (flagged, before):
        jsonschema.Draft202012Validator(load_schema("averitec")).validate(
            json.loads((folder / "averitec.json").read_text(encoding="utf-8"))
        )
    claim = json.loads((flagged / "averitec.json").read_text(encoding="utf-8"))[-1]
    answers = [q["answers"][0] for q in claim["questions"]]
    assert [a.get("source_date") for a in answers] == ["01-06-2025", "09-06-2025"]
    assert [a.get("after_claim") for a in answers] == [None, True]
    claim = json.loads((before / "averitec.json").read_text(encoding="utf-8"))[-1]
    assert [q["question"] for q in claim["questions"]] == ["How many jets were lost?"]


@pytest.mark.parametrize("before_claim", [False, True])
def test_csv_and_parquet_carry_the_date_and_the_flag(
    corpus: Database, tmp_path: Path, before_claim: bool
) -> None:
    _import(corpus, tmp_path)
    options = {"evidence_before_claim": before_claim}
    export_dataset(corpus, out=tmp_path / "csv", options=ExportOptions(format="csv", **options))
    export_dataset(corpus, out=tmp_path / "pq", options=ExportOptions(format="parquet", **options))
    table = pd.read_csv(tmp_path / "csv" / "claims.csv", dtype=str, keep_default_na=False)
    row = table[table["id"] == f"{B}:2"].iloc[0]
    csv_items = json.loads(row["evidence"])
    frame = pd.read_parquet(tmp_path / "pq" / "claims.parquet")
    parquet_items = list(frame[frame["id"] == f"{B}:2"].iloc[0]["evidence"])
    wanted = [BEFORE, UNDATED, SAME_DAY] if before_claim else DATED
    assert _urls(csv_items) == _urls(parquet_items) == _urls(wanted)
    assert [i.get("published") for i in csv_items] == [i["published"] for i in parquet_items]
    assert [i.get("after_article") for i in csv_items] == (
        [None, None, None] if before_claim else [None, True, None, None]
    )
    assert [i["after_article"] for i in parquet_items] == [
        i.get("after_article") for i in csv_items
    ]


def test_an_adjudicated_label_keeps_its_dated_evidence_through_claims_jsonl(
    corpus: Database, tmp_path: Path
) -> None:
    _import(corpus, tmp_path)
    later = Evidence(
        url=LATER["url"], quote=LATER["quote"], stance="supports", published="2025-06-09"
    )
    with corpus.write() as session:
        sentence = queries.sentence_at(session, article_id=B, index=2)
        editor = queries.user_by_name(session, name="ed")
        assert sentence is not None and editor is not None
        adjudicate(
            session,
            editor_id=editor.id,
            sentence_id=sentence.id,
            label="verified",
            rationale="dated",
            evidence=[later],
        )
    out = tmp_path / "out"
    manifest = export_dataset(corpus, out=out, options=ExportOptions()).manifest
    claims = {c["id"]: c for c in _jsonl(out / "claims.jsonl")}
    record = claims[f"{B}:2"]
    assert record["label_source"] == "adjudicated"
    assert record["evidence"] == [{**later.to_dict(), "after_article": True}]
    # The editor's item and one in each of the two reviewers' labels.
    assert manifest["counts"]["evidence_after_article"] == 3
    with corpus.write() as session:
        gold = session.scalars(select(GoldLabel).where(GoldLabel.rationale == "dated")).one()
        gold.evidence_json, gold.evidence = "[]", []
    report = import_labels(corpus, path=out / "claims.jsonl", editor="ed")
    assert report.gold == 2  # A:2 of the corpus and B:2
    with corpus.read() as session:
        gold = session.scalars(select(GoldLabel).where(GoldLabel.rationale == "dated")).one()
        assert evidence_of(gold) == (later,)
        assert [item.published for item in gold.evidence] == ["2025-06-09"]
