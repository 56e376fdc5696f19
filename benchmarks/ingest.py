"""Ingest throughput in characters per second against the plain segmenter alone.

The corpus is the five seed articles, each in EDITIONS distinct editions (an edition line
heads each copy so content hashes differ), written as .txt files to a scratch folder.
One run ingests the whole folder into a fresh migrated SQLite file: read, decode, validate,
segment, de-duplicate, store (one transaction per file) and the claim analysis that
``store_article`` runs for every new article (check-worthiness scores and cross-article links
against the corpus stored so far). The time spent in that analysis is measured separately,
so the figures show both the whole pipeline and ingest without it ("storage").
The baseline runs ``split_sentences`` on exactly the same bodies. Medians over RUNS runs.
Target: storage keeps at least a quarter of the segmenter's throughput (reading, checking
and storing cost at most three times what segmentation costs). The whole pipeline's ratio is
reported without a target: its cost grows with the corpus (links are found against it).
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
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


def time_ingest(folder: Path, template: Path, scratch: Path, run: int) -> tuple[float, float, int]:
    """Seconds to ingest ``folder`` into a fresh copy of the template, seconds of claim
    analysis within that, and the number of articles."""
    from workbench.db.engine import Database
    from workbench.services import claims
    from workbench.services.ingest import ingest_paths

    path = scratch / f"run{run}.db"
    shutil.copy(template, path)
    db = Database.from_url(f"sqlite:///{path}")
    analysis = [0.0]
    original = claims.analyse_new_article

    def timed_analysis(session: Any, article: Any) -> int:
        started = time.perf_counter()
        try:
            return original(session, article)
        finally:
            analysis[0] += time.perf_counter() - started

    claims.analyse_new_article = timed_analysis
    try:
        started = time.perf_counter()
        report = ingest_paths(db, [str(folder)])
        elapsed = time.perf_counter() - started
    finally:
        claims.analyse_new_article = original
        db.dispose()
    if report.errors or report.duplicates:
        raise RuntimeError(f"benchmark corpus did not ingest cleanly: {report.errors[:3]}")
    with Database.from_url(f"sqlite:///{path}").read() as session:
        from workbench.db.queries import article_ids

        assert len(article_ids(session)) == len(report.added)
    return elapsed, analysis[0], len(report.added)


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
        ingest_times: list[float] = []
        analysis_times: list[float] = []
        segment_times: list[float] = []
        for run in range(RUNS):
            elapsed, analysis, articles = time_ingest(folder, template, scratch, run)
            ingest_times.append(elapsed)
            analysis_times.append(analysis)
            segment_times.append(time_segmenter(bodies))
    storage_times = [total - part for total, part in zip(ingest_times, analysis_times, strict=True)]
    ingest_rate = characters / statistics.median(ingest_times)
    storage_rate = characters / statistics.median(storage_times)
    segment_rate = characters / statistics.median(segment_times)
    ratio = ingest_rate / segment_rate
    storage_ratio = storage_rate / segment_rate
    result = {
        "articles": articles,
        "sentences": sentences,
        "characters": characters,
        "runs": RUNS,
        "ingest_seconds": ingest_times,
        "claim_analysis_seconds": analysis_times,
        "segment_seconds": segment_times,
        "ingest_chars_per_s": round(ingest_rate),
        "storage_chars_per_s": round(storage_rate),
        "segment_chars_per_s": round(segment_rate),
        "ratio_ingest_to_segmenter": round(ratio, 3),
        "ratio_storage_to_segmenter": round(storage_ratio, 3),
        "target_storage_ratio_at_least": TARGET_RATIO,
        "backend": "sqlite",
    }
    write_result("ingest", result)
    print(
        f"segmenter alone {segment_rate:,.0f} chars/s; ingest {ingest_rate:,.0f} chars/s "
        f"(ratio {ratio:.2f}); ingest without claim analysis {storage_rate:,.0f} chars/s "
        f"(ratio {storage_ratio:.2f}, target >= {TARGET_RATIO}); {articles} articles, "
        f"{characters:,} characters, median of {RUNS} runs"
    )
    return storage_ratio >= TARGET_RATIO


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
