"""Ingest throughput in characters per second against the plain segmenter alone.

The corpus is the five seed articles, each in EDITIONS distinct editions (an edition line
heads each copy so content hashes differ), written as .txt files to a scratch folder.
One run ingests the whole folder into a fresh migrated SQLite file: read, decode, validate,
segment and score check-worthiness (before any write transaction), de-duplicate and store
(one write transaction per file), then link each file's new articles to the committed corpus
(after the commit, with no write transaction open, and one short write transaction for the
links). Scoring and linking are timed separately, so the figures show both the whole
pipeline and ingest without them ("storage"), and the longest write transaction shows how
long ingest can hold SQLite's write lock (what a reviewer saving a label would wait for).
The same articles are also ingested as one .jsonl file: one transaction for all of them,
then linking in batches after it.
The baseline runs ``split_sentences`` on exactly the same bodies. Medians over RUNS runs.
Target: storage keeps at least a quarter of the segmenter's throughput (reading, checking
and storing cost at most three times what segmentation costs). The whole pipeline's ratio is
reported without a target: its cost grows with the corpus (links are found against it).
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import write_result

ROOT = Path(__file__).resolve().parent.parent
EDITIONS = 8
RUNS = 5
TARGET_RATIO = 0.25


def write_corpus(folder: Path) -> list[str]:
    """Write the corpus files; return the bodies exactly as ingest will store them."""
    from workbench.services.readers import read_path

    folder.mkdir(parents=True)
    bodies: list[str] = []
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        for edition in range(EDITIONS):
            path = folder / f"{seed.stem}_e{edition:02d}.txt"
            path.write_text(f"Edition {edition} of the report\n{text}", encoding="utf-8")
            bodies.extend(draft.body for draft in read_path(path))
    return bodies


@dataclass
class Run:
    """One ingest of the corpus: total seconds, seconds of its parts, the longest write lock."""

    elapsed: float = 0.0
    scoring: float = 0.0
    linking: float = 0.0
    longest_write: float = 0.0
    articles: int = 0
    links: int = 0


def time_ingest(folder: Path, template: Path, scratch: Path, run: int) -> Run:
    """Ingest ``folder`` into a fresh copy of the template, timing scoring (inside each file's
    write transaction), linking (after commit) and the longest write transaction."""
    from workbench.db.engine import Database
    from workbench.services import claim_scoring, ingest, linking
    from workbench.services.ingest import ingest_paths

    path = scratch / f"run{run}.db"
    shutil.copy(template, path)
    db = Database.from_url(f"sqlite:///{path}")
    measured = Run()
    score, link, write = claim_scoring.score_texts, linking.link_articles, db.write

    def timed_score(texts: Any, model: Any) -> Any:
        started = time.perf_counter()
        scored = score(texts, model)
        measured.scoring += time.perf_counter() - started
        return scored

    def timed_link(database: Any, *, article_ids: Any) -> int:
        started = time.perf_counter()
        added = link(database, article_ids=article_ids)
        measured.linking += time.perf_counter() - started
        measured.links += added
        return added

    @contextmanager
    def timed_write() -> Iterator[Any]:
        with write() as session:
            started = time.perf_counter()
            yield session
            session.flush()
            measured.longest_write = max(measured.longest_write, time.perf_counter() - started)

    setattr(claim_scoring, "score_texts", timed_score)  # noqa: B010 - timing wrappers
    setattr(ingest, "link_articles", timed_link)  # noqa: B010
    setattr(db, "write", timed_write)  # noqa: B010
    try:
        started = time.perf_counter()
        report = ingest_paths(db, sources=[str(folder)])
        measured.elapsed = time.perf_counter() - started
    finally:
        setattr(claim_scoring, "score_texts", score)  # noqa: B010
        setattr(ingest, "link_articles", link)  # noqa: B010
        db.dispose()
    if report.errors or report.duplicates:
        raise RuntimeError(f"benchmark corpus did not ingest cleanly: {report.errors[:3]}")
    measured.articles = len(report.added)
    return measured


def time_segmenter(bodies: list[str]) -> float:
    """Seconds to segment every body with the plain segmenter."""
    from workbench.domain.segment import split_sentences

    started = time.perf_counter()
    for body in bodies:
        split_sentences(body)
    return time.perf_counter() - started


def main() -> bool:
    """Measure, write benchmarks/results/ingest.json, print a summary; False if target missed."""
    from workbench.db.engine import make_engine
    from workbench.db.migrate import upgrade
    from workbench.domain.segment import split_sentences

    with tempfile.TemporaryDirectory(prefix="wb-bench-ingest-") as tmp:
        scratch = Path(tmp)
        folder = scratch / "corpus"
        bodies = write_corpus(folder)
        characters = sum(len(body) for body in bodies)
        sentences = sum(len(split_sentences(body)) for body in bodies)  # also warms pysbd
        template = scratch / "template.db"
        engine = make_engine(f"sqlite:///{template}")
        upgrade(engine)
        engine.dispose()
        runs = [time_ingest(folder, template, scratch, run) for run in range(RUNS)]
        jsonl = scratch / "one_file"
        jsonl.mkdir()
        (jsonl / "corpus.jsonl").write_text(
            "".join(
                json.dumps({"id": f"r{i}", "title": f"Record {i}", "body": body}) + "\n"
                for i, body in enumerate(bodies)
            ),
            encoding="utf-8",
        )
        one_file = [time_ingest(jsonl, template, scratch, RUNS + run) for run in range(RUNS)]
        segment_times = [time_segmenter(bodies) for _ in range(RUNS)]
    ingest_times = [r.elapsed for r in runs]
    storage_times = [r.elapsed - r.linking - r.scoring for r in runs]
    ingest_rate = characters / statistics.median(ingest_times)
    storage_rate = characters / statistics.median(storage_times)
    segment_rate = characters / statistics.median(segment_times)
    ratio = ingest_rate / segment_rate
    storage_ratio = storage_rate / segment_rate
    longest_write = statistics.median(r.longest_write for r in runs)
    result = {
        "articles": runs[0].articles,
        "sentences": sentences,
        "characters": characters,
        "links": runs[0].links,
        "runs": RUNS,
        "ingest_seconds": [round(t, 3) for t in ingest_times],
        "scoring_seconds": [round(r.scoring, 3) for r in runs],
        "linking_seconds": [round(r.linking, 3) for r in runs],
        "longest_write_transaction_seconds": [round(r.longest_write, 3) for r in runs],
        "segment_seconds": [round(t, 3) for t in segment_times],
        "ingest_chars_per_s": round(ingest_rate),
        "storage_chars_per_s": round(storage_rate),
        "segment_chars_per_s": round(segment_rate),
        "ratio_ingest_to_segmenter": round(ratio, 3),
        "ratio_storage_to_segmenter": round(storage_ratio, 3),
        "target_storage_ratio_at_least": TARGET_RATIO,
        "one_jsonl_file_seconds": [round(r.elapsed, 3) for r in one_file],
        "one_jsonl_file_longest_write_transaction_seconds": [
            round(r.longest_write, 3) for r in one_file
        ],
        "backend": "sqlite",
    }
    write_result("ingest", result)
    print(
        f"segmenter alone {segment_rate:,.0f} chars/s; ingest {ingest_rate:,.0f} chars/s "
        f"(ratio {ratio:.2f}); ingest without scoring and linking {storage_rate:,.0f} chars/s "
        f"(ratio {storage_ratio:.2f}, target >= {TARGET_RATIO}); longest write transaction "
        f"{longest_write:.3f} s ({statistics.median(r.longest_write for r in one_file):.3f} s "
        f"with all in one .jsonl file); {runs[0].articles} articles, {characters:,} characters, "
        f"median of {RUNS} runs"
    )
    return storage_ratio >= TARGET_RATIO


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
