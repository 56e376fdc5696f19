"""The optional publication date of an evidence item: parsed, encoded only when given, audited
alike, and compared with the article's date."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from workbench.domain.labels import (
    Evidence,
    decode_evidence,
    encode_evidence,
    gold_snapshot,
    label_snapshot,
    parse_evidence,
    parse_published,
    published_after,
)
from workbench.errors import InputError

URL = "https://example.org/report"


def test_an_item_without_a_date_encodes_and_audits_as_before_the_field_existed() -> None:
    item = parse_evidence({"url": URL, "quote": "4%", "stance": "refutes", "published": ""})
    assert item.published is None
    assert encode_evidence([item]) == (
        '[{"url":"https://example.org/report","quote":"4%","stance":"refutes","note":""}]'
    )
    assert label_snapshot("disputed", "", [item])["evidence"] == [
        {"url": URL, "quote": "4%", "stance": "refutes", "note": "", "sentence_ref": None}
    ]
    assert "published" not in gold_snapshot("disputed", "", 1, [item])["evidence"][0]


def test_a_date_is_kept_last_decodes_back_and_is_audited() -> None:
    item = parse_evidence({"url": URL, "question": "Q?", "published": " 2025-06-07 "})
    assert item.published == "2025-06-07"
    encoded = encode_evidence([item])
    assert encoded.endswith(',"question":"Q?","published":"2025-06-07"}]')
    assert decode_evidence(encoded) == (item,)
    assert label_snapshot("verified", "", [item])["evidence"][0]["published"] == "2025-06-07"
    assert gold_snapshot("verified", "", 1, [item])["evidence"][0]["published"] == "2025-06-07"


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_a_blank_date_is_an_unknown_date(blank: str | None) -> None:
    assert parse_published(blank) is None
    assert parse_evidence({"url": URL, "published": blank}).published is None


def test_a_date_picker_value_is_taken_as_its_day() -> None:
    assert parse_published(date(2024, 3, 1)) == "2024-03-01"
    assert parse_published(datetime(2024, 3, 1, 23, 59)) == "2024-03-01"


@pytest.mark.parametrize(
    "bad", ["2024-3-1", "01-03-2024", "2024-02-30", "yesterday", "2024-03-01T10"]
)
def test_bad_dates_are_refused_naming_the_field(bad: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_evidence({"url": URL, "published": bad})
    assert str(caught.value) == (
        f"evidence published must be a date as YYYY-MM-DD, e.g. 2024-03-01; got {bad!r}"
    )


def test_a_date_that_is_not_text_is_refused() -> None:
    with pytest.raises(
        InputError, match="evidence published must be a date as YYYY-MM-DD, got int"
    ):
        parse_evidence({"url": URL, "published": 20240301})


@pytest.mark.parametrize(
    ("evidence", "article", "after"),
    [
        ("2025-06-05", "2025-06-04", True),
        ("2025-06-04", "2025-06-04", False),  # the same day is not after
        ("2025-06-03", "2025-06-04", False),
        ("2026-01-01", "2025-12-31", True),
        (None, "2025-06-04", False),  # unknown source date: not flagged
        ("2025-06-05", None, False),  # unknown article date: not flagged
        ("2025-06-05", "", False),
        ("2025-06-05", "2025-06-04T23:00:00", True),  # an article time counts by its day
    ],
)
def test_published_after_needs_both_dates_and_a_later_source(
    evidence: str | None, article: str | None, after: bool
) -> None:
    assert published_after(evidence, article) is after
    assert Evidence(url=URL, published=evidence).published == evidence
