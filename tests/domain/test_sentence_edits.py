"""Pure rules of merging and splitting sentences: offsets, renumbering, who keeps which label."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.domain.sentence_edits import (
    Piece,
    index_after_merge,
    index_after_split,
    merged_piece,
    plan_merge,
    ref_index,
    split_pieces,
)
from workbench.errors import InputError

BODY = "Prices rose 5 p.m. Tuesday.  - Myind Staff\nComments"


def _piece(body: str, text: str) -> Piece:
    start = body.index(text)
    return Piece(start, start + len(text), text)


def test_split_leaves_the_whitespace_at_the_cut_out_of_both_parts() -> None:
    sentence = _piece(BODY, "Prices rose 5 p.m. Tuesday.  - Myind Staff")
    at = sentence.text.index("  -") + 1  # in the middle of the two spaces
    first, second = split_pieces(BODY, sentence, at)
    assert (first.text, second.text) == ("Prices rose 5 p.m. Tuesday.", "- Myind Staff")
    for part in (first, second):
        assert BODY[part.start : part.end] == part.text
    assert (first.start, second.end) == (sentence.start, sentence.end)


@pytest.mark.parametrize("at", [0, -1, 42, 99])
def test_split_outside_the_sentence_is_refused(at: int) -> None:
    sentence = _piece(BODY, "Prices rose 5 p.m. Tuesday.  - Myind Staff")
    with pytest.raises(InputError, match="between 1 and 41"):
        split_pieces(BODY, sentence, at)


def test_split_that_leaves_only_whitespace_is_refused() -> None:
    body = "  ab"
    with pytest.raises(InputError, match="no text"):
        split_pieces(body, Piece(0, 4, body), 2)
    first, second = split_pieces("One.   Two.", Piece(0, 11, "One.   Two."), 4)
    assert (first.text, second.text) == ("One.", "Two.")


def test_merge_covers_the_gap_and_refuses_overlap() -> None:
    first = _piece(BODY, "Prices rose 5 p.m.")
    second = _piece(BODY, "Tuesday.")
    merged = merged_piece(BODY, first, second)
    assert merged.text == "Prices rose 5 p.m. Tuesday." == BODY[merged.start : merged.end]
    with pytest.raises(InputError, match="overlap"):
        merged_piece(BODY, second, first)


@given(st.text(alphabet="ab .\n", min_size=2, max_size=40), st.integers(1, 39))
def test_split_then_merge_gives_the_sentence_back(raw: str, at: int) -> None:
    text = raw.strip()
    body = f"x {text} y"
    sentence = Piece(2, 2 + len(text), text)
    try:
        first, second = split_pieces(body, sentence, at)
    except InputError:
        return
    assert body[first.start : first.end] == first.text == first.text.strip() != ""
    assert body[second.start : second.end] == second.text == second.text.strip() != ""
    assert merged_piece(body, first, second) == sentence


def test_renumbering_and_references() -> None:
    assert [index_after_merge(i, 3) for i in range(7)] == [0, 1, 2, 3, 3, 4, 5]
    assert [index_after_split(i, 3) for i in range(6)] == [0, 1, 2, 3, 5, 6]
    assert ref_index("art:12", "art") == 12
    assert ref_index("art:x", "art") is None
    assert ref_index("art2:1", "art") is None


def test_plan_merge_moves_labels_of_owners_without_one_on_the_first() -> None:
    assert plan_merge([1, 2], [2, 3, 4]) == ([3, 4], [2])
    assert plan_merge([], [5]) == ([5], [])
