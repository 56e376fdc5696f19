"""The splitter's guard: long runs without sentence punctuation are cut fast and stay exact."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.domain import segment
from workbench.domain.segment import MAX_SENTENCE_CHARS, split_sentences

# Characters of news text that end no sentence on their own (see segment._MAY_END_SENTENCE).
UNPUNCTUATED = st.text(
    alphabet=st.sampled_from(list("abcXYZ019 ,;:'\"“”-–(&%$@#*_/") + ["∯", "ȸ", "é", "\u00a0"]),
    min_size=1,
    max_size=300,
)


@settings(max_examples=300, deadline=None)
@given(UNPUNCTUATED)
def test_unpunctuated_text_is_one_sentence_as_pysbd_says(text: str) -> None:
    """The shortcut agrees with pysbd: a chunk the pattern calls unpunctuated is one sentence."""
    if segment._MAY_END_SENTENCE.search(text) is not None or not text.strip():
        return
    pieces = [piece.strip() for piece in segment._segmenter().segment(text) if piece.strip()]
    assert len(pieces) <= 1
    assert [span.text for span in split_sentences(text)] == [text.strip()]


@pytest.mark.timeout(30)
@pytest.mark.parametrize("unit", ["word ", "a", "**a ", "x, y; z: "])
def test_a_megabyte_without_punctuation_is_cut_into_bounded_sentences(unit: str) -> None:
    """1 MB with no sentence end: every sentence is at most MAX_SENTENCE_CHARS, offsets exact."""
    body = (unit * (1_000_000 // len(unit))).strip()
    spans = split_sentences(body)
    assert max(len(span.text) for span in spans) <= MAX_SENTENCE_CHARS
    assert len(spans) >= len(body) // MAX_SENTENCE_CHARS
    for span in spans:
        assert body[span.start : span.end] == span.text
    assert "".join(span.text for span in spans).replace(" ", "") == body.replace(" ", "")


def test_unpunctuated_runs_never_reach_pysbd(monkeypatch: pytest.MonkeyPatch) -> None:
    """pysbd costs ~10 ms per 4,000 characters; a run it cannot split is not handed to it."""

    def refuse() -> None:
        raise AssertionError("pysbd called for text without sentence punctuation")

    monkeypatch.setattr(segment, "_segmenter", refuse)
    body = "no full stop here " * 50_000
    assert len(split_sentences(body)) == len(body) // MAX_SENTENCE_CHARS + 1
