"""Sentence segmentation: news abbreviations, quotations, exact offsets, hostile input."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.domain.segment import MAX_CHUNK, Span, split_sentences


def texts(body: str) -> list[str]:
    return [span.text for span in split_sentences(body)]


def assert_exact(body: str, spans: list[Span]) -> None:
    """Every span is its slice of the body, in order, and no visible character is lost."""
    previous_end = 0
    for position, span in enumerate(spans):
        assert span.index == position
        assert body[span.start : span.end] == span.text
        assert span.text and span.text == span.text.strip()
        assert span.start >= previous_end
        previous_end = span.end
    kept = "".join(span.text for span in spans)
    assert re.sub(r"\s", "", kept) == re.sub(r"\s", "", body)


def test_abbreviations_do_not_end_sentences() -> None:
    body = "The U.S. Army said Gen. Smith arrived at 5 p.m. on Tuesday. He left soon after."
    assert texts(body) == [
        "The U.S. Army said Gen. Smith arrived at 5 p.m. on Tuesday.",
        "He left soon after.",
    ]


def test_place_abbreviations_and_titles() -> None:
    body = "Washington, D.C., is busy. Mr. Khan met Dr. Rao. The U.K. and the E.U. met."
    assert texts(body) == [
        "Washington, D.C., is busy.",
        "Mr. Khan met Dr. Rao.",
        "The U.K. and the E.U. met.",
    ]


def test_quotations_stay_with_their_sentence() -> None:
    body = (
        '"We will not back down," said Mr. Khan. He said: “The ceasefire holds.” Others doubt it.'
    )
    assert texts(body) == [
        '"We will not back down," said Mr. Khan.',
        "He said: “The ceasefire holds.”",
        "Others doubt it.",
    ]


def test_line_breaks_are_paragraph_boundaries() -> None:
    body = (
        "Talks resume in Geneva\n\nOfficials met on Thursday. They spoke for hours.\nA third line"
    )
    spans = split_sentences(body)
    assert [span.text for span in spans] == [
        "Talks resume in Geneva",
        "Officials met on Thursday.",
        "They spoke for hours.",
        "A third line",
    ]
    assert (spans[1].start, spans[1].end) == (24, 50)
    assert_exact(body, spans)


def test_offsets_survive_non_ascii_and_surrounding_space() -> None:
    body = "  Café owners in Zürich — 40% of them — agreed.\u00a0 Prices rose 4 €.  \n\t "
    spans = split_sentences(body)
    assert [span.text for span in spans] == [
        "Café owners in Zürich — 40% of them — agreed.",
        "Prices rose 4 €.",
    ]
    assert_exact(body, spans)


def test_empty_and_whitespace_bodies_have_no_sentences() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\t\n ") == []


def test_long_paragraph_is_cut_into_bounded_chunks() -> None:
    body = " ".join(f"Sentence number {n} says something." for n in range(2_000))
    spans = split_sentences(body)
    assert len(spans) == 2_000
    assert max(len(span.text) for span in spans) < MAX_CHUNK
    assert_exact(body, spans)


HOSTILE = {
    "dots": "." * 200_000,
    "letter_dots": "a." * 100_000,
    "letter_dot_spaces": "a. " * 66_667,
    "no_whitespace": "x" * 1_000_000,
    "quotes": '"' * 100_000,
    "parentheses": "(" * 50_000 + ")" * 50_000,
    "abbreviation_soup": '"Mr. (U.S.) ' * 20_000,
    "ellipses": "... " * 50_000,
    "numbers": "1.2.3.4." * 30_000,
    "punctuation": "!?" * 100_000,
    "initials": "A. B. C. " * 30_000,
    "emails": "a@b.c " * 50_000,
    "url_path": "http://x.y/" + "a/" * 100_000,
}


@pytest.mark.timeout(30)
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_finishes_with_exact_offsets(name: str) -> None:
    body = HOSTILE[name]
    spans = split_sentences(body)
    assert spans
    assert max(len(span.text) for span in spans) <= MAX_CHUNK
    assert_exact(body, spans)


NEWS_PIECES = st.sampled_from(
    [
        "The U.S. said ",
        "Gen. Khan ",
        "at 5 p.m. ",
        "Mr. Rao. ",
        '"Never," he said. ',
        "“Quote.” ",
        "(Sources 1)). ",
        "26 killed. ",
        "Is it? ",
        "Yes! ",
        "...",
        "\n",
        "\r\n",
        "\n\n",
        "\u00a0",
        "\t",
        "é",
        "\u2028",
        "a",
        ".",
        " ",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300), st.lists(NEWS_PIECES, max_size=60).map("".join)))
def test_offsets_are_exact_for_any_text(body: str) -> None:
    assert_exact(body, split_sentences(body))


def test_threads_segmenting_at_once_get_their_own_sentences() -> None:
    from concurrent.futures import ThreadPoolExecutor
    from pathlib import Path

    seeds = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))
    bodies = [path.read_text(encoding="utf-8") for path in seeds] * 4
    expected = [split_sentences(body) for body in bodies]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(split_sentences, bodies)) == expected
