"""The scale benchmark's judgement of its figures and its settings."""

from __future__ import annotations

import pytest

from benchmarks import scale
from benchmarks._build import BuildError


def test_figures_are_judged_against_the_limit_and_the_demo() -> None:
    large = {
        "Agreement|first": 1.2,
        "Adjudicate|first": 1.4,
        "Export|first": None,
        "keypress|-": 0.3,
    }
    demo = {
        "Agreement|first": 0.8,
        "Adjudicate|first": 0.5,
        "Export|first": 0.5,
        "keypress|-": 0.25,
    }
    rows = {row["figure"]: row for row in scale.judge(large, demo)}
    assert rows["Agreement"]["met"] and rows["Agreement"]["ratio"] == 1.5
    assert not rows["Adjudicate"]["met"]  # under 1.5 s but 2.8x the demo
    assert not rows["Export"]["met"] and rows["Export"]["large_seconds"] is None
    assert rows["keypress"]["met"] and rows["keypress"]["target"] == "<= 1.5x demo"


def test_ingest_ratio_of_last_to_first_chunk() -> None:
    chunks = [
        {"chars_per_second": 1000.0},
        {"chars_per_second": 900.0},
        {"chars_per_second": 400.0},
    ]
    figures = scale.ingest_figures({"chunks": chunks})
    assert figures["ratio"] == 0.4 and not figures["met"]


def test_settings_are_checked_with_one_clear_line() -> None:
    assert scale._backends(None) == ["sqlite", "postgresql"]
    assert scale._backends(" sqlite ") == ["sqlite"]
    with pytest.raises(BuildError, match="WORKBENCH_SCALE_BACKENDS takes"):
        scale._backends("mysql")
    assert scale._articles(None) == 10_000
    with pytest.raises(BuildError, match="WORKBENCH_SCALE_ARTICLES must be a whole number"):
        scale._articles("lots")
