"""Sentence segmentation of news text with exact character offsets into the original body."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pysbd

from workbench.domain.news_splits import correct_splits

# pysbd's rules are regular expressions; a paragraph longer than this is cut at whitespace
# first so that one pathological run of text cannot make segmentation take unbounded time.
MAX_CHUNK = 4_000
MAX_SENTENCE_CHARS = MAX_CHUNK  # no sentence is longer: over-long runs are cut at MAX_CHUNK
_PARAGRAPH = re.compile(r"\S(?:.*\S)?")
_SOFT_BREAK = re.compile(r"(?<=[.!?\"'”’)])\s+")
# What can make pysbd end a sentence inside one line: its terminators, a closing parenthesis
# (list items such as "a)"), and a dash before a closing quote. A chunk with none of them is
# one sentence; recognising that here keeps a long unpunctuated run from costing seconds.
_MAY_END_SENTENCE = re.compile(r"[.!?。．！？)\r\n]|-[\"'“”]\s")


@dataclass(frozen=True, slots=True)
class Span:
    """A sentence: ``body[start:end] == text``."""

    index: int
    start: int
    end: int
    text: str


_local = threading.local()


def _segmenter() -> Any:
    """This thread's segmenter: a pysbd Segmenter keeps per-call state on itself, so two
    threads sharing one (two uploads at once in the app) get each other's sentences."""
    segmenter = getattr(_local, "segmenter", None)
    if segmenter is None:
        segmenter = _local.segmenter = pysbd.Segmenter(language="en", clean=False)
    return segmenter


def _chunks(paragraph: str) -> Iterator[tuple[int, str]]:
    """Cut an over-long paragraph at sentence-like breaks, else at any whitespace."""
    pos = 0
    while len(paragraph) - pos > MAX_CHUNK:
        window = paragraph[pos : pos + MAX_CHUNK]
        cut = max((m.end() for m in _SOFT_BREAK.finditer(window)), default=0)
        if cut < MAX_CHUNK // 4:
            cut = window.rfind(" ") + 1 or MAX_CHUNK
        yield pos, paragraph[pos : pos + cut]
        pos += cut
    yield pos, paragraph[pos:]


def _pieces(chunk: str) -> Iterator[tuple[int, int]]:
    """Offsets of pysbd's sentences inside ``chunk``, found by forward search."""
    if _MAY_END_SENTENCE.search(chunk) is None:
        stripped = chunk.strip()
        if stripped:
            start = chunk.index(stripped)
            yield start, start + len(stripped)
        return
    cursor = 0
    # pysbd's own segment() finds every sentence again from the start of the text to give its
    # offsets, which is quadratic when sentences repeat (a megabyte of "a. " took minutes);
    # its processor gives the same sentences, and the forward search below finds them.
    for raw in _segmenter().processor(chunk).process():
        piece = raw.strip()
        if not piece:
            continue
        found = chunk.find(piece, cursor)
        if found < 0:  # pysbd altered the text; fall back to the rest of the chunk
            rest = chunk[cursor:]
            stripped = rest.strip()
            if stripped:
                start = cursor + rest.index(stripped)
                yield start, start + len(stripped)
            return
        yield found, found + len(piece)
        cursor = found + len(piece)


def split_sentences(body: str, *, news_rules: bool = True) -> list[Span]:
    """Split ``body`` into sentences; every span satisfies ``body[start:end] == text``.

    Line breaks are paragraph boundaries: news text puts headlines, datelines and
    paragraphs on lines of their own, and a sentence never spans two paragraphs.
    ``news_rules=False`` leaves pysbd's sentences as they are (the baseline the rules of
    ``workbench.domain.news_splits`` are measured against).
    """
    spans: list[Span] = []
    for line in _PARAGRAPH.finditer(body):
        base = line.start()
        for chunk_start, chunk in _chunks(line.group()):
            pieces = list(_pieces(chunk))
            if news_rules:
                pieces = correct_splits(chunk, pieces)
            for start, end in pieces:
                s, e = base + chunk_start + start, base + chunk_start + end
                spans.append(Span(len(spans), s, e, body[s:e]))
    return spans
