"""Claim links on the seed corpus: precision and recall against a plain TF-IDF cosine baseline.

The labeled pairs are tests/data/claim_pairs.jsonl. Links come from the real ingest path (each
seed article linked against the ones before it, in a temporary SQLite database); the baseline
is sklearn's default TfidfVectorizer cosine over every seed sentence at the threshold that
maximises its F1 on the same pairs (an oracle choice, which favours the baseline).
"""

from __future__ import annotations

import json
import re
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAIRS = ROOT / "tests" / "data" / "claim_pairs.jsonl"
SEEDS = ROOT / "seeds"
_DIGITS = re.compile(r"\d+(?:[.,]\d+)?")


Pairs = set[tuple[str, str]]


def scores(predicted: Pairs, truth: Pairs, pool: Pairs) -> dict[str, Any]:
    """Precision, recall and F1 of ``predicted`` against ``truth``, both restricted to ``pool``."""
    hits = predicted & pool
    tp, fp, fn = len(hits & truth), len(hits - truth), len(truth - hits)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def _seed_links(*, reverse: bool = False) -> tuple[list[dict[str, object]], float]:
    """Ingest the seeds one by one into a fresh SQLite database; its links and the ingest time."""
    from workbench.db.engine import Database
    from workbench.db.migrate import upgrade
    from workbench.services.claims import links_listing
    from workbench.services.ingest import ingest_paths

    with tempfile.TemporaryDirectory() as folder:
        db = Database.from_url(f"sqlite:///{folder}/bench.db")
        upgrade(db.engine)
        started = time.perf_counter()
        files = sorted(SEEDS.glob("*.txt"), reverse=reverse)
        report = ingest_paths(db, [str(path) for path in files])
        elapsed = time.perf_counter() - started
        assert not report.errors, report.errors
        with db.read() as session:
            listing = links_listing(session)
        db.dispose()
    return listing, elapsed


def _relinked_links() -> Pairs:
    """Links that ``workbench relink`` computes for the five seeds in one batch (no hook)."""
    from sqlalchemy import delete, update

    from workbench.db.engine import Database
    from workbench.db.migrate import upgrade
    from workbench.db.models import Article, ClaimLink
    from workbench.services.claims import links_listing
    from workbench.services.ingest import ingest_paths
    from workbench.services.linking import relink

    with tempfile.TemporaryDirectory() as folder:
        db = Database.from_url(f"sqlite:///{folder}/bench.db")
        upgrade(db.engine)
        ingest_paths(db, [str(SEEDS)])
        with db.write() as session:
            session.execute(delete(ClaimLink))
            session.execute(update(Article).values(linked_at=None))
        relink(db)
        with db.read() as session:
            listing = links_listing(session)
        db.dispose()
    return {(str(link["a"]), str(link["b"])) for link in listing}


def _seed_sentences() -> dict[str, str]:
    from workbench.domain.bylines import article_sentences
    from workbench.services.readers import read_path

    texts: dict[str, str] = {}
    for path in sorted(SEEDS.glob("*.txt")):
        for span in article_sentences(read_path(path)[0].body):
            texts[f"{path.stem}:{span.index}"] = span.text
    return texts


def _baseline(labeled: list[dict[str, Any]], truth: Pairs, conflicts: Pairs) -> dict[str, Any]:
    """Plain TF-IDF cosine at its best threshold; a conflict when a linked pair's numbers differ."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = _seed_sentences()
    refs = list(texts)
    position = {ref: i for i, ref in enumerate(refs)}
    matrix = TfidfVectorizer().fit_transform([texts[ref] for ref in refs])
    pool = {(p["a"], p["b"]) for p in labeled}
    cosine = {
        pair: float((matrix[position[pair[0]]] @ matrix[position[pair[1]]].T).toarray()[0, 0])
        for pair in pool
    }
    best: dict[str, Any] = {"f1": -1.0}
    for threshold in sorted(set(cosine.values())):
        linked = {pair for pair, value in cosine.items() if value >= threshold}
        result = scores(linked, truth, pool)
        if result["f1"] > best["f1"]:
            best = {**result, "threshold": round(threshold, 4), "linked": linked}
    linked = best.pop("linked")
    flagged = {
        pair
        for pair in linked
        if set(_DIGITS.findall(texts[pair[0]])) != set(_DIGITS.findall(texts[pair[1]]))
    }
    return {"links": best, "conflicts": scores(flagged, conflicts, pool)}


def main() -> bool:
    """Measure links and conflict flags on the labeled pairs; False unless links beat baseline."""
    from benchmarks.common import write_result
    from workbench.domain.claim_links import (
        CANDIDATES_PER_SENTENCE,
        LINK_THRESHOLD,
        LINKS_PER_SENTENCE,
        MATCHES_PER_ARTICLE,
        WEIGHTS,
    )

    labeled = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines()]
    pool = {(p["a"], p["b"]) for p in labeled}
    truth = {(p["a"], p["b"]) for p in labeled if p["same_claim"]}
    conflicts = {(p["a"], p["b"]) for p in labeled if p["conflict"]}
    listing, elapsed = _seed_links()
    linked = {(str(link["a"]), str(link["b"])) for link in listing}
    flagged = {(str(link["a"]), str(link["b"])) for link in listing if link["conflict"]}
    ours = {"links": scores(linked, truth, pool), "conflicts": scores(flagged, conflicts, pool)}
    relinked = _relinked_links()
    reversed_listing, _ = _seed_links(reverse=True)
    reversed_links = {(str(link["a"]), str(link["b"])) for link in reversed_listing}
    baseline = _baseline(labeled, truth, conflicts)
    beats = bool(ours["links"]["f1"] > baseline["links"]["f1"])
    result = {
        "pairs": len(labeled),
        "same_claim_pairs": len(truth),
        "conflict_pairs": len(conflicts),
        "workbench": ours,
        "baseline_tfidf_cosine": baseline,
        "f1_gain_over_baseline": round(ours["links"]["f1"] - baseline["links"]["f1"], 3),
        "links_in_corpus": len(listing),
        "workbench_links_ingested_in_reverse_order": scores(reversed_links, truth, pool),
        "workbench_links_backfilled_by_relink": scores(relinked, truth, pool),
        "ingest_seconds_five_seeds": round(elapsed, 2),
        "settings": {
            "threshold": LINK_THRESHOLD,
            "matches_per_article": MATCHES_PER_ARTICLE,
            "links_per_sentence": LINKS_PER_SENTENCE,
            "candidates_per_sentence": CANDIDATES_PER_SENTENCE,
            "weights_claimed_words_chars": list(WEIGHTS),
        },
        "target": "workbench link F1 above the baseline's best F1",
        "met": beats,
    }
    write_result("links", result)
    for name, block in (("workbench", ours), ("baseline", baseline)):
        for kind in ("links", "conflicts"):
            r = block[kind]
            print(f"{name:9} {kind:9} P={r['precision']:.3f} R={r['recall']:.3f} F1={r['f1']:.3f}")
    print(
        f"baseline threshold {baseline['links']['threshold']}; {len(listing)} links in the corpus"
    )
    return beats


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
