"""Export 1,000,000 reviewer labels as the JSONL dataset against pandas read_sql + to_json.

Builds a scratch SQLite database with bulk inserts (5 reviewers label every sentence, 20
sentences an article, a third of the labels carry an evidence item), then runs each export in
its own subprocess and reads that process's peak resident memory (``ru_maxrss``; Linux
carries the peak over ``exec``, so the database is built in a subprocess too). Both exports
run in one process.
Targets: the workbench export is at least 2x faster than the baseline (elapsed seconds, what
an editor waits for; CPU seconds are reported beside), its peak memory is at most a third of
the baseline's, and its peak memory at 1,000,000 labels stays within 15% of its peak at
100,000 labels (streaming).
Each export runs ``RUNS`` times, alternating workbench and pandas; every figure is the median.
"""

from __future__ import annotations

import json
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import write_result

SIZES = (100_000, 1_000_000)
RUNS = 5
REVIEWERS = 5
PER_ARTICLE = 20
LABELS = ("verified", "disputed", "unsourced", "not_a_claim")
WORDS = "minister said the figure rose by percent after talks in the capital on tuesday".split()
BASELINE_SQL = """
SELECT s.article_id AS article, s."index" AS sentence, u.name AS reviewer, a.label, a.note,
       a.updated_at AS time, e.url, e.quote, e.stance, e.note AS evidence_note,
       e.sentence_ref, s.text AS sentence_text
FROM annotations a
JOIN sentences s ON s.id = a.sentence_id
JOIN users u ON u.id = a.user_id
LEFT JOIN evidence_items e ON e.annotation_id = a.id
ORDER BY s.article_id, s."index", u.name
"""


def build_database(path: Path, annotations: int, seed: int = 7) -> None:
    """A migrated SQLite file holding ``annotations`` reviewer labels, built with executemany."""
    from workbench.db.engine import make_engine
    from workbench.db.migrate import upgrade
    from workbench.domain.labels import Evidence, encode_evidence

    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    rng = random.Random(seed)
    sentences = annotations // REVIEWERS
    stamp = "2025-06-05 10:00:00.000000"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    # Accounts created in another order than their names sort in, as on a real team, so the
    # export puts every sentence's labels in name order itself.
    names = [f"reviewer{u}" for u in range(REVIEWERS)]
    rng.shuffle(names)
    conn.executemany(
        "INSERT INTO users (id, name, role, active, failed_logins, created_at) "
        "VALUES (?, ?, 'reviewer', 1, 0, ?)",
        [(u + 1, name, stamp) for u, name in enumerate(names)],
    )
    articles, sentence_rows = [], []
    for a in range(sentences // PER_ARTICLE):
        texts = [
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 24))) + "."
            for _ in range(PER_ARTICLE)
        ]
        body, offset = " ".join(texts), 0
        for i, text in enumerate(texts):
            sentence_rows.append(
                (a * PER_ARTICLE + i + 1, f"a{a:07d}", i, offset, offset + len(text), text)
            )
            offset += len(text) + 1
        articles.append(
            (
                f"a{a:07d}",
                f"Article {a}",
                body,
                f"https://news.example/{a}",
                "Outlet",
                f"2025-06-{1 + a % 28:02d}",
                f"{a:064x}",
                stamp,
            )
        )
    conn.executemany(
        "INSERT INTO articles (id, title, body, url, outlet, published, content_hash, ingested_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        articles,
    )
    conn.executemany(
        'INSERT INTO sentences (id, article_id, "index", start, "end", text, checkworthiness, '
        "check_reasons) VALUES (?, ?, ?, ?, ?, ?, 0.5, '[]')",
        sentence_rows,
    )
    annotation_rows: list[tuple[Any, ...]] = []
    evidence_rows: list[tuple[Any, ...]] = []
    for sid in range(1, len(sentence_rows) + 1):
        for user in range(1, REVIEWERS + 1):
            aid = len(annotation_rows) + 1
            label = rng.choice(LABELS)
            evidence = "[]"
            # Evidence as the label rules want it: a supporting or refuting source for a
            # verdict, now and then a context link for an unsourced claim, none for not_a_claim.
            if label in ("verified", "disputed") or (label == "unsourced" and rng.random() < 0.1):
                stance = {"verified": "supports", "disputed": "refutes"}.get(label, "context")
                item = (f"https://source.example/{sid}", "a quote", stance, "")
                evidence_rows.append((aid, 0, *item))
                evidence = encode_evidence([Evidence(*item)])
            annotation_rows.append((aid, sid, user, label, "", stamp, stamp, evidence))
    conn.executemany(
        "INSERT INTO annotations (id, sentence_id, user_id, label, note, created_at, updated_at, "
        "evidence_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        annotation_rows,
    )
    conn.executemany(
        "INSERT INTO evidence_items (annotation_id, position, url, quote, stance, note) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        evidence_rows,
    )
    conn.commit()
    conn.close()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(mode: str, db_path: str, out: str) -> dict[str, Any]:
    """Run one export in this process; return seconds and peak memory."""
    if mode == "workbench":
        from workbench.db.engine import Database
        from workbench.services.export import ExportOptions, export_dataset

        database = Database.from_url(f"sqlite:///{db_path}")
        before = _peak_mb()
        started, cpu = time.perf_counter(), time.process_time()
        result = export_dataset(database, out=Path(out), options=ExportOptions(policy="majority"))
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        rows, peak = result.manifest["counts"]["annotations"], _peak_mb()
    else:
        import pandas as pd
        from sqlalchemy import create_engine

        engine = create_engine(f"sqlite:///{db_path}")
        before = _peak_mb()
        started, cpu = time.perf_counter(), time.process_time()
        frame = pd.read_sql(BASELINE_SQL, engine)
        Path(out).mkdir()
        frame.to_json(
            Path(out) / "annotations.jsonl", orient="records", lines=True, force_ascii=False
        )
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        rows, peak = len(frame), _peak_mb()
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_mb": peak,
        "peak_mb_after_imports": before,
        "rows": rows,
    }


