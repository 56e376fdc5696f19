"""The import benchmark runs end to end on a small corpus (its figures come from make bench)."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks import import_labels


def test_the_import_benchmark_checks_and_stores_every_line(monkeypatch: pytest.MonkeyPatch) -> None:
    written: dict[str, Any] = {}
    monkeypatch.setattr(import_labels, "LABELS", 400)
    monkeypatch.setattr(import_labels, "BASELINE_LABELS", 50)
    monkeypatch.setattr(import_labels, "RUNS", 1)
    monkeypatch.setattr(import_labels, "write_result", lambda name, data: written.update(data))
    import_labels.main()
    assert written["labels"] == 400 and written["one_by_one_labels"] == 50
    assert written["batch_labels_per_cpu_second"] > 0 and set(written["targets"]) == {
        "batch_at_least_10x"
    }
