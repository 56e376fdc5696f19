"""How the app writes a sentence's position: a 1-based number for people, a 0-based id for files.

A person reads "Sentence 3 of 21"; files, URLs and evidence citations use the id
``<article id>:<index>`` with the 0-based index (DESIGN.md's file formats). Every place the app
shows one or the other goes through these functions, so the two are never mixed in one place.
"""

from __future__ import annotations


def sentence_number(index: int, total: int | None = None, *, start: bool = True) -> str:
    """The 1-based number a person reads: 'Sentence 3', 'Sentence 3 of 21', for index 2."""
    word = "Sentence" if start else "sentence"
    shown = f"{word} {index + 1}"
    return shown if total is None else f"{shown} of {total}"


def sentence_id(article_id: str, index: int) -> str:
    """The id of a sentence as files and URLs write it: ``<article id>:<0-based index>``."""
    return f"{article_id}:{index}"


def sentence_id_text(ref: str) -> str:
    """A sentence id as the app shows it ("sentence id a:2"), never read as a number."""
    return f"sentence id {ref}"


def evidence_source(url: str, ref: str | None) -> str:
    """Where an evidence item comes from: its URL, else the id of the sentence it cites."""
    return url or sentence_id_text(ref or "")


def ref_number(ref: str) -> str:
    """The sentence an id ``<article>:<index>`` names, as a person reads it: 'sentence 3 of a'."""
    article, _, index = ref.rpartition(":")
    if not article or not index.isdigit():
        return sentence_id_text(ref)
    return f"{sentence_number(int(index), start=False)} of {article}"
