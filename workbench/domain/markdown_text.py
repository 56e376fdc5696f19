"""Markdown to plain text, one line at a time, in time linear in the length of the line.

Regular expressions with a lazy or repeated middle (``**(.+?)**``, ``\\[[^\\]]+\\]``) retry
from every opening mark and rescan the rest of the line, which is quadratic on input such as
``**a **a **a ...``. This scanner finds each closing mark with a forward search that never
goes back, so every character is looked at a bounded number of times.
"""

from __future__ import annotations

import re

_HEADING_MARK = re.compile(r" {0,3}#{1,6}\s")
_RULE = re.compile(r" {0,3}([-*_])(?: *\1){2,} *")
_QUOTE = re.compile(r" {0,3}> ?")


def _heading_text(line: str) -> str | None:
    """The text of an ATX heading (``## Title ##``), or None when the line is not one."""
    mark = _HEADING_MARK.match(line)
    if mark is None:
        return None
    text = line[mark.end() :].strip()
    closed = text.rstrip("#")
    if closed != text and closed and closed[-1].isspace():
        text = closed.rstrip()
    return text


def _strip_bracketed(line: str, *, image: bool) -> str:
    """``[text](target)`` becomes ``text``; with ``image``, ``![alt](target)`` is dropped.

    A link or image ends at the first ``]`` after its ``[``, so each ``](`` names at most one:
    the one opened by the first ``[`` (or ``![``) since the ``]`` before it.
    """
    out: list[str] = []
    copied = i = 0
    opening = "![" if image else "["
    while (middle := line.find("](", i)) >= 0:
        after_close = line.rfind("]", i, middle) + 1 or i
        start = line.find(opening, after_close, middle)
        if start < 0 or (not image and start == middle - 1):
            i = middle + 1
            continue
        end = line.find(")", middle + 2)
        if end < 0:
            break
        out.append(line[copied:start])
        if not image:
            out.append(line[start + 1 : middle])
        copied = i = end + 1
    out.append(line[copied:])
    return "".join(out)


def _pair_patterns(mark: str, *, flanked: bool) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Where a pair of ``mark`` may open and where it may close."""
    quoted = re.escape(mark)
    if flanked:  # single * or _: not touching a word character or * on the outer side
        return re.compile(rf"(?<![\w*]){quoted}(?=\S)"), re.compile(rf"(?<=\S){quoted}(?![\w*])")
    return re.compile(rf"{quoted}(?=\S)"), re.compile(rf"(?<=\S){quoted}")


_STRONG = tuple(_pair_patterns(mark, flanked=False) for mark in ("**", "__"))
_EMPHASIS = tuple(_pair_patterns(mark, flanked=True) for mark in ("*", "_"))


class _NextMatch:
    """Matches of ``pattern`` in ``text`` found left to right; the last answer is reused."""

    def __init__(self, text: str, pattern: re.Pattern[str]):
        self.text = text
        self.pattern = pattern
        self.found = -2  # nothing asked yet

    def at(self, start: int) -> int:
        """Position of the first match at or after ``start`` (never earlier than asked), or -1."""
        if self.found == -1 or self.found >= start:
            return self.found
        match = self.pattern.search(self.text, start)
        self.found = -1 if match is None else match.start()
        return self.found


def _split_pairs(
    line: str, patterns: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...], width: int
) -> list[tuple[str, bool]]:
    """The line cut at each ``<m>text<m>`` pair, leftmost first: (text, whether inside a pair).

    Each finder is only asked for later and later positions, so the line is scanned once
    per pattern: linear time however many marks fail to pair.
    """
    finders = [
        (_NextMatch(line, opening), _NextMatch(line, closing)) for opening, closing in patterns
    ]
    live = list(range(len(finders)))
    out: list[tuple[str, bool]] = []
    i = 0
    while live:
        start, kind = min((finders[kind][0].at(i), kind) for kind in live)
        if start < 0:
            live = [kind for kind in live if finders[kind][0].at(i) >= 0]
            continue
        end = finders[kind][1].at(start + width + 1)
        if end < 0:
            live.remove(kind)  # a closing mark fits any opening one: none later either
            continue
        out.append((line[i:start], False))
        out.append((line[start + width : end], True))
        i = end + width
    out.append((line[i:], False))
    return [(text, inside) for text, inside in out if text]


def _strip_pairs(
    line: str, patterns: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...], width: int
) -> str:
    """Replace ``<m>text<m>`` by ``text`` for each kind of mark, leftmost pair first."""
    return "".join(text for text, _ in _split_pairs(line, patterns, width))


def styled_spans(line: str) -> list[tuple[str, bool, bool]]:
    """Inline text of a line as (text, strong, emphasis) runs; other marks stay as typed.

    ``**a**``/``__a__`` are strong and ``*a*``/``_a_`` emphasis (inside strong too); links,
    images, code and HTML are not markup here but text, which the caller shows as text.
    """
    return [
        (text, strong, emphasis)
        for outer, strong in _split_pairs(line, _STRONG, 2)
        for text, emphasis in _split_pairs(outer, _EMPHASIS, 1)
    ]


def plain_line(line: str) -> tuple[str, bool]:
    """The line without markdown markup, and whether it was a heading."""
    heading = _heading_text(line)
    if heading is not None:
        line = heading
    if _RULE.fullmatch(line):
        return "", False
    quote = _QUOTE.match(line)
    if quote is not None:
        line = line[quote.end() :]
    line = _strip_bracketed(_strip_bracketed(line, image=True), image=False)
    line = _strip_pairs(line, _STRONG, 2)
    line = _strip_pairs(line, _EMPHASIS, 1)
    return line.rstrip(), heading is not None
