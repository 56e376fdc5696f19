"""The leading "Published ..." and "By ..." lines of a plain-text article: metadata, not text.

A wire story often opens with a dateline ("Published on: June 4, 2025 12:18 pm")
and a byline ("By Ana Lima") above or below its headline. Those lines say when and by whom the
story was written; they are not sentences to label. Only the lines before the text begins are
read this way, and only when they parse: a "Published" line without a readable date, or a
"By ..." line that reads like a sentence ("By Tuesday, officials had counted 40 votes."),
stays text. The lines stay in the body (nothing is dropped) but are never sentences, whatever
format the body came in; a ``.txt`` file's reader also takes its date and author from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from workbench.domain.articles import FIELD_LIMITS, looks_like_headline
from workbench.domain.segment import Span, split_sentences

MAX_LEADING_LINES = 6  # a headline and a few metadata lines; the text has begun by then
MAX_BYLINE_WORDS = 12
MAX_DATE_TAIL_WORDS = 5  # what may follow the date: "12:18 pm", "10:00 IST", "(updated)"

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_DATES = tuple(
    re.compile(rf"{_WEEKDAY}{pattern}(?![\d-])", re.IGNORECASE)
    for pattern in (
        r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})",
        rf"{_MONTH}\s+{_DAY},?\s+{_YEAR}",
        rf"{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}",
    )
)
_PUBLISHED = re.compile(r"published(?:\s+on)?\s*[:\-–—|]?\s*(?P<rest>.+)", re.IGNORECASE)
_BYLINE = re.compile(r"(?:written\s+)?by\s*[:\-–—]?\s+(?P<name>.+)", re.IGNORECASE)
# Words a name list may hold in lower case: "Ana Lima and Ben Ode", "Luis de la Cruz".
_NAME_LINKS = {"and", "&", "with", "in", "for", "of", "the", "de", "da", "la", "le", "du",
               "del", "van", "von", "der", "den", "al", "bin", "ibn", "y", "e"}  # fmt: skip
_ABBREVIATED_END = re.compile(r"(?:^|\s)[A-Z][a-z]?\.$")  # "Jr." "Sr." "A." end a name


@dataclass(frozen=True, slots=True)
class LeadingMetadata:
    """What the leading lines of a text say, and where those lines are in the body."""

    published: str | None = None
    author: str | None = None
    spans: tuple[tuple[int, int], ...] = ()  # body offsets of the metadata lines
    first_line: str = ""  # the first leading line that is not metadata (the headline, if any)


def parse_date(text: str) -> str | None:
    """The date ``text`` starts with ("June 4, 2025", "4 June 2025", "2025-06-04") as ISO."""
    for pattern in _DATES:
        found = pattern.match(text.strip())
        if found is None:
            continue
        month_text = found.group("month")
        month = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text.lower())
        if month is None:
            continue
        try:
            day = date(int(found.group("year")), month, int(found.group("day")))
        except ValueError:
            return None
        tail = text.strip()[found.end() :].strip(" ,;|·-–—")
        if len(tail.split()) > MAX_DATE_TAIL_WORDS or tail.endswith((".", "!", "?")):
            return None
        return day.isoformat()
    return None


def published_date(line: str) -> str | None:
    """The ISO date of a "Published ..." line, or None when the line is no dateline."""
    found = _PUBLISHED.fullmatch(line.strip())
    return parse_date(found.group("rest")) if found is not None else None


def byline_author(line: str) -> str | None:
    """The name(s) of a "By ..." line, or None when the line reads like a sentence."""
    found = _BYLINE.fullmatch(line.strip())
    if found is None:
        return None
    name = " ".join(found.group("name").split())
    words = name.replace(",", " ").split()
    if not words or len(words) > MAX_BYLINE_WORDS or len(name) > FIELD_LIMITS["author"]:
        return None
    if not words[0][:1].isupper() or name.endswith(("!", "?", ";", ":")):
        return None
    if name.endswith(".") and _ABBREVIATED_END.search(name) is None:
        return None
    for word in words:
        if any(ch.isalpha() for ch in word) and not word[:1].isupper():
            if word.lower() not in _NAME_LINKS:
                return None
    return name


def leading_metadata(body: str) -> LeadingMetadata:
    """The dateline and byline among the first lines of ``body`` (at most one headline besides).

    Reading stops at the first line that is neither metadata nor the headline, so a "By ..."
    line further down the text is never taken for a byline.
    """
    published: str | None = None
    author: str | None = None
    spans: list[tuple[int, int]] = []
    first_line = ""
    headline_seen = False
    offset = 0
    seen = 0
    for raw in body.split("\n"):
        start, line = offset + len(raw) - len(raw.lstrip()), raw.strip()
        offset += len(raw) + 1
        if not line:
            continue
        seen += 1
        if seen > MAX_LEADING_LINES:
            break
        if published is None and (found_date := published_date(line)) is not None:
            published = found_date
        elif author is None and (found_name := byline_author(line)) is not None:
            author = found_name
        else:
            first_line = first_line or line
            if headline_seen or not looks_like_headline(line):
                break
            headline_seen = True
            continue
        spans.append((start, start + len(line)))
    return LeadingMetadata(published, author, tuple(spans), first_line)


def article_sentences(body: str) -> list[Span]:
    """The sentences of an article body, numbered from 0, its leading metadata lines left out.

    Every format goes through this, so a body read back from an export (``articles.jsonl``)
    gets the same sentences, with the same indices, as the file it first came from.
    """
    metadata = leading_metadata(body).spans
    spans = split_sentences(body)
    if not metadata:
        return spans
    kept = [
        span
        for span in spans
        if not any(start <= span.start and span.end <= end for start, end in metadata)
    ]
    return [Span(index, span.start, span.end, span.text) for index, span in enumerate(kept)]
