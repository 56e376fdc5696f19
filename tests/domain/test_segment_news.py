"""The segmenter's news rules: false splits undone, missed splits made, never worse than pysbd."""

from __future__ import annotations

import re
from pathlib import Path

import pysbd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.segment import SETS, boundary_scores, load_cases, plain_pysbd, workbench
from workbench.domain.news_splits import load_news_abbreviations
from workbench.domain.segment import split_sentences
from workbench.errors import InputError


def texts(body: str, *, news_rules: bool = True) -> list[str]:
    return [span.text for span in split_sentences(body, news_rules=news_rules)]


FALSE_SPLITS = [
    "Officials met at 9 a.m. Eastern time on Monday.",
    "The vote was held at 4 p.m. Tuesday, officials said.",
    "The deadline is 11:59 p.m. PT on Friday.",
    "The statue is 5 ft. tall and weighs 300 lbs. according to the museum.",
    "Production was 1.2 mln bbl. per day, the company said.",
    "The team, led by Sen. Elizabeth Warren, D-Mass., met on Friday.",
    "The firm, Smith & Co. Inc., was fined $2 million.",
    "Apple Inc. Chief Executive Tim Cook said sales rose.",
    "The blast hit at approx. 3 p.m. local time.",
    "U.S. In Talks With Iran Over Nuclear Deal",
    "The meeting is at 1 p.m. Jan. 6 in the Capitol.",
    "Mass. Gov. Maura Healey signed the bill.",
    "He is 6 ft. 4 in. tall.",
    "The Senate voted at 1:30 p.m. EST.",
    "At 5 a.m. Sunday, the shelling resumed.",
    "Sen. Joe Manchin, I-W.Va., said he would vote no.",
]


@pytest.mark.parametrize("sentence", FALSE_SPLITS)
def test_a_split_the_next_words_continue_is_undone(sentence: str) -> None:
    assert len(texts(sentence, news_rules=False)) > 1  # pysbd splits it
    assert texts(sentence) == [sentence]


@pytest.mark.parametrize(
    "sentence",
    [
        "Gov. Newsom signed it.",
        "U.S. officials said so.",
        "It is No. 10 on the list.",
        "It opens Jan. 5 in Boston.",
        "They flew to St. Louis.",
        "It starts at 4 p.m. on Tuesday.",
        "The U.S. Senate voted.",
        "Apple Inc.'s shares rose.",
    ],
)
def test_what_pysbd_keeps_together_stays_together(sentence: str) -> None:
    assert texts(sentence) == [sentence] == texts(sentence, news_rules=False)


MISSED_SPLITS = [
    ("He moved to Washington, D.C.", "He took a job there."),
    ("Talks resumed in the U.S.", "But no deal was reached."),
    ("She works at a bakery on Main St.", "The shop is closed."),
    ("The report was released by the U.N.", "It found that hunger rose."),
    ("The plant is in the U.K.", "Its owner is German."),
    ("The firm moved to the U.S.", "Officials said it was a loss."),
    ("He arrived in the U.S.", "According to officials, he was detained."),
    ("They are in D.C.", "It is hot."),
    ("The temperature hit 104 degrees F.", "Residents stayed inside."),
]


@pytest.mark.parametrize(("first", "second"), MISSED_SPLITS)
def test_a_sentence_ending_in_an_initialism_is_split_from_the_next(first: str, second: str) -> None:
    body = f"{first} {second}"
    assert texts(body, news_rules=False) == [body]  # pysbd runs them together
    spans = split_sentences(body)
    assert [span.text for span in spans] == [first, second]
    assert (spans[1].start, spans[1].end) == (len(first) + 1, len(body))


@pytest.mark.parametrize(
    "body",
    [
        "The U.S. Army and the U.K. Prime Minister met U.N. officials.",
        "U.S. Officials Say Talks Stalled",
        "Talks With U.S. Officials Stall",
        "The Washington, D.C.-based group said so.",
        "He met J.D. Vance in Ohio.",
        "A man identified as J. Smith was held.",
        "The polls close at 8 p.m. Tuesday's vote is expected to be close.",
    ],
)
def test_no_split_where_the_next_word_continues_an_initialism(body: str) -> None:
    assert texts(body) == texts(body, news_rules=False)


