"""Request bodies and shared parameters of the API; unknown fields are refused (422)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from workbench.domain.labels import Evidence, parse_evidence
from workbench.errors import InputError

MAX_PAGE = 200
DEFAULT_PAGE = 50
MAX_ID = 200  # an article id's column width
MAX_TEXT = 10_000

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"Items per page (1-{MAX_PAGE}).")]
Offset = Annotated[int, Query(ge=0, le=1_000_000_000, description="Items to skip.")]
ArticleId = Annotated[str, Path(min_length=1, max_length=MAX_ID, description="An article id.")]
SentenceIndex = Annotated[
    int, Path(ge=0, le=1_000_000, description="A sentence's 0-based index in its article.")
]
ArticleFilter = Annotated[
    str | None, Query(min_length=1, max_length=MAX_ID, description="Only this article.")
]


class Strict(BaseModel):
    """A request body: unknown fields are an error, never ignored."""

    model_config = ConfigDict(extra="forbid")


class EvidenceIn(Strict):
    """One evidence item: http(s) URL, exact quote, stance, note, cited sentence, question,
    the source's publication date (YYYY-MM-DD, empty when unknown)."""

    url: str = Field("", max_length=2048)
    quote: str = Field("", max_length=MAX_TEXT)
    stance: str = Field("context", max_length=20)
    note: str = Field("", max_length=MAX_TEXT)
    sentence_ref: str | None = Field(None, max_length=250)
    question: str | None = Field(None, max_length=1000)
    published: str | None = Field(None, max_length=40, examples=["2024-03-01"])


def parsed_evidence(items: list[EvidenceIn]) -> tuple[Evidence, ...]:
    """Evidence items checked by the domain's rules; a bad one is an error naming it."""
    from workbench.api.errors import FieldError

    found = []
    for position, item in enumerate(items):
        try:
            found.append(parse_evidence(item.model_dump()))
        except InputError as exc:
            raise FieldError(f"evidence[{position}]", exc.detail) from exc
    return tuple(found)


class LabelIn(Strict):
    """A reviewer's label on one sentence: the verdict, a note, the evidence (replaced whole)."""

    label: str = Field(max_length=20, description="verified, disputed, unsourced or not_a_claim")
    note: str = Field("", max_length=MAX_TEXT)
    evidence: list[EvidenceIn] = Field(default_factory=list, max_length=100)
    claim: str | None = Field(
        None,
        max_length=MAX_TEXT,
        description="the claim as checked; null, empty or the sentence text: the sentence as "
        "written",
    )


class GoldIn(Strict):
    """An editor's gold label; ``expected_version`` is the version read (null: none yet)."""

    label: str = Field(max_length=20)
    rationale: str = Field(min_length=1, max_length=MAX_TEXT)
    evidence: list[EvidenceIn] = Field(default_factory=list, max_length=100)
    expected_version: int | None = Field(None, ge=1)
    claim: str | None = Field(None, max_length=MAX_TEXT, description="as on a label")


class ExportIn(Strict):
    """The options of ``workbench export`` (without ``--out``: the server's exports folder)."""

    format: str = Field("jsonl", max_length=20)
    policy: str = Field("unanimous", max_length=20)
    min_reviewers: int = Field(2, ge=1, le=50)
    anonymize: bool = False
    articles: list[Annotated[str, Field(min_length=1, max_length=MAX_ID)]] = Field(
        default_factory=list, max_length=10_000
    )
    since: str | None = Field(None, max_length=10)
    until: str | None = Field(None, max_length=10)
    raw_csv: bool = False
    require_evidence: bool = False
    # As --evidence-before-claim: evidence published after its article is left out.
    evidence_before_claim: bool = False
    # ClaimReview's publisher, as --org-name, --org-url, --review-url and --rating.
    org_name: str = Field("", max_length=200)
    org_url: str = Field("", max_length=2048)
    review_url: str = Field("", max_length=2048)
    ratings: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=10
    )


class UserIn(Strict):
    """A new account."""

    name: str = Field(min_length=1, max_length=100)
    role: str = Field("reviewer", max_length=20)
    password: str = Field(min_length=1, max_length=1024)
    email: str | None = Field(None, max_length=320)


class UserChange(Strict):
    """Changes to an account, applied together or not at all."""

    role: str | None = Field(None, max_length=20)
    active: bool | None = None
    password: str | None = Field(None, min_length=1, max_length=1024)


class AssignmentIn(Strict):
    """Articles to put in accounts' queues (every article to every account)."""

    articles: list[Annotated[str, Field(min_length=1, max_length=MAX_ID)]] = Field(
        min_length=1, max_length=1000
    )
    users: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        min_length=1, max_length=100
    )


def page(items: list[Any], *, total: int, limit: int, offset: int) -> dict[str, Any]:
    """One page of a listing: its items, how many match in all, and where it starts."""
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@dataclass(frozen=True, slots=True)
class ArticlePage:
    """The query of one page of a listing that ``article`` may narrow to one article."""

    article: str | None
    limit: int
    offset: int

    def of(self, items: list[Any], *, total: int) -> dict[str, Any]:
        """The response: ``page`` of these items."""
        return page(items, total=total, limit=self.limit, offset=self.offset)


def _article_page(
    article: ArticleFilter = None, limit: Limit = DEFAULT_PAGE, offset: Offset = 0
) -> ArticlePage:
    return ArticlePage(article, limit, offset)


# The ``article``, ``limit`` and ``offset`` query parameters of a paged listing, as one.
ArticlePaging = Annotated[ArticlePage, Depends(_article_page)]