def run_child(mode: str, db_path: Path, out: Path) -> dict[str, Any]:
    """Measure one export in a fresh subprocess, so each peak memory figure is its own."""
    command = [sys.executable, "-m", "benchmarks.export", "--child", mode, str(db_path), str(out)]
    completed = subprocess.run(command, check=True, capture_output=True, text=True)
    data: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    data["rows_per_second"] = data["rows"] / data["seconds"]
    data["rows_per_cpu_second"] = data["rows"] / data["cpu_seconds"]
    return data


def main() -> bool:
    """Build both databases, time both exports on each, check the targets, write the result."""
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="wb-export-bench-") as scratch:
        root = Path(scratch)
        for size in SIZES:
            db_path = root / f"bench_{size}.db"
            started = time.perf_counter()
            # In a subprocess: a child started later inherits this process's peak memory.
            command = [sys.executable, "-m", "benchmarks.export", "--build", str(db_path)]
            subprocess.run([*command, str(size)], check=True)
            built = time.perf_counter() - started
            row: dict[str, Any] = {"build_seconds": round(built, 2)}
            runs: dict[str, list[dict[str, Any]]] = {"workbench": [], "pandas": []}
            for _ in range(RUNS):
                for mode in ("workbench", "pandas"):
                    out = root / f"{mode}_{size}"
                    one = run_child(mode, db_path, out)
                    one["output_mb"] = sum(f.stat().st_size for f in out.iterdir()) / 1e6
                    runs[mode].append(one)
                    shutil.rmtree(out)
            for mode, measured in runs.items():
                row[mode] = {
                    key: statistics.median(run[key] for run in measured) for key in measured[0]
                }
                row[mode]["runs"] = len(measured)
                row[mode]["cpu_seconds_each"] = [run["cpu_seconds"] for run in measured]
                row[mode]["seconds_each"] = [run["seconds"] for run in measured]
            # Elapsed time is what an editor waits for; CPU seconds say what the cores did.
            row["speedup"] = row["pandas"]["seconds"] / row["workbench"]["seconds"]
            row["speedup_cpu"] = row["pandas"]["cpu_seconds"] / row["workbench"]["cpu_seconds"]
            # Each run next to the baseline run after it: how far the ratio moves with the load.
            row["speedup_each"] = [
                pandas["seconds"] / workbench["seconds"]
                for workbench, pandas in zip(runs["workbench"], runs["pandas"], strict=True)
            ]
            row["memory_ratio"] = row["workbench"]["peak_mb"] / row["pandas"]["peak_mb"]
            results[str(size)] = row
            wb, pd = row["workbench"], row["pandas"]
            print(
                f"{size:>9,} labels: workbench {wb['seconds']:.2f} s "
                f"({wb['cpu_seconds']:.2f} CPU s) "
                f"{wb['peak_mb']:.0f} MB | pandas {pd['seconds']:.2f} s "
                f"({pd['cpu_seconds']:.2f} CPU s) {pd['peak_mb']:.0f} MB | "
                f"{row['speedup']:.2f}x the speed ({row['speedup_cpu']:.2f}x in CPU seconds), "
                f"{row['memory_ratio']:.2f} of the memory",
                flush=True,
            )
            db_path.unlink()
    small, large = results[str(SIZES[0])], results[str(SIZES[-1])]
    growth = large["workbench"]["peak_mb"] / small["workbench"]["peak_mb"]
    targets = {
        "speedup_at_least_2x": large["speedup"] >= 2.0,
        "memory_at_most_a_third": large["memory_ratio"] <= 1 / 3,
        "memory_flat_within_15_percent": growth <= 1.15,
    }
    write_result(
        "export",
        {"sizes": results, "memory_growth_100k_to_1m": growth, "targets": targets},
    )
    print(f"memory growth 100k -> 1M: {growth:.2f}x; targets: {targets}")
    return all(targets.values())


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], sys.argv[3], sys.argv[4])))
    elif len(sys.argv) == 4 and sys.argv[1] == "--build":
        build_database(Path(sys.argv[2]), int(sys.argv[3]))
    else:
        sys.exit(0 if main() else 1)
