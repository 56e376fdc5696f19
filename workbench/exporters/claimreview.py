"""schema.org ClaimReview JSON-LD, one review per line, published by a fact-checking organisation.

Each review carries Google's required properties (``claimReviewed``, ``reviewRating``, ``url``)
and its recommended ones (``author``, ``itemReviewed`` with the claim's ``appearance``,
``author`` and ``datePublished``), plus ``datePublished`` (the gold label's date) and
``reviewBody`` (the editor's rationale). A property without a value is left out.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from workbench.exporters.base import DatasetWriter, JsonLinesFile
from workbench.exporters.publisher import BEST_RATING, RATING_VALUES, WORST_RATING, Publisher
from workbench.exporters.records import Record


def _organization(name: str | None, url: str | None = None) -> Record | None:
    if not name:
        return None
    organization: Record = {"@type": "Organization", "name": name}
    if url:
        organization["url"] = url
    return organization


def _claim(article: Record) -> Record:
    """The reviewed Claim: where it appeared (the article), who said it (the outlet), when."""
    appearance: Record = {"@type": "NewsArticle"}
    if article["url"]:
        appearance["url"] = article["url"]
    if article["title"]:
        appearance["headline"] = article["title"]
    item: Record = {"@type": "Claim"}
    if len(appearance) > 1:
        item["appearance"] = [appearance]
    author = _organization(article["outlet"])
    if author is not None:
        item["author"] = author
    if article["published"]:
        item["datePublished"] = article["published"]
    return item


def claim_review(claim: Record, publisher: Publisher) -> Record | None:
    """The ClaimReview of a claims.jsonl record; None for ``not_a_claim``.

    ``claim["label_date"]`` is the gold label's date (the writer asks the formatter for it).
    """
    value = RATING_VALUES.get(claim["label"])
    if value is None:
        return None
    article, sentence = claim["article"], claim["sentence"]
    review: Record = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "identifier": claim["id"],
        "url": publisher.review_url_of(article["id"], sentence["index"]),
        # The claim as the fact-checker restated it, when the record has one.
        "claimReviewed": claim.get("claim") or sentence["text"],
        "itemReviewed": _claim(article),
        "author": _organization(publisher.name, publisher.url),
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": value,
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
            "alternateName": publisher.ratings[claim["label"]],
        },
    }
    if claim.get("label_date"):
        review["datePublished"] = claim["label_date"]
    if claim.get("rationale"):
        review["reviewBody"] = claim["rationale"]
    return review


class ClaimReviewWriter(DatasetWriter):
    """claimreview.jsonl: one ClaimReview object per line; ``not_a_claim`` is left out."""

    name = "claimreview"
    description = (
        "schema.org ClaimReview JSON-LD, one review object per line, ready for a fact-checking "
        "organisation to publish"
    )
    files = ("claimreview.jsonl",)
    takes_label_dates: ClassVar[bool] = True

    def __init__(self, folder: Path, publisher: Publisher):
        super().__init__(folder)
        self.publisher = publisher
        self._out = JsonLinesFile(folder / "claimreview.jsonl")

    def write_claim(self, record: Record) -> None:
        """Append the review of a claim, if it is one."""
        review = claim_review(record, self.publisher)
        if review is not None:
            self._out.write(review)

    def close(self) -> dict[str, int]:
        """Close claimreview.jsonl."""
        self.digests[self._out.path.name] = self._out.close()
        return {self._out.path.name: self._out.records}
