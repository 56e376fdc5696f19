"""The Articles filter's two statements at 10,000 articles on SQLite, with and without 0021's index.

A migrated SQLite file gets 10,000 article rows of about 3 KB each, written straight into the
table (the statements read the articles table and its FTS5 index only, so no sentences are
needed; the full desk is built by ``benchmarks/scale.py``). Each round runs what one filtered
page of the Articles list runs, the count and the page of 50, for a needle found in the outlet,
one found nowhere, and no needle; the median over the rounds is reported, first with the
covering index of migration 0021, then with it dropped (the table scan it replaced).
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.common import write_result

ARTICLES = 10_000
WORDS_PER_BODY = 450
ROUNDS = 15
NEEDLES = ("reuters", "zqx", "")
INDEX = "ix_articles_list_fields"


def _fill(path: Path) -> None:
    rng = random.Random(13)
    vocabulary = [f"{rng.choice('bcdfghklmnprstvw')}{rng.choice('aeiou')}{i}" for i in range(6000)]
    outlets = ["Reuters", "Dawn", "BBC News", "The Hindu", "Al Jazeera"]
    rows = []
    for i in range(ARTICLES):
        body = " ".join(rng.choices(vocabulary, k=WORDS_PER_BODY)) + "."
        rows.append(
            (
                f"{i:05d}_{hashlib.sha1(str(i).encode()).hexdigest()[:16]}",
                " ".join(rng.choices(vocabulary, k=8)).title(),
                body,
                rng.choice(outlets),
                f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                hashlib.sha256(body.encode()).hexdigest(),
            )
        )
    with sqlite3.connect(path) as connection:
        connection.executemany(
            "INSERT INTO articles (id, title, body, outlet, published, content_hash, ingested_at)"
            " VALUES (?, ?, ?, ?, ?, ?, '2026-01-01 00:00:00')",
            rows,
        )


def _time(url: str) -> dict[str, float]:
    from sqlalchemy.orm import Session

    from workbench.db import article_list
    from workbench.db.engine import Database

    db = Database.from_url(url)
    medians = {}
    with Session(db.engine) as session:
        for needle in NEEDLES:
            samples = []
            for _ in range(ROUNDS):
                began = time.perf_counter()
                article_list.count_matching(session, needle=needle)
                article_list.article_page(session, user_id=1, needle=needle, limit=50)
                samples.append(time.perf_counter() - began)
            medians[needle or "(none)"] = statistics.median(samples)
    db.engine.dispose()
    return medians


def main() -> bool:
    """Build the file, time both plans, print and store the medians; True when the index helps."""
    from workbench.db.engine import Database
    from workbench.db.migrate import upgrade

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "filter.db"
        url = f"sqlite:///{path}"
        db = Database.from_url(url)
        upgrade(db.engine)
        db.engine.dispose()
        _fill(path)
        indexed = _time(url)
        with sqlite3.connect(path) as connection:
            connection.execute(f"DROP INDEX {INDEX}")
        scanned = _time(url)
        size_mb = path.stat().st_size / 1e6
    for needle in indexed:
        print(
            f"needle {needle!r:>9}: {indexed[needle] * 1000:6.1f} ms with the index, "
            f"{scanned[needle] * 1000:6.1f} ms scanning the table "
            f"({scanned[needle] / indexed[needle]:.1f}x)"
        )
    write_result(
        "article_filter",
        {
            "articles": ARTICLES,
            "database_mb": round(size_mb, 1),
            "rounds": ROUNDS,
            "median_seconds_with_index": indexed,
            "median_seconds_table_scan": scanned,
        },
    )
    return all(indexed[n] <= scanned[n] for n in ("reuters", "zqx"))


if __name__ == "__main__":
    main()
