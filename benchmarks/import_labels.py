"""Re-import an exported annotations.jsonl: the batch write against one ``record_label`` a label.

Builds a scratch SQLite database with 100,000 reviewer labels (the export benchmark's data),
exports it, empties the labels and imports the file again with ``workbench import-labels``'s
service; the baseline stores the first 10,000 checked lines with one ``record_label`` call
each, as imports did before. Both runs end with the same rows (the tests check that). Reports
labels per CPU second of the store step (checking the file is the same for both) and the ratio.
"""

from __future__ import annotations

import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import write_result
from benchmarks.export import build_database

LABELS = 100_000
BASELINE_LABELS = 10_000
RUNS = 3


def _emptied(source: Path, target: Path) -> Path:
    shutil.copy(source, target)
    conn = sqlite3.connect(target)
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("DELETE FROM annotations")
    conn.execute("DELETE FROM audit_log")
    conn.commit()
    conn.close()
    return target


def _store_batch(db_path: Path, lines: Any) -> float:
    from workbench.db import queries
    from workbench.db.engine import Database
    from workbench.services.reviewer_labels import NewLabel, record_labels

    db = Database.from_url(f"sqlite:///{db_path}")
    started = time.process_time()
    with db.write() as session:
        ids = {user.name: user.id for user in queries.list_users(session)}
        batch = [
            NewLabel(
                i.sentence_id,
                ids[i.reviewer],
                i.label,
                i.note,
                i.evidence,
                guideline_version=i.guideline_version,
                claim=i.claim,
            )
            for i in lines
        ]
        record_labels(session, labels=batch)
    return time.process_time() - started


def _store_one_by_one(db_path: Path, lines: Any) -> float:
    from workbench.db import queries
    from workbench.db.engine import Database
    from workbench.services.reviewer_labels import record_label

    db = Database.from_url(f"sqlite:///{db_path}")
    started = time.process_time()
    with db.write() as session:
        ids = {user.name: user.id for user in queries.list_users(session)}
        for item in lines:
            record_label(
                session,
                user_id=ids[item.reviewer],
                sentence_id=item.sentence_id,
                label=item.label,
                note=item.note,
                evidence=item.evidence,
                claim=item.claim,
            )
    return time.process_time() - started


def main() -> bool:
    """Build, export, re-import both ways; the batch write must be at least 10x the speed."""
    from workbench.db.engine import Database
    from workbench.services.export import ExportOptions, export_dataset
    from workbench.services.importer import check_labels_file

    with tempfile.TemporaryDirectory(prefix="wb-import-bench-") as scratch:
        root = Path(scratch)
        source = root / "labeled.db"
        build_database(source, LABELS)
        export_dataset(
            Database.from_url(f"sqlite:///{source}"), out=root / "out", options=ExportOptions()
        )
        path = root / "out" / "annotations.jsonl"
        empty = _emptied(source, root / "empty.db")
        with Database.from_url(f"sqlite:///{empty}").read() as session:
            started = time.process_time()
            lines = check_labels_file(session, path=path).lines
            check_seconds = time.process_time() - started
        batch, one_by_one = [], []
        for run in range(RUNS):
            batch.append(_store_batch(_emptied(empty, root / f"b{run}.db"), lines))
            target = _emptied(empty, root / f"o{run}.db")
            one_by_one.append(_store_one_by_one(target, lines[:BASELINE_LABELS]))
    batch_rate = len(lines) / statistics.median(batch)
    baseline_rate = BASELINE_LABELS / statistics.median(one_by_one)
    ratio = batch_rate / baseline_rate
    print(
        f"check {len(lines):,} lines: {check_seconds:.2f} CPU s | store: batch "
        f"{batch_rate:,.0f} labels/CPU s, one record_label a label {baseline_rate:,.0f} "
        f"labels/CPU s ({BASELINE_LABELS:,} labels) | {ratio:.1f}x",
        flush=True,
    )
    targets = {"batch_at_least_10x": ratio >= 10}
    write_result(
        "import_labels",
        {
            "labels": len(lines),
            "check_cpu_seconds": check_seconds,
            "batch_cpu_seconds_each": batch,
            "one_by_one_cpu_seconds_each": one_by_one,
            "one_by_one_labels": BASELINE_LABELS,
            "batch_labels_per_cpu_second": batch_rate,
            "one_by_one_labels_per_cpu_second": baseline_rate,
            "ratio": ratio,
            "targets": targets,
        },
    )
    return all(targets.values())


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
