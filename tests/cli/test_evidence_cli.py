"""The command line speaks the evidence policy: import warnings, --editor, --require-evidence."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
from typer.testing import CliRunner

from tests.exporters.labeled import A
from workbench.cli import app
from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.labels import gold_state

runner = CliRunner()


def test_import_warns_once_per_incomplete_label_and_export_can_leave_them_out(
    corpus: Database, database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_bytes(
        orjson.dumps({"article": A, "sentence": 5, "reviewer": "ana", "label": "verified"})
        + b"\n"
        + orjson.dumps({"article": A, "sentence": 5, "reviewer": "ben", "label": "verified"})
        + b"\n"
        + orjson.dumps({"article": A, "sentence": 6, "reviewer": "ben", "label": "unsourced"})
        + b"\n"
    )
    result = runner.invoke(app, ["--db", database_url, "import-labels", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"{path}:{line}: warning: {who}'s label on sentence {A}:5: a 'verified' label has no "
        "evidence item that supports it yet; stored as incomplete"
        for line, who in ((1, "ana"), (2, "ben"))
    ]
    assert "imported 3 label(s); created 0 reviewer account(s)" in result.stdout
    out = tmp_path / "complete"
    result = runner.invoke(
        app, ["--db", database_url, "export", "--out", str(out), "--require-evidence"]
    )
    assert result.exit_code == 0, result.output
    assert "left out 1 incomplete gold label(s)" in result.stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["require_evidence"] is True
    assert manifest["counts"]["incomplete_claims_left_out"] == 1
    assert manifest["counts"]["incomplete_annotations"] == 2


def test_import_of_claims_needs_an_editor_and_brings_the_rationale_back(
    corpus: Database, database_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["--db", database_url, "export", "--out", str(out)]).exit_code == 0
    claims = out / "claims.jsonl"
    records = [orjson.loads(line) for line in claims.read_bytes().splitlines()]
    for record in records:  # the rationale is edited in the file, then imported
        if record["label_source"] == "adjudicated":
            record["rationale"] = "second reading: ministry figure"
    claims.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    refused = runner.invoke(app, ["--db", database_url, "import-labels", str(claims)])
    assert refused.exit_code != 0
    assert "adjudicated records need --editor NAME" in refused.stderr
    result = runner.invoke(
        app, ["--db", database_url, "import-labels", str(claims), "--editor", "ed"]
    )
    assert result.exit_code == 0, result.output
    assert "imported 0 label(s); 1 gold label(s); created 0 reviewer account(s)" in result.stdout
    with corpus.read() as session:
        sentence = queries.sentence_at(session, article_id=A, index=2)
        assert sentence is not None
        gold = gold_state(session, sentence_id=sentence.id)
    assert gold is not None
    assert (gold.label, gold.rationale, gold.version) == (
        "disputed",
        "second reading: ministry figure",
        2,
    )


def test_export_evidence_before_claim_leaves_later_sources_out(
    corpus: Database, database_url: str, tmp_path: Path
) -> None:
    # Article A is dated 2025-06-04 (tests/exporters/labeled.py).
    earlier = {"url": "https://example.org/a", "stance": "supports", "published": "2025-06-01"}
    later = {"url": "https://example.org/b", "stance": "supports", "published": "2025-06-09"}
    undated = {"url": "https://example.org/c", "stance": "context"}
    path = tmp_path / "labels.jsonl"
    path.write_bytes(
        b"".join(
            orjson.dumps(
                {
                    "article": A,
                    "sentence": 5,
                    "reviewer": who,
                    "label": "verified",
                    "evidence": [earlier, later, undated],
                }
            )
            + b"\n"
            for who in ("ana", "ben")
        )
    )
    result = runner.invoke(app, ["--db", database_url, "import-labels", str(path)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "before"
    result = runner.invoke(
        app, ["--db", database_url, "export", "--out", str(out), "--evidence-before-claim"]
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["evidence_before_claim"] is True
    assert manifest["counts"]["evidence_after_article_left_out"] == 2
    claims = [orjson.loads(line) for line in (out / "claims.jsonl").read_bytes().splitlines()]
    claim = next(c for c in claims if c["id"] == f"{A}:5")
    assert [item["url"] for item in claim["evidence"]] == [earlier["url"], undated["url"]]


def test_export_help_names_the_evidence_date_option() -> None:
    result = runner.invoke(app, ["export", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "--evidence-before-claim" in result.stdout
    assert "items or articles without a date are kept" in " ".join(result.stdout.split())
