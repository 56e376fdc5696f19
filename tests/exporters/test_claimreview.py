"""ClaimReview records and their publisher, without a database."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from workbench.errors import InputError
from workbench.exporters.claimreview import claim_review
from workbench.exporters.publisher import Publisher, check_review_url, parse_ratings
from workbench.exporters.schemas import load_schema

# Google Search Central, "Fact check (ClaimReview) structured data": the properties it requires
# and recommends, per type (dotted paths into the review).
GOOGLE_REQUIRED = ("claimReviewed", "reviewRating", "url")
GOOGLE_RECOMMENDED = ("author", "itemReviewed")
GOOGLE_RATING_REQUIRED = ("alternateName",)
# bestRating and worstRating are required whenever ratingValue is a number.
GOOGLE_RATING_NUMERIC = ("ratingValue", "bestRating", "worstRating")
GOOGLE_AUTHOR_RECOMMENDED = ("name", "url")
GOOGLE_CLAIM_RECOMMENDED = ("appearance", "author", "datePublished")

PUBLISHER = Publisher.build(
    name="Desk Check",
    url="https://desk.example",
    review_url="https://desk.example/reviews/{article}-{index}",
)


def claim(**changes: Any) -> dict[str, Any]:
    """A claims.jsonl record as the formatter hands it to the ClaimReview writer."""
    record: dict[str, Any] = {
        "id": "000_x:4",
        "article": {
            "id": "000_x",
            "title": "Jets lost in May",
            "outlet": "Daily Wire Service",
            "url": "https://news.example/jets",
            "published": "2025-06-04",
        },
        "sentence": {"index": 4, "start": 10, "end": 40, "text": "Six jets were lost."},
        "label": "disputed",
        "rationale": "figures differ across outlets",
        "label_date": "2025-06-20",
        "evidence": [],
    }
    record.update(changes)
    return record


def strings(value: object) -> Any:
    """Every string in a JSON value, keys and values, however deep."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def check_google_properties(review: dict[str, Any]) -> None:
    """Every property Google requires or recommends is present and not empty."""
    for name in (*GOOGLE_REQUIRED, *GOOGLE_RECOMMENDED, "datePublished", "reviewBody"):
        assert review.get(name), name
    rating = review["reviewRating"]
    for name in (*GOOGLE_RATING_REQUIRED, *GOOGLE_RATING_NUMERIC):
        assert rating.get(name) not in (None, ""), name
    assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    for name in GOOGLE_AUTHOR_RECOMMENDED:
        assert review["author"].get(name), name
    for name in GOOGLE_CLAIM_RECOMMENDED:
        assert review["itemReviewed"].get(name), name


def test_a_review_carries_googles_required_and_recommended_properties() -> None:
    review = claim_review(claim(), PUBLISHER)
    assert review is not None
    check_google_properties(review)
    jsonschema.Draft202012Validator(load_schema("claimreview")).validate(review)
    assert review == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "identifier": "000_x:4",
        "url": "https://desk.example/reviews/000_x-4",
        "claimReviewed": "Six jets were lost.",
        "itemReviewed": {
            "@type": "Claim",
            "appearance": [
                {
                    "@type": "NewsArticle",
                    "url": "https://news.example/jets",
                    "headline": "Jets lost in May",
                }
            ],
            "author": {"@type": "Organization", "name": "Daily Wire Service"},
            "datePublished": "2025-06-04",
        },
        "author": {"@type": "Organization", "name": "Desk Check", "url": "https://desk.example"},
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": 1,
            "bestRating": 3,
            "worstRating": 1,
            "alternateName": "False",
        },
        "datePublished": "2025-06-20",
        "reviewBody": "figures differ across outlets",
    }


def test_missing_values_are_left_out_never_empty_strings() -> None:
    bare = claim(
        article={"id": "a b", "title": "", "outlet": None, "url": None, "published": None},
        rationale=None,
        label="verified",
    )
    review = claim_review(
        bare, Publisher.build(name="Desk", review_url="https://d.example/{article}")
    )
    assert review is not None
    assert review["itemReviewed"] == {"@type": "Claim"}
    assert review["author"] == {"@type": "Organization", "name": "Desk"}
    assert "reviewBody" not in review
    assert review["url"] == "https://d.example/a%20b"  # the article id is URL-quoted
    assert review["reviewRating"]["ratingValue"] == 3
    assert "" not in list(strings(review))
    jsonschema.Draft202012Validator(load_schema("claimreview")).validate(review)


def test_the_restated_claim_is_reviewed_when_the_record_has_one() -> None:
    review = claim_review(claim(claim="Pakistan lost six jets on 7-10 May 2025"), PUBLISHER)
    assert (
        review is not None and review["claimReviewed"] == "Pakistan lost six jets on 7-10 May 2025"
    )


def test_not_a_claim_gets_no_review() -> None:
    assert claim_review(claim(label="not_a_claim"), PUBLISHER) is None


def test_ratings_default_and_override_on_one_numeric_scale() -> None:
    publisher = Publisher.build(
        name="Desk",
        review_url="https://d.example/{index}",
        ratings=parse_ratings(
            ["unsourced=Needs context", " VERIFIED = Correct "], source="--rating"
        ),
    )
    assert dict(publisher.ratings) == {
        "verified": "Correct",
        "disputed": "False",
        "unsourced": "Needs context",
    }
    values = {
        label: claim_review(claim(label=label), publisher)["reviewRating"]  # type: ignore[index]
        for label in ("disputed", "unsourced", "verified")
    }
    assert [values[label]["ratingValue"] for label in ("disputed", "unsourced", "verified")] == [
        1,
        2,
        3,
    ]
    assert values["unsourced"]["alternateName"] == "Needs context"


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (["verified"], "--rating: 'verified' must look like VERDICT=TEXT"),
        (["=True"], "--rating: '=True' must look like VERDICT=TEXT"),
        (["true=True"], "--rating: unknown verdict 'true'"),
        (["not_a_claim=Opinion"], "--rating: unknown verdict 'not_a_claim'"),
        (["verified="], "--rating: the rating of 'verified' must be 1 to 100 characters"),
    ],
)
def test_bad_ratings_are_refused_naming_the_source(items: list[str], message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_ratings(items, source="--rating")
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (
            "https://d.example/{article}/{sentence}/{n}",
            "review URL template has unknown placeholder(s) {n}, {sentence}; "
            "use {article}, {index}",
        ),
        ("https://d.example/{}", "review URL template has unknown placeholder(s) {}"),
        ("https://d.example/{article", "review URL template 'https://d.example/{article' is not"),
        ("ftp://d.example/{index}", "review URL template must start with http:// or https://"),
        ("/reviews/{index}", "review URL template must start with http:// or https://"),
    ],
)
def test_bad_review_url_templates_are_refused(template: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        check_review_url(template)
    assert str(caught.value).startswith(message)


def test_the_publisher_needs_a_name_and_a_web_address() -> None:
    with pytest.raises(InputError, match="the organisation name is empty"):
        Publisher.build(name="  ", review_url="https://d.example/{index}")
    with pytest.raises(InputError, match="organisation URL must start with http"):
        Publisher.build(name="Desk", review_url="https://d.example/{index}", url="desk.example")
