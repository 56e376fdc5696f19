"""The one evidence rule: which labels are complete, for Evidence items and plain objects alike."""

from __future__ import annotations

import pytest

from workbench.domain.labels import (
    Evidence,
    Label,
    check_label_evidence,
    evidence_complete,
    missing_evidence,
)
from workbench.errors import InputError

SUPPORTS = Evidence(url="https://example.org/s", stance="supports")
REFUTES = Evidence(url="https://example.org/r", stance="refutes")
CONTEXT = Evidence(url="https://example.org/c", stance="context")


@pytest.mark.parametrize(
    ("label", "evidence", "complete"),
    [
        ("verified", [], False),
        ("verified", [CONTEXT, REFUTES], False),
        ("verified", [CONTEXT, SUPPORTS], True),
        ("disputed", [SUPPORTS], False),
        ("disputed", [REFUTES], True),
        ("unsourced", [], True),
        ("unsourced", [CONTEXT], True),
        ("not_a_claim", [], True),
        (Label.DISPUTED, [{"stance": "refutes", "url": ""}], True),
        ("VERIFIED ", [{"stance": "context"}], False),
    ],
)
def test_evidence_complete(label: str, evidence: list[object], complete: bool) -> None:
    assert evidence_complete(label, evidence) is complete  # type: ignore[arg-type]


def test_missing_evidence_names_the_stance_and_not_a_claim_takes_none() -> None:
    assert missing_evidence("verified") == (
        "a 'verified' label has no evidence item that supports it yet"
    )
    assert missing_evidence("disputed").endswith("that refutes it yet")
    check_label_evidence(Label.VERIFIED, [])  # incomplete is allowed
    with pytest.raises(InputError, match="a 'not_a_claim' label takes no evidence"):
        check_label_evidence(Label.NOT_A_CLAIM, [CONTEXT])
    with pytest.raises(InputError, match="bad label"):
        evidence_complete("maybe", [])
