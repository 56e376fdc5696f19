"""Fixing an article's segmentation: merging two sentences, splitting one, renumbering.

Pure rules, no database: where the merged or split sentences start and end in the body, how the
indexes of the other sentences move, and which labels stay where. The body itself never
changes, so ``body[start:end] == text`` keeps holding for every sentence.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TypeVar

from workbench.errors import InputError

Owner = TypeVar("Owner")


@dataclass(frozen=True, slots=True)
class Piece:
    """A sentence's place in the body: ``body[start:end] == text``."""

    start: int
    end: int
    text: str


def merged_piece(body: str, first: Piece, second: Piece) -> Piece:
    """The sentence that covers ``first``, the gap between them and ``second``."""
    if second.start < first.end:
        raise InputError("the sentences to merge overlap or are out of order")
    return Piece(first.start, second.end, body[first.start : second.end])


def split_pieces(body: str, sentence: Piece, at: int) -> tuple[Piece, Piece]:
    """``sentence`` cut before its character ``at`` (0-based), whitespace at the cut left out.

    Each part must keep at least one character that is not whitespace.
    """
    length = len(sentence.text)
    if not 0 < at < length:
        raise InputError(
            f"split position must be between 1 and {length - 1} (the sentence has "
            f"{length} characters); got {at}"
        )
    head, tail = sentence.text[:at], sentence.text[at:]
    if not head.strip() or not tail.strip():
        raise InputError(f"splitting at {at} would leave a part with no text")
    cut = sentence.start + at
    first_end = cut - (len(head) - len(head.rstrip()))
    second_start = cut + (len(tail) - len(tail.lstrip()))
    first = Piece(sentence.start, first_end, body[sentence.start : first_end])
    second = Piece(second_start, sentence.end, body[second_start : sentence.end])
    return first, second


def index_after_merge(index: int, merged: int) -> int:
    """Where sentence ``index`` is once ``merged`` and the next one became one sentence."""
    return index if index <= merged else index - 1


def index_after_split(index: int, split: int) -> int:
    """Where sentence ``index`` is once sentence ``split`` became two (it keeps the first)."""
    return index if index <= split else index + 1


def sentence_ref(article_id: str, index: int) -> str:
    """The id of a sentence in every file format: ``<article id>:<index>``."""
    return f"{article_id}:{index}"


def ref_index(ref: str, article_id: str) -> int | None:
    """The index in ``ref`` when it names a sentence of ``article_id``, else None."""
    prefix = f"{article_id}:"
    if not ref.startswith(prefix):
        return None
    number = ref[len(prefix) :]
    return int(number) if number.isdigit() else None


def plan_merge(
    first: Collection[Owner], second: Collection[Owner]
) -> tuple[list[Owner], list[Owner]]:
    """Owners of labels on the second of two merged sentences: (to move, to drop).

    A label whose owner has none on the first sentence moves to the merged sentence; one whose
    owner labeled both is dropped (to the audit trail): the first sentence's label stays.
    """
    kept = set(first)
    return [o for o in second if o not in kept], [o for o in second if o in kept]


def merge_reason(article_id: str, first: int, kept_label: str | None) -> str:
    """The audit note of a label dropped by a merge, naming the label that stayed."""
    also = f" ({kept_label} kept)" if kept_label else ""
    return (
        f"sentences {sentence_ref(article_id, first)} and {sentence_ref(article_id, first + 1)} "
        f"merged; this owner's label on the first sentence stays on the merged one{also}"
    )


def split_reason(article_id: str, index: int, at: int) -> str:
    """The audit note of a label removed because its sentence was split."""
    return (
        f"sentence {sentence_ref(article_id, index)} split at character {at}; the text this "
        "label judged is no longer one sentence, so it is removed: label the two parts"
    )
