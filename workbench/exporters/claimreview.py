"""schema.org ClaimReview JSON-LD, one review per line."""

from __future__ import annotations

from pathlib import Path

from workbench.exporters.base import DatasetWriter, JsonLinesFile
from workbench.exporters.records import Record

PUBLISHER = "Fact-check workbench"
RATINGS = {
    "disputed": (1, "Disputed"),
    "unsourced": (2, "Unsourced"),
    "verified": (3, "Verified"),
}


def review_url(claim: Record) -> str:
    """Where the review points: the article URL with the sentence as fragment, or a URN."""
    url = claim["article"]["url"]
    if url:
        return f"{url.split('#', 1)[0]}#sentence-{claim['sentence']['index']}"
    return f"urn:factcheck-workbench:sentence:{claim['id']}"


def review_date(claim: Record) -> str | None:
    """The day the verdict was reached: the newest reviewer label, else the article date."""
    times: list[str] = [annotation["time"] for annotation in claim["annotations"]]
    published: str | None = claim["article"]["published"]
    return max(times)[:10] if times else published


def claim_review(claim: Record, publisher: str = PUBLISHER) -> Record | None:
    """The ClaimReview of a claims.jsonl record; None for ``not_a_claim``."""
    rating = RATINGS.get(claim["label"])
    if rating is None:
        return None
    article = claim["article"]
    appearance: Record = {"@type": "NewsArticle", "headline": article["title"]}
    if article["url"]:
        appearance["url"] = article["url"]
    if article["published"]:
        appearance["datePublished"] = article["published"]
    item: Record = {"@type": "Claim", "appearance": appearance}
    if article["outlet"]:
        item["author"] = {"@type": "Organization", "name": article["outlet"]}
        appearance["publisher"] = {"@type": "Organization", "name": article["outlet"]}
    review: Record = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "identifier": claim["id"],
        "url": review_url(claim),
        "claimReviewed": claim["claim"],
        "itemReviewed": item,
        "author": {"@type": "Organization", "name": publisher},
        "datePublished": review_date(claim),
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": rating[0],
            "bestRating": 3,
            "worstRating": 1,
            "alternateName": rating[1],
        },
    }
    if claim.get("rationale"):
        review["reviewBody"] = claim["rationale"]
    return review


class ClaimReviewWriter(DatasetWriter):
    """claimreview.jsonl: one ClaimReview object per line; ``not_a_claim`` is left out."""

    name = "claimreview"
    description = "schema.org ClaimReview JSON-LD, one review object per line"
    files = ("claimreview.jsonl",)

    def __init__(self, folder: Path):
        super().__init__(folder)
        self._out = JsonLinesFile(folder / "claimreview.jsonl")

    def write_claim(self, record: Record) -> None:
        """Append the review of a claim, if it is one."""
        review = claim_review(record)
        if review is not None:
            self._out.write(review)

    def close(self) -> dict[str, int]:
        """Close claimreview.jsonl."""
        self.digests[self._out.path.name] = self._out.close()
        return {self._out.path.name: self._out.records}
