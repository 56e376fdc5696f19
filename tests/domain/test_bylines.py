"""Leading "Published ..." and "By ..." lines of a text article are read as metadata."""

from __future__ import annotations

import pytest

from workbench.domain.bylines import byline_author, leading_metadata, parse_date, published_date


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Published on: June 4, 2025 12:18 pm", "2025-06-04"),
        ("Published: 4 June 2025", "2025-06-04"),
        ("PUBLISHED 2025-06-04", "2025-06-04"),
        ("Published Wednesday, Jun. 4th, 2025, 10:00 IST", "2025-06-04"),
        ("Published on 4th of June, 2025", "2025-06-04"),
        ("Published figures show 13 deaths.", None),  # no date: a sentence
        ("Published on June 31, 2025", None),  # no such day
        ("Published on June 4, 2025, the report found that prices rose sharply.", None),
        ("Posted on June 4, 2025", None),
    ],
)
def test_published_lines(line: str, expected: str | None) -> None:
    assert published_date(line) == expected


def test_parse_date_wants_a_real_month() -> None:
    assert parse_date("Smarch 4, 2025") is None
    assert parse_date("Sept 30 2024") == "2024-09-30"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("By Ana Lima", "Ana Lima"),
        ("by  Ana Lima and Ben Ode", "Ana Lima and Ben Ode"),
        ("By: Luis de la Cruz, Reuters", "Luis de la Cruz, Reuters"),
        ("Written by Martin Luther King Jr.", "Martin Luther King Jr."),
        ("By AFP", "AFP"),
        ("By Tuesday, officials had counted 40 votes.", None),
        ("By the end of the year prices rose", None),
        ("By 2030 the city will need water", None),
        ("Bystanders said nothing", None),
        ("By " + " ".join(["Name"] * 13), None),
    ],
)
def test_byline_lines(line: str, expected: str | None) -> None:
    assert byline_author(line) == expected


def test_leading_lines_before_and_after_the_headline() -> None:
    body = (
        "Published on: June 4, 2025 12:18 pm\n\n"
        "Council approves the new budget\n"
        "  By Ana Lima\n"
        "The council approved the budget on Tuesday.\n"
        "By Friday, the mayor had signed it."
    )
    meta = leading_metadata(body)
    assert (meta.published, meta.author) == ("2025-06-04", "Ana Lima")
    assert meta.first_line == "Council approves the new budget"
    assert [body[start:end] for start, end in meta.spans] == [
        "Published on: June 4, 2025 12:18 pm",
        "By Ana Lima",
    ]


def test_metadata_is_only_read_before_the_text_begins() -> None:
    body = "The council approved the budget on Tuesday.\nBy Ana Lima\nPublished on June 4, 2025"
    meta = leading_metadata(body)
    assert meta == type(meta)(first_line="The council approved the budget on Tuesday.")


def test_only_the_first_dateline_and_byline_count() -> None:
    body = "By Ana Lima\nBy Ben Ode\nText of the story."
    meta = leading_metadata(body)
    assert meta.author == "Ana Lima"
    assert [body[s:e] for s, e in meta.spans] == ["By Ana Lima"]
    assert meta.first_line == "By Ben Ode"  # a second byline is not a headline: text begins
