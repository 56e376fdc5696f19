"""Sentence boundaries on news passages: plain pysbd against the segmenter with its news rules.

The passages are tests/domain/data/segment_dev.jsonl (the rules were written against it) and
segment_heldout.jsonl (not used to write them); each line holds a passage and its sentences.
A boundary is the start of every sentence after a passage's first; precision, recall and F1
count boundaries over all passages of a set. Also timed, with and without the rules: a megabyte
without sentence punctuation and a megabyte of "a. " (every full stop a candidate boundary).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "domain" / "data"
SETS = ("dev", "heldout")


def load_cases(name: str) -> list[dict[str, Any]]:
    """The passages of one set: ``id``, ``text`` and the expected ``sentences``."""
    path = CASES / f"segment_{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def starts(text: str, sentences: list[str]) -> set[int]:
    """Offsets in ``text`` where each sentence after the first begins, found in order."""
    found, cursor = [], 0
    for sentence in sentences:
        position = text.index(sentence, cursor)
        found.append(position)
        cursor = position + len(sentence)
    return set(found[1:])


def plain_pysbd(text: str) -> list[str]:
    """pysbd's own sentences of ``text``, whitespace trimmed."""
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False)
    return [piece.strip() for piece in segmenter.segment(text) if piece.strip()]


def workbench(text: str) -> list[str]:
    """The workbench segmenter's sentences of ``text``, news rules applied."""
    from workbench.domain.segment import split_sentences

    return [span.text for span in split_sentences(text)]


def boundary_scores(cases: list[dict[str, Any]], split: Any) -> dict[str, Any]:
    """Boundary precision, recall and F1 of ``split`` (text -> sentences) over ``cases``."""
    tp = fp = fn = exact = 0
    wrong = []
    for case in cases:
        truth = starts(case["text"], case["sentences"])
        predicted = split(case["text"])
        found = starts(case["text"], predicted)
        tp, fp, fn = tp + len(found & truth), fp + len(found - truth), fn + len(truth - found)
        if found == truth:
            exact += 1
        else:
            wrong.append(case["id"])
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
        "passages_exact": exact,
        "passages": len(cases),
        "passages_wrong": wrong,
    }


def _seconds(body: str, *, news_rules: bool = True) -> dict[str, float]:
    """Wall and CPU seconds of one ``split_sentences`` call (CPU is the fairer figure on a
    loaded machine)."""
    from workbench.domain.segment import split_sentences

    wall, cpu = time.perf_counter(), time.process_time()
    split_sentences(body, news_rules=news_rules)
    return {
        "wall": round(time.perf_counter() - wall, 3),
        "cpu": round(time.process_time() - cpu, 3),
    }


def main() -> bool:
    """Score both sets; False unless the news rules beat plain pysbd's F1 on both."""
    from benchmarks.common import write_result

    result: dict[str, Any] = {}
    met = True
    for name in SETS:
        cases = load_cases(name)
        ours, baseline = boundary_scores(cases, workbench), boundary_scores(cases, plain_pysbd)
        result[name] = {"workbench": ours, "plain_pysbd": baseline}
        met = met and ours["f1"] > baseline["f1"]
        for label, r in (("pysbd", baseline), ("workbench", ours)):
            print(
                f"{name:8} {label:9} P={r['precision']:.3f} R={r['recall']:.3f} "
                f"F1={r['f1']:.3f} exact {r['passages_exact']}/{r['passages']}"
            )
    megabyte = 1_000_000
    bodies = {
        "unpunctuated": ("word " * (megabyte // 5)).strip(),
        "a_dot_space": ("a. " * (megabyte // 3)).strip(),
    }
    for name, body in bodies.items():
        timings = {"plain": _seconds(body, news_rules=False), "news_rules": _seconds(body)}
        result[f"seconds_1mb_{name}"] = timings
        print(
            f"1 MB {name}: plain {timings['plain']['cpu']} CPU s, "
            f"with news rules {timings['news_rules']['cpu']} CPU s "
            f"({timings['news_rules']['wall']} s wall)"
        )
    result["target"] = "workbench boundary F1 above plain pysbd's on both sets"
    result["met"] = met
    write_result("segment", result)
    return met


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
