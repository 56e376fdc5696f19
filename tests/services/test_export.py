"""Dataset exports on both databases: formats, policies, schemas, reproducibility, round trip."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pyarrow.parquet as pq
import pytest

from tests.conftest import SEEDS
from tests.exporters.labeled import EXPECTED, A, B
from workbench.db.engine import Database
from workbench.domain.text_safety import spreadsheet_cell
from workbench.errors import InputError
from workbench.exporters.schemas import load_schema
from workbench.services.export import (
    ExportOptions,
    export_dataset,
    preview_export,
    pseudonym_key,
)
from workbench.services.importer import import_labels
from workbench.services.ingest import ingest_paths

DATA_FILES = {
    "jsonl": ["annotations.jsonl", "articles.jsonl", "claims.jsonl"],
    "fever": ["fever.jsonl"],
    "claimreview": ["claimreview.jsonl"],
    "csv": ["claims.csv"],
    "parquet": ["claims.parquet"],
    "checkthat": ["checkthat.tsv"],
    "averitec": ["averitec.json"],
}
# Who publishes a ClaimReview export (it refuses to run without a name and a review URL).
PUBLISHER = {
    "org_name": "Desk",
    "review_url": "https://factcheck.example/reviews/{article}-{index}",
}


@pytest.fixture(autouse=True)
def key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Pseudonym keys live in the test's folder, never in the project's db/."""
    path = tmp_path / "keys" / "pseudonym.key"
    monkeypatch.delenv("WORKBENCH_PSEUDONYM_KEY", raising=False)
    monkeypatch.setenv("WORKBENCH_PSEUDONYM_KEY_FILE", str(path))
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Every record of a JSON Lines file."""
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def validate(records: list[dict[str, Any]], schema: str) -> None:
    """Validate each record against the packaged schema."""
    validator = jsonschema.Draft202012Validator(load_schema(schema))
    for record in records:
        validator.validate(record)


def run(db: Database, out: Path, **options: Any) -> dict[str, Any]:
    """Export and return the manifest."""
    return export_dataset(db, out=out, options=ExportOptions(**options)).manifest


def test_policies_choose_the_expected_gold_labels(corpus: Database, tmp_path: Path) -> None:
    for (policy, min_reviewers), expected in EXPECTED.items():
        out = tmp_path / f"{policy}-{min_reviewers}"
        manifest = run(corpus, out, policy=policy, min_reviewers=min_reviewers)
        claims = read_jsonl(out / "claims.jsonl")
        got = {claim["id"]: (claim["label"], claim["label_source"]) for claim in claims}
        assert got == expected, (policy, min_reviewers)
        assert [claim["id"] for claim in claims] == sorted(got)
        assert (manifest["policy"], manifest["min_reviewers"]) == (policy, min_reviewers)
        assert manifest["counts"]["claims"] == len(got)
        assert sum(manifest["label_distribution"]["gold"].values()) == len(got)


def test_jsonl_folder_records_match_schemas_and_design(corpus: Database, tmp_path: Path) -> None:
    out = tmp_path / "out"
    manifest = run(corpus, out, policy="majority")
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*DATA_FILES["jsonl"], "manifest.json", "README.md"]
    )
    claims = read_jsonl(out / "claims.jsonl")
    annotations = read_jsonl(out / "annotations.jsonl")
    articles = read_jsonl(out / "articles.jsonl")
    validate(claims, "claim")
    validate(annotations, "annotation")
    validate(articles, "article")
    validate([manifest], "manifest")
    assert len(annotations) == 14 and len(articles) == 5
    assert sum(len(article["sentences"]) for article in articles) == manifest["counts"]["sentences"]
    for article in articles:
        for sentence in article["sentences"]:
            assert article["body"][sentence["start"] : sentence["end"]] == sentence["text"]
    first = claims[0]
    assert first["id"] == f"{A}:0"
    assert first["context"]["before"] is None
    assert first["context"]["after"] == articles[0]["sentences"][1]["text"]
    assert f"{B}:0" in first["related"]
    assert first["related"] == sorted(
        first["related"], key=lambda s: (s.split(":")[0], int(s.split(":")[1]))
    )
    assert first["agreement"] == {"reviewers": 3, "observed_agreement": 1.0}
    assert [a["reviewer"] for a in first["annotations"]] == ["ana", "ben", "cy"]
    assert first["evidence"] == [
        {
            "url": "https://example.org/support",
            "quote": "as reported",
            "stance": "supports",
            "note": "",
        }
    ]
    split = next(claim for claim in claims if claim["id"] == f"{A}:1")
    assert split["agreement"]["observed_agreement"] == pytest.approx(1 / 3, abs=1e-6)
    adjudicated = next(claim for claim in claims if claim["id"] == f"{A}:2")
    assert adjudicated["evidence"][0]["stance"] == "refutes"
    b0 = next(claim for claim in claims if claim["id"] == f"{B}:0")
    assert f"{A}:0" in b0["related"]
    assert {"url": "", "quote": "", "stance": "refutes", "note": "other outlet",
            "sentence_ref": f"{A}:4"} in b0["evidence"]  # fmt: skip
    assert manifest["label_distribution"]["reviewer_labels"]["not_a_claim"] == 3
    assert manifest["agreement"]["sentences_with_two_or_more_labels"] == 5
    for name, entry in manifest["files"].items():
        assert entry["sha256"] == hashlib.sha256((out / name).read_bytes()).hexdigest()
    card = (out / "README.md").read_text()
    assert "`majority` policy" in card and "claims: 5" in card


def test_every_format_validates_and_reexport_is_byte_identical(
    corpus: Database, tmp_path: Path
) -> None:
    for fmt, files in DATA_FILES.items():
        first, second = tmp_path / f"{fmt}1", tmp_path / f"{fmt}2"
        publisher = PUBLISHER if fmt == "claimreview" else {}
        run(corpus, first, format=fmt, policy="majority", anonymize=True, **publisher)
        run(corpus, second, format=fmt, policy="majority", anonymize=True, **publisher)
        for name in [*files, "manifest.json", "README.md"]:
            assert (first / name).read_bytes() == (second / name).read_bytes(), (fmt, name)
        validate([json.loads((first / "manifest.json").read_text())], "manifest")
    claims = read_jsonl(tmp_path / "jsonl1" / "claims.jsonl")
    check_fever(read_jsonl(tmp_path / "fever1" / "fever.jsonl"))
    check_claimreview(read_jsonl(tmp_path / "claimreview1" / "claimreview.jsonl"))
    check_csv(tmp_path / "csv1" / "claims.csv", claims)
    rows = pq.read_table(tmp_path / "parquet1" / "claims.parquet").to_pylist()
    validate(rows, "claim")
    assert [row["id"] for row in rows] == [claim["id"] for claim in claims]
    assert rows[0]["annotations"][0]["reviewer"] == claims[0]["annotations"][0]["reviewer"]


def check_fever(records: list[dict[str, Any]]) -> None:
    """FEVER labels, and FEVER's evidence shape: sets of [annotation, evidence, page, line]."""
    validate(records, "fever")
    by_id = {r["id"]: r for r in records}
    assert set(by_id) == {f"{A}:0", f"{A}:1", f"{A}:2", f"{B}:0"}  # not_a_claim left out
    assert by_id[f"{A}:0"]["label"] == "SUPPORTS"
    assert by_id[f"{A}:0"]["evidence"] == [[[0, 0, "https://example.org/support", None]]]
    assert by_id[f"{A}:1"]["label"] == "NOT ENOUGH INFO"
    assert by_id[f"{A}:1"]["evidence"] == [[[0, None, None, None]]]
    assert by_id[f"{B}:0"]["label"] == "REFUTES"
    assert [[0, 1, A, 4]] in by_id[f"{B}:0"]["evidence"]
    assert all(r["claim"] for r in records)


