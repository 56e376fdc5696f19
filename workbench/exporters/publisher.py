"""Who publishes a ClaimReview export: the fact-checking organisation, its review URLs, its
rating words.

Plain values, validated here so the CLI, the app and the settings give the same messages.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from urllib.parse import quote

from workbench.domain.labels import CLAIM_LABELS, check_http_url
from workbench.errors import InputError

# The placeholders a review URL template may use: the article id and the 0-based sentence index.
PLACEHOLDERS = ("article", "index")
# The numeric scale of reviewRating: worst 1 (disputed) to best 3 (verified).
RATING_VALUES: Mapping[str, int] = MappingProxyType({"disputed": 1, "unsourced": 2, "verified": 3})
BEST_RATING, WORST_RATING = 3, 1
# The words a review shows for each verdict unless the publisher says otherwise.
DEFAULT_RATINGS: Mapping[str, str] = MappingProxyType(
    {"verified": "True", "disputed": "False", "unsourced": "Unproven"}
)
MAX_RATING_LENGTH = 100


def template_placeholders(template: str) -> list[str]:
    """The placeholder names of a ``str.format`` template, in order (``""`` for ``{}``)."""
    try:
        return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise InputError(f"review URL template {template!r} is not well formed: {exc}") from exc


def check_org_url(url: str) -> str:
    """Return ``url`` when it is an http(s) URL without spaces."""
    return check_http_url(url, "organisation URL")


def check_review_url(template: str) -> str:
    """Return ``template`` when it is an http(s) URL using only known placeholders."""
    names = template_placeholders(template)
    unknown = sorted({name or "{}" for name in names if name not in PLACEHOLDERS})
    if unknown:
        shown = ", ".join(name if name == "{}" else f"{{{name}}}" for name in unknown)
        allowed = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
        raise InputError(f"review URL template has unknown placeholder(s) {shown}; use {allowed}")
    sample = template.format(article="a", index=0)
    check_http_url(sample, "review URL template")
    return template


def parse_ratings(items: Iterable[str], *, source: str) -> dict[str, str]:
    """``VERDICT=TEXT`` items as {verdict: text}; ``source`` names where they came from."""
    ratings: dict[str, str] = {}
    for item in items:
        verdict, equals, text = item.partition("=")
        verdict, text = verdict.strip().lower(), text.strip()
        if not equals or not verdict:
            raise InputError(f"{source}: {item!r} must look like VERDICT=TEXT, e.g. disputed=False")
        if verdict not in CLAIM_LABELS:
            raise InputError(
                f"{source}: unknown verdict {verdict!r}; expected one of {', '.join(CLAIM_LABELS)}"
                " (not_a_claim gets no review)"
            )
        if not text or len(text) > MAX_RATING_LENGTH:
            raise InputError(
                f"{source}: the rating of {verdict!r} must be 1 to {MAX_RATING_LENGTH} characters"
            )
        ratings[verdict] = text
    return ratings


@dataclass(frozen=True, slots=True)
class Publisher:
    """The fact-checking organisation a ClaimReview export is published by."""

    name: str
    review_url: str
    url: str | None = None
    ratings: Mapping[str, str] = field(default_factory=lambda: DEFAULT_RATINGS)

    @classmethod
    def build(
        cls,
        *,
        name: str,
        review_url: str,
        url: str | None = None,
        ratings: Mapping[str, str] | None = None,
    ) -> Publisher:
        """A checked publisher: a name, an http(s) review URL template, the ratings over the
        defaults; InputError naming what is wrong."""
        name = name.strip()
        if not name:
            raise InputError("the organisation name is empty")
        org_url = check_org_url(url.strip()) if url and url.strip() else None
        merged = {**DEFAULT_RATINGS, **(ratings or {})}
        return cls(
            name=name,
            review_url=check_review_url(review_url.strip()),
            url=org_url,
            ratings=MappingProxyType(merged),
        )

    def review_url_of(self, article_id: str, index: int) -> str:
        """The review's URL: the template with the article id (URL-quoted) and the index."""
        return self.review_url.format(article=quote(article_id, safe=""), index=index)

    def as_record(self) -> dict[str, object]:
        """The manifest's view of the publisher."""
        return {
            "name": self.name,
            "url": self.url,
            "review_url": self.review_url,
            "ratings": dict(sorted(self.ratings.items())),
        }
