"""Guidelines as plain data: the packaged default, the checks, display blocks, definitions."""

from __future__ import annotations

import pytest

from workbench.domain.guidelines import (
    DEFAULT_DEFINITIONS,
    Block,
    Span,
    check_guidelines,
    default_guidelines,
    guideline_blocks,
    label_definitions,
)
from workbench.domain.labels import Label
from workbench.errors import InputError


def test_the_packaged_guidelines_define_every_label_and_the_evidence_rule() -> None:
    text = default_guidelines()
    definitions = label_definitions(text)
    assert definitions == {
        Label.VERIFIED: "reliable evidence supports the claim.",
        Label.DISPUTED: "reliable evidence contradicts the claim, or credible sources conflict.",
        Label.UNSOURCED: "a factual claim with no attribution and no evidence found.",
        Label.NOT_A_CLAIM: "opinion, headline, boilerplate or navigation text; nothing to check.",
    }
    assert "## The evidence rule" in text
    assert "stance is *supports*" in text and "stance is *refutes*" in text


def test_labels_the_guidelines_do_not_define_keep_the_default_definition() -> None:
    text = "Rules\n\n1. Verified - only with a primary source\nunsourced: no source at all\n"
    definitions = label_definitions(text)
    assert definitions[Label.VERIFIED] == "only with a primary source"
    assert definitions[Label.UNSOURCED] == "no source at all"
    assert definitions[Label.DISPUTED] == DEFAULT_DEFINITIONS[Label.DISPUTED]
    assert definitions[Label.NOT_A_CLAIM] == DEFAULT_DEFINITIONS[Label.NOT_A_CLAIM]


def test_blocks_keep_line_structure_and_bold_or_italic_runs_only() -> None:
    text = "# Title #\n\n- **verified**: a *b*\n  2. <b>x</b> [l](javascript:y)\n> q\n***\nplain"
    assert guideline_blocks(text) == [
        Block("heading", (Span("Title"),), level=1),
        Block("blank"),
        Block("bullet", (Span("verified", strong=True), Span(": a "), Span("b", emphasis=True))),
        Block("numbered", (Span("<b>x</b> [l](javascript:y)"),), level=1, number=2),
        Block("quote", (Span("q"),)),
        Block("rule"),
        Block("text", (Span("plain"),)),
    ]


def test_check_guidelines_normalises_line_ends_and_refuses_what_cannot_be_guidelines() -> None:
    assert check_guidelines("a\r\nb\rc") == "a\nb\nc"
    for bad, message in (
        ("  \n", "empty"),
        ("x" * 50_001, "50,001 characters long"),
        ("a\x00b", "NUL"),
        (None, "must be text"),
    ):
        with pytest.raises(InputError, match=message):
            check_guidelines(bad)
