"""Which label becomes gold for a sentence under each export policy."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from workbench.errors import InputError

MAX_RATIONALE_LENGTH = 10_000


class Policy(enum.StrEnum):
    """How reviewer labels become a gold label when no editor has adjudicated."""

    UNANIMOUS = "unanimous"
    MAJORITY = "majority"
    ADJUDICATED = "adjudicated"


class Source(enum.StrEnum):
    """Where a gold label came from (``label_source`` in claims.jsonl)."""

    ADJUDICATED = "adjudicated"
    UNANIMOUS = "unanimous"
    MAJORITY = "majority"


@dataclass(frozen=True, slots=True)
class Gold:
    """A sentence's gold label and where it came from."""

    label: str
    source: Source


def gold_label(
    labels: Sequence[str],
    *,
    adjudicated: str | None = None,
    policy: Policy = Policy.UNANIMOUS,
    min_reviewers: int = 2,
) -> Gold | None:
    """The gold label of one sentence, or None when the policy gives none.

    An editor's adjudicated label always wins. Otherwise ``unanimous`` needs at least
    ``min_reviewers`` labels that all agree, and ``majority`` at least ``min_reviewers``
    labels of which one label holds a strict majority.
    """
    if adjudicated is not None:
        return Gold(adjudicated, Source.ADJUDICATED)
    if policy is Policy.ADJUDICATED or len(labels) < max(min_reviewers, 1):
        return None
    counts = Counter(labels).most_common()
    top, top_count = counts[0]
    if len(counts) == 1:
        return Gold(top, Source.UNANIMOUS)
    if policy is Policy.MAJORITY and top_count * 2 > len(labels):
        return Gold(top, Source.MAJORITY)
    return None


def check_rationale(rationale: str) -> str:
    """The rationale without surrounding blanks; InputError when it is empty or too long.

    A long rationale is refused, never cut: the editor keeps what they typed and can shorten it.
    """
    text = rationale.strip()
    if not text:
        raise InputError("a gold label needs a rationale")
    if len(text) > MAX_RATIONALE_LENGTH:
        raise InputError(
            f"rationale is {len(text):,} characters long; at most {MAX_RATIONALE_LENGTH:,} "
            "are allowed"
        )
    return text
