"""The optional question of an evidence item: parsed, encoded only when given, audited alike."""

from __future__ import annotations

import pytest

from workbench.domain.labels import (
    MAX_QUESTION_LENGTH,
    Evidence,
    decode_evidence,
    encode_evidence,
    label_snapshot,
    parse_evidence,
)
from workbench.errors import InputError

URL = "https://example.org/report"


def test_an_item_without_a_question_encodes_as_before_the_field_existed() -> None:
    item = Evidence(url=URL, quote="4%", stance="refutes")
    assert encode_evidence([item]) == (
        '[{"url":"https://example.org/report","quote":"4%","stance":"refutes","note":""}]'
    )
    assert label_snapshot("disputed", "", [item])["evidence"] == [
        {"url": URL, "quote": "4%", "stance": "refutes", "note": "", "sentence_ref": None}
    ]


def test_a_question_is_kept_last_and_decodes_back() -> None:
    item = parse_evidence({"url": URL, "quote": "4%", "question": "  What was the rate? "})
    assert item.question == "What was the rate?"
    encoded = encode_evidence([item])
    assert encoded.endswith(',"question":"What was the rate?"}]')
    assert decode_evidence(encoded) == (item,)
    assert label_snapshot("verified", "", [item])["evidence"][0]["question"] == "What was the rate?"


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_a_blank_question_is_no_question(blank: str | None) -> None:
    assert parse_evidence({"url": URL, "question": blank}).question is None


def test_bad_questions_are_refused_with_a_clear_message() -> None:
    with pytest.raises(InputError, match="evidence question must be text, got int"):
        parse_evidence({"url": URL, "question": 7})
    with pytest.raises(InputError) as caught:
        parse_evidence({"url": URL, "question": "x" * (MAX_QUESTION_LENGTH + 1)})
    assert str(caught.value) == (
        "evidence question is 1,001 characters long; at most 1,000 are allowed"
    )
