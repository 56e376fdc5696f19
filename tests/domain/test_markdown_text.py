"""Markdown to plain text: the same output as the simple regular expressions, in linear time."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.domain.markdown_text import plain_line
from workbench.services.readers import read_bytes

# The reader's former rules: right on short lines, quadratic on long hostile ones.
_HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])")
_QUOTE = re.compile(r"^ {0,3}> ?")
_RULE = re.compile(r"^ {0,3}([-*_])( *\1){2,} *$")


def regex_plain_line(line: str) -> tuple[str, bool]:
    heading = _HEADING.match(line)
    if heading:
        line = heading.group(1)
    if _RULE.match(line):
        return "", False
    line = _QUOTE.sub("", line)
    line = _IMAGE.sub("", line)
    line = _LINK.sub(r"\1", line)
    line = _STRONG.sub(r"\2", line)
    line = _EMPHASIS.sub(r"\2", line)
    return line.rstrip(), heading is not None


@settings(max_examples=2_000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab *_[]()!#>-\t")), max_size=40))
def test_same_text_as_the_regular_expressions(line: str) -> None:
    assert plain_line(line) == regex_plain_line(line)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "## Ceasefire *holds* for a **third** week ##",
            ("Ceasefire holds for a third week", True),
        ),
        ("See [the report](https://x.org/r) ![chart](c.png) now", ("See the report  now", False)),
        ("> __Quoted__ and _stressed_ text", ("Quoted and stressed text", False)),
        ("* * *", ("", False)),
        ("snake_case_name and 2*3*4", ("snake_case_name and 2*3*4", False)),
    ],
)
def test_markup_is_removed(line: str, expected: tuple[str, bool]) -> None:
    assert plain_line(line) == expected


@pytest.mark.timeout(30)  # the regular expressions needed minutes for any of these
@pytest.mark.parametrize("unit", ["**a ", "[", "![", "*a", "__a ", "[a](", "a**", "*a* ", "#  "])
def test_a_hostile_megabyte_line(unit: str) -> None:
    line = unit * (1_000_000 // len(unit))
    text, _ = plain_line(line)
    assert len(text) <= len(line)


@pytest.mark.timeout(30)
def test_a_megabyte_markdown_file_is_read() -> None:
    """The issue's case: 1 MB of ``**a `` (80 KB took 51 s before)."""
    [draft] = read_bytes("hostile.md", b"**a " * 250_000)
    assert draft.body == ("**a " * 250_000).strip()
