"""The claim as checked: what is stored for a restatement, and how audit snapshots carry it."""

from __future__ import annotations

import pytest

from workbench.domain.labels import (
    MAX_CLAIM_LENGTH,
    Evidence,
    claim_as_checked,
    gold_snapshot,
    label_snapshot,
)
from workbench.errors import InputError

SENTENCE = "Pakistan said it had lost six jets, officials told reporters on Saturday."
CLAIM = "Pakistan lost six fighter jets on 7-10 May 2025"


@pytest.mark.parametrize("given", [None, "", "   \n", SENTENCE, f"  {SENTENCE}\n"])
def test_no_restatement_is_stored_as_none(given: str | None) -> None:
    assert claim_as_checked(given, SENTENCE) is None


def test_a_restatement_is_kept_without_surrounding_space() -> None:
    assert claim_as_checked(f"  {CLAIM}\n", SENTENCE) == CLAIM
    longest = "x" * MAX_CLAIM_LENGTH
    assert claim_as_checked(longest, SENTENCE) == longest


def test_a_long_restatement_is_refused_never_cut() -> None:
    with pytest.raises(
        InputError, match=r"claim as checked is 1,001 characters long; at most 1,000"
    ):
        claim_as_checked("x" * (MAX_CLAIM_LENGTH + 1), SENTENCE)


def test_a_restatement_must_be_text() -> None:
    with pytest.raises(InputError, match="claim as checked must be text, got int"):
        claim_as_checked(7, SENTENCE)


def test_snapshots_add_the_claim_only_when_there_is_one() -> None:
    item = Evidence(url="https://example.org/r", stance="refutes")
    plain = label_snapshot("disputed", "n", [item])
    assert list(plain) == ["label", "note", "evidence"]
    assert label_snapshot("disputed", "n", [item], None) == plain
    assert label_snapshot("disputed", "n", [item], CLAIM) == {**plain, "claim": CLAIM}
    gold = gold_snapshot("disputed", "r", 2, [item])
    assert list(gold) == ["label", "rationale", "version", "evidence"]
    assert gold_snapshot("disputed", "r", 2, [item], CLAIM) == {**gold, "claim": CLAIM}
