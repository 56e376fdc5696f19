"""Save latency of one label (its own write transaction) under 16 concurrent writers.

Runs on a temporary SQLite file and on a scratch PostgreSQL database (created and dropped;
server from WORKBENCH_TEST_POSTGRES_URL or postgresql+psycopg://postgres@127.0.0.1:5432/test).
Each writer is a thread with its own sessions, like browser sessions in one app process.
Also checks that no save was lost: annotation rows and audit rows match the saves made.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from benchmarks.common import summary, write_result
from workbench.db.engine import Database
from workbench.db.migrate import upgrade
from workbench.db.models import Annotation, AuditEntry, Sentence
from workbench.services.ingest import ingest_paths
from workbench.services.reviewer_labels import record_label
from workbench.services.users import create_user

WRITERS = 16
SAVES = 40  # per writer
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
# Targets for one save while 16 writers save without pause (no think time): a click is
# acknowledged within a second even for the slowest 1%.
TARGET_MEDIAN_S = 0.250
TARGET_P99_S = 1.000


def _prepare(db: Database) -> tuple[list[int], list[int]]:
    """Schema, the seed articles and one reviewer per writer; return user and sentence ids."""
    upgrade(db.engine)
    report = ingest_paths(db, sources=[str(SEEDS)])
    if report.errors:
        raise SystemExit(f"seed ingest failed: {report.errors[0]}")
    with db.write() as session:
        users = [create_user(session, name=f"bench{i:02d}").id for i in range(WRITERS)]
    with db.read() as session:
        sentences = list(session.scalars(select(Sentence.id).order_by(Sentence.id)))
    return users, sentences


def _run(db: Database) -> dict[str, Any]:
    """16 threads each saving SAVES labels (half on one shared sentence); time every save."""
    users, sentences = _prepare(db)
    start = threading.Barrier(WRITERS)

    def writer(i: int) -> list[float]:
        timings = []
        start.wait()
        for n in range(SAVES):
            sentence = sentences[0] if n % 2 == 0 else sentences[1 + (i * SAVES + n) % 100]
            began = time.perf_counter()
            with db.write() as session:
                record_label(
                    session,
                    user_id=users[i],
                    sentence_id=sentence,
                    label="unsourced" if n % 2 else "not_a_claim",
                    note=f"writer {i} save {n}",
                )
            timings.append(time.perf_counter() - began)
        return timings

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        samples = [t for timings in pool.map(writer, range(WRITERS)) for t in timings]
    wall = time.perf_counter() - began
    with db.read() as session:
        audit = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
        annotations = session.scalar(select(func.count()).select_from(Annotation)) or 0
    stats = summary(samples)
    return {
        "writers": WRITERS,
        "saves": len(samples),
        "median_ms": round(stats["median"] * 1000, 2),
        "p99_ms": round(stats["p99"] * 1000, 2),
        "max_ms": round(stats["max"] * 1000, 2),
        "saves_per_second": round(len(samples) / wall, 1),
        "audit_rows": audit,
        "annotation_rows": annotations,
        "nothing_lost": audit == len(samples),
        "targets_met": stats["median"] <= TARGET_MEDIAN_S
        and stats["p99"] <= TARGET_P99_S
        and audit == len(samples),
    }


def _sqlite() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        db = Database.from_url(f"sqlite:///{folder}/bench.db")
        try:
            return _run(db)
        finally:
            db.dispose()


def _postgresql() -> dict[str, Any]:
    admin = make_url(os.environ.get("WORKBENCH_TEST_POSTGRES_URL") or PG_DEFAULT)
    admin = admin.set(drivername="postgresql+psycopg")
    name = f"wb_bench_{uuid.uuid4().hex[:8]}"
    server = create_engine(admin, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database.from_url(admin.set(database=name).render_as_string(hide_password=False))
    try:
        return _run(db)
    finally:
        db.dispose()
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def main() -> bool:
    """Measure both backends, print and record the figures; False when a target is missed."""
    results = {"sqlite": _sqlite(), "postgresql": _postgresql()}
    for backend, figures in results.items():
        print(
            f"{backend}: {figures['saves']} saves by {WRITERS} writers, "
            f"median {figures['median_ms']} ms, p99 {figures['p99_ms']} ms, "
            f"{figures['saves_per_second']} saves/s, audit rows {figures['audit_rows']}",
            flush=True,
        )
    write_result(
        "save_latency",
        {
            "targets": {"median_ms": TARGET_MEDIAN_S * 1000, "p99_ms": TARGET_P99_S * 1000},
            **results,
        },
    )
    return all(figures["targets_met"] for figures in results.values())


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