def test_a_possessive_weekday_after_a_time_starts_a_sentence() -> None:
    assert texts("The polls close at 8 p.m. Tuesday's vote is expected to be close.") == [
        "The polls close at 8 p.m.",
        "Tuesday's vote is expected to be close.",
    ]


def test_the_case_sets_are_consistent_and_large_enough() -> None:
    ids = set()
    for name in SETS:
        cases = load_cases(name)
        assert len(cases) >= 30, name
        for case in cases:
            assert case["text"] == " ".join(case["sentences"]), case["id"]
            assert case["id"].startswith(f"{name}-") and case["id"] not in ids
            ids.add(case["id"])


@pytest.mark.parametrize("name", SETS)
def test_news_rules_are_at_least_as_good_as_plain_pysbd(name: str) -> None:
    """Boundary precision, recall and F1 on both case sets (``python -m benchmarks segment``)."""
    cases = load_cases(name)
    ours, baseline = boundary_scores(cases, workbench), boundary_scores(cases, plain_pysbd)
    report = (
        f"{name}: news rules P={ours['precision']} R={ours['recall']} F1={ours['f1']} "
        f"vs pysbd P={baseline['precision']} R={baseline['recall']} F1={baseline['f1']}; "
        f"still wrong: {ours['passages_wrong']}"
    )
    print(report)
    assert ours["f1"] >= baseline["f1"], report
    assert ours["precision"] >= baseline["precision"], report
    assert ours["recall"] >= baseline["recall"], report
    assert ours["passages_exact"] >= baseline["passages_exact"], report


def test_without_news_rules_the_sentences_are_pysbds() -> None:
    for name in SETS:
        for case in load_cases(name):
            assert texts(case["text"], news_rules=False) == plain_pysbd(case["text"])


def test_offsets_come_without_pysbds_quadratic_span_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """pysbd's segment() finds each sentence again from the text's start: minutes on "a. " * n."""

    def refuse(*_: object) -> None:
        raise AssertionError("pysbd's span search called")

    monkeypatch.setattr(pysbd.Segmenter, "sentences_with_char_spans", refuse)
    body = "a. " * 2_000 + "The end. He left."
    spans = split_sentences(body)
    assert [span.text for span in spans][-2:] == ["The end.", "He left."]
    assert all(body[span.start : span.end] == span.text for span in spans)
    assert "".join(span.text for span in spans).replace(" ", "") == body.replace(" ", "")


NEWS_PIECES = st.sampled_from(
    [
        "at 9 a.m. ",
        "p.m. ",
        "Eastern ",
        "Tuesday's ",
        "Tuesday, ",
        "Gov. ",
        "No. ",
        "10 ",
        "U.S. ",
        "D.C. ",
        "(U.S.) ",
        "Inc. ",
        "Inc., ",
        "Chief ",
        "He ",
        "The ",
        "the ",
        ", ",
        ". ",
        "“",
        "”",
        "\u00a0",
        "\n",
        "ft. ",
        "tall",
        "St. ",
        "x",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(NEWS_PIECES, max_size=60).map("".join))
def test_offsets_are_exact_with_news_rules(body: str) -> None:
    spans = split_sentences(body)
    previous_end = 0
    for position, span in enumerate(spans):
        assert span.index == position
        assert body[span.start : span.end] == span.text == span.text.strip()
        assert span.text and span.start >= previous_end
        previous_end = span.end
    kept = "".join(span.text for span in spans)
    assert re.sub(r"\s", "", kept) == re.sub(r"\s", "", body)


def test_the_word_tables_load_once() -> None:
    rules = load_news_abbreviations()
    assert rules is load_news_abbreviations()
    assert "Gov." in rules.titles and "The" in rules.sentence_openers


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[titles\n", "not valid TOML"),
        ("[colours]\nwords = ['red']\n", "unknown table [colours]"),
        ("[titles]\nwords = ['Mr.']\n", "table [place_prefixes] must hold exactly one list"),
        ("[titles]\nwords = ['Mr.', 'Mr.']\n", "[titles] lists 'Mr.' twice"),
        ("[titles]\nwords = ['Mr. Smith']\n", "[titles] words must be single words"),
        ("[titles]\nwords = [3]\n", "[titles] words must be single words"),
    ],
)
def test_a_bad_word_file_is_named_with_what_is_wrong(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "words.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_news_abbreviations(path)
    assert str(path) in str(raised.value) and message in str(raised.value)