def check_claimreview(reviews: list[dict[str, Any]]) -> None:
    """Each ClaimReview carries the fields search engines and fact-check tools read."""
    validate(reviews, "claimreview")
    assert [r["identifier"] for r in reviews] == [f"{A}:0", f"{A}:1", f"{A}:2", f"{B}:0"]
    for review in reviews:
        assert review["@type"] == "ClaimReview" and review["claimReviewed"]
        assert review["itemReviewed"]["@type"] == "Claim"
        assert review["author"]["name"] and review["url"] and review["datePublished"]
    names = [r["reviewRating"]["alternateName"] for r in reviews]
    assert names == ["True", "Unproven", "False", "False"]
    assert reviews[0]["itemReviewed"]["datePublished"] == "2025-06-04"
    assert reviews[0]["url"] == f"https://factcheck.example/reviews/{A}-0"


def check_csv(path: Path, claims: list[dict[str, Any]]) -> None:
    """claims.csv holds the claims.jsonl records row by row."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["id"] for row in rows] == [claim["id"] for claim in claims]
    for row, claim in zip(rows, claims, strict=True):
        # A sentence such as "- In Reports" is guarded against spreadsheet formulas.
        assert row["text"] == spreadsheet_cell(claim["sentence"]["text"])
        assert row["label"] == claim["label"]
        assert json.loads(row["annotations"]) == claim["annotations"]
        assert json.loads(row["related"]) == claim["related"]


def test_anonymize_is_stable_and_hides_names(
    corpus: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBENCH_PSEUDONYM_KEY", "test-key")
    run(corpus, tmp_path / "a", anonymize=True)
    text = (tmp_path / "a" / "annotations.jsonl").read_text()
    assert '"ana"' not in text and '"ben"' not in text
    reviewers = {r["reviewer"] for r in read_jsonl(tmp_path / "a" / "annotations.jsonl")}
    assert len(reviewers) == 3 and all(r.startswith("reviewer-") for r in reviewers)
    run(corpus, tmp_path / "b", anonymize=True)
    assert text == (tmp_path / "b" / "annotations.jsonl").read_text()
    monkeypatch.setenv("WORKBENCH_PSEUDONYM_KEY", "another-key")
    run(corpus, tmp_path / "c", anonymize=True)
    assert text != (tmp_path / "c" / "annotations.jsonl").read_text()


def test_pseudonym_key_file_is_created_once_and_private(key_file: Path) -> None:
    assert not key_file.exists()
    key = pseudonym_key()
    assert len(key) == 64 and key_file.stat().st_mode & 0o777 == 0o600
    assert pseudonym_key() == key


def test_filters_by_article_and_date(corpus: Database, tmp_path: Path) -> None:
    manifest = run(corpus, tmp_path / "a", article_ids=(B,), policy="majority")
    assert manifest["counts"]["articles"] == 1
    assert [c["id"] for c in read_jsonl(tmp_path / "a" / "claims.jsonl")] == [f"{B}:0", f"{B}:1"]
    manifest = run(corpus, tmp_path / "d", since="2025-06-01", until="20250604")
    assert [a["id"] for a in read_jsonl(tmp_path / "d" / "articles.jsonl")] == [A]
    assert manifest["filters"] == {"articles": [], "since": "2025-06-01", "until": "2025-06-04"}
    manifest = run(corpus, tmp_path / "e", since="2025-06-05")
    assert [a["id"] for a in read_jsonl(tmp_path / "e" / "articles.jsonl")] == [B]
    with pytest.raises(InputError, match="unknown article id"):
        run(corpus, tmp_path / "x", article_ids=("nope",))
    with pytest.raises(InputError, match="--since must be a date"):
        run(corpus, tmp_path / "x", since="June")
    with pytest.raises(InputError, match="unknown policy"):
        run(corpus, tmp_path / "x", policy="loudest")
    assert not (tmp_path / "x").exists()


def test_preview_counts_match_the_export_and_progress_reaches_the_total(
    corpus: Database, tmp_path: Path
) -> None:
    stats = preview_export(corpus, options=ExportOptions(policy="majority"))
    calls: list[tuple[int, int]] = []
    manifest = export_dataset(
        corpus,
        out=tmp_path / "o",
        options=ExportOptions(policy="majority"),
        progress=lambda done, total: calls.append((done, total)),
    ).manifest
    assert calls[-1] == (14, 14)
    assert not list(tmp_path.glob(".o.*"))
    assert stats.counts() == manifest["counts"]
    assert stats.label_distribution() == manifest["label_distribution"]


@pytest.fixture
def empty_db(db: Database, database_url: str, tmp_path: Path) -> Iterator[Database]:
    """A second migrated, empty database on the same backend as ``db``."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from workbench.db.migrate import upgrade

    admin = None
    if db.is_sqlite:
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
    else:
        parsed = make_url(database_url)
        name = f"{parsed.database}_rt"
        admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = parsed.set(database=name).render_as_string(hide_password=False)
    fresh = Database.from_url(url)
    upgrade(fresh.engine)
    yield fresh
    fresh.dispose()
    if admin is not None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_round_trip_through_import(corpus: Database, empty_db: Database, tmp_path: Path) -> None:
    run(corpus, tmp_path / "first", policy="majority")
    assert not ingest_paths(empty_db, sources=[str(SEEDS)]).errors
    report = import_labels(empty_db, path=tmp_path / "first" / "annotations.jsonl")
    assert report.labels == 14 and sorted(report.created_reviewers) == ["ana", "ben", "cy"]
    run(empty_db, tmp_path / "second", policy="majority")
    first = (tmp_path / "first" / "annotations.jsonl").read_bytes()
    assert first == (tmp_path / "second" / "annotations.jsonl").read_bytes()
