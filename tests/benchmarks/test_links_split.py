"""The link benchmark's split: fixed, disjoint, stratified halves of the labeled pairs."""

from __future__ import annotations

import json

from benchmarks.links import PAIRS, per_sentence, split


def _labeled() -> list[dict[str, object]]:
    return [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines()]


def test_halves_are_disjoint_cover_every_pair_and_never_change() -> None:
    labeled = _labeled()
    tuning, held_out = split(labeled)
    ids = lambda pairs: {(p["a"], p["b"]) for p in pairs}  # noqa: E731
    assert ids(tuning).isdisjoint(ids(held_out))
    assert ids(tuning) | ids(held_out) == ids(labeled)
    assert split(list(reversed(labeled))) == (tuning, held_out)  # the file's order is irrelevant


def test_each_stratum_is_split_in_half() -> None:
    tuning, held_out = split(_labeled())
    for same, conflict in ((True, True), (True, False), (False, False)):
        a = sum(1 for p in tuning if (p["same_claim"], p["conflict"]) == (same, conflict))
        b = sum(1 for p in held_out if (p["same_claim"], p["conflict"]) == (same, conflict))
        assert abs(a - b) <= 1 and a + b > 0


def test_links_per_sentence_counts_both_ends() -> None:
    listing = [{"a": "x:0", "b": "y:0"}, {"a": "x:0", "b": "z:1"}]
    assert per_sentence(listing, 10) == {
        "sentences": 10,
        "linked_sentences": 3,
        "mean_per_sentence": 0.4,
        "mean_per_linked_sentence": 1.333,
        "most_for_one_sentence": 2,
    }
