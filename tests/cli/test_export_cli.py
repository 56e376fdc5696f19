"""``workbench export`` and ``workbench import-labels``: exit codes, messages, files, crashes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from tests.conftest import ROOT
from tests.exporters.labeled import A
from workbench.cli import app
from workbench.db.engine import Database
from workbench.db.models import Annotation

runner = CliRunner()


def test_export_writes_the_folder_and_reports_counts(
    corpus: Database,
    database_url: str,
    tmp_path: Path,
) -> None:
    out = tmp_path / "dataset"
    result = runner.invoke(
        app,
        ["--db", database_url, "export", "--out", str(out), "--policy", "majority"]
        + ["--article", A, "--min-reviewers", "2"],
    )
    assert result.exit_code == 0, result.output
    assert f"exported 3 claim(s), 9 label(s), 1 article(s) to {out}" in result.stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["filters"]["articles"] == [A]
    assert manifest["counts"]["claims"] == 3
    assert sorted(manifest["files"]) == [
        "README.md",
        "annotations.jsonl",
        "articles.jsonl",
        "claims.jsonl",
    ]


def test_export_jobs_is_refused_as_removed(
    corpus: Database, database_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "dataset"
    result = runner.invoke(app, ["--db", database_url, "export", "--out", str(out), "--jobs", "2"])
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: --jobs was removed: exports run in one process"
    assert [p.name for p in tmp_path.iterdir() if "dataset" in p.name] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xml"], "error: unknown format 'xml'; expected one of jsonl, fever"),
        (["--policy", "loud"], "error: unknown policy 'loud'"),
        (["--min-reviewers", "0"], "error: --min-reviewers must be at least 1, got 0"),
        (["--article", "nope"], "error: unknown article id(s): nope"),
        (["--until", "tomorrow"], "error: --until must be a date like 2025-06-04"),
    ],
)
def test_bad_export_options_exit_1_and_write_nothing(
    db: Database,
    database_url: str,
    tmp_path: Path,
    args: list[str],
    message: str,
) -> None:
    out = tmp_path / "exports" / "dataset"
    result = runner.invoke(app, ["--db", database_url, "export", "--out", str(out), *args])
    assert result.exit_code == 1
    assert message in result.stderr
    assert not out.parent.exists() or list(out.parent.iterdir()) == []


def test_export_refuses_a_folder_that_is_not_an_export(
    corpus: Database,
    database_url: str,
    tmp_path: Path,
) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    result = runner.invoke(app, ["--db", database_url, "export", "--out", str(tmp_path / "mine")])
    assert result.exit_code == 1
    assert "is a folder with other content (no manifest.json)" in result.stderr
    assert [p.name for p in (tmp_path / "mine").iterdir()] == ["notes.txt"]


def test_export_refuses_a_folder_with_a_foreign_manifest_and_deletes_nothing(
    corpus: Database,
    database_url: str,
    tmp_path: Path,
) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "manifest.json").write_text('{"project": "thesis"}')
    (mine / "chapter1.docx").write_text("keep me")
    result = runner.invoke(app, ["--db", database_url, "export", "--out", str(mine)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {mine} is a folder with other content (its manifest.json was not written by "
        "factcheck-workbench); nothing was deleted, choose another --out"
    ]
    assert sorted(p.name for p in mine.iterdir()) == ["chapter1.docx", "manifest.json"]


def test_export_replaces_its_own_earlier_export(
    corpus: Database,
    database_url: str,
    tmp_path: Path,
) -> None:
    out = tmp_path / "dataset"
    args = ["--db", database_url, "export", "--out", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first
    (out / "extra.txt").write_text("added by hand")
    refused = runner.invoke(app, args)
    assert refused.exit_code == 1
    assert "does not list: extra.txt" in refused.stderr
    assert (out / "extra.txt").read_text() == "added by hand"


def test_import_labels_reports_every_bad_line_and_stores_nothing(
    seeded_db: Database, database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text(
        json.dumps({"article": A, "sentence": 0, "reviewer": "ana", "label": "unsourced"})
        + "\n"
        + json.dumps({"article": A, "sentence": 1, "reviewer": "ana", "label": "nope"})
        + "\n"
        + '{"article": "'
        + "\n"
    )
    result = runner.invoke(app, ["--db", database_url, "import-labels", str(path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}:2: bad label 'nope'; expected one of verified, disputed, unsourced, not_a_claim",
        f"{path}:3: invalid JSON (truncated line?): unexpected end of data: line 1 column 14 "
        "(char 13)",
        "error: nothing imported: 2 problem(s)",
    ]
    with seeded_db.read() as session:
        assert session.scalar(select(func.count()).select_from(Annotation)) == 0


def test_import_labels_then_export_round_trips(
    corpus: Database,
    database_url: str,
    tmp_path: Path,
) -> None:
    first = tmp_path / "first"
    assert runner.invoke(app, ["--db", database_url, "export", "--out", str(first)]).exit_code == 0
    result = runner.invoke(
        app, ["--db", database_url, "import-labels", str(first / "annotations.jsonl")]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "imported 14 label(s); created 0 reviewer account(s)\n"
    second = tmp_path / "second"
    assert runner.invoke(app, ["--db", database_url, "export", "--out", str(second)]).exit_code == 0
    for name in ("annotations.jsonl", "claims.jsonl", "articles.jsonl", "manifest.json"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


KILLED_EXPORT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from workbench.db.engine import Database
    from workbench.exporters.base import JsonLinesFile
    from workbench.services.export import ExportOptions, export_dataset

    original = JsonLinesFile.write_lines

    def slow_write(self, lines, count):
        original(self, lines, count)
        self._handle.flush()
        Path(sys.argv[3]).touch()
        time.sleep(60)

    JsonLinesFile.write_lines = slow_write
    db = Database.from_url(sys.argv[1])
    export_dataset(db, out=Path(sys.argv[2]), options=ExportOptions())
    """
)


def test_killed_export_leaves_no_folder(
    corpus: Database,
    database_url: str,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    out, marker = folder / "dataset", tmp_path / "writing"
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_EXPORT, database_url, str(out), str(marker)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), "the export never started writing"
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
    assert not out.exists()
    leftovers = list(folder.glob(".dataset.tmp-*"))
    assert len(leftovers) == 1
    assert (leftovers[0] / "annotations.jsonl").stat().st_size > 0
    result = runner.invoke(app, ["--db", database_url, "export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert [p.name for p in folder.iterdir()] == ["dataset"]
    assert (out / "manifest.json").is_file()
