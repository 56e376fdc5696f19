"""``/articles``: the article list, one article with its sentences, and ingest by POST.

What a reviewer reads here is what the Articles and Annotate pages show: articles, sentences
and the caller's own progress, never another reviewer's labels.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from workbench.api import limits
from workbench.api.auth import Caller, Db
from workbench.api.errors import FieldError, error_body, problem_of
from workbench.api.schemas import DEFAULT_PAGE, ArticleId, Limit, Offset, page
from workbench.db import article_list, queries
from workbench.domain.labels import Role
from workbench.errors import NotFoundError
from workbench.services.permissions import require_role
from workbench.services.uploads import upload_articles

router = APIRouter(prefix="/articles", tags=["articles"])
UPLOAD_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
SUFFIXES = {
    **dict.fromkeys(limits.JSONL_TYPES, ".jsonl"),
    **dict.fromkeys(limits.CSV_TYPES, ".csv"),
}


@router.get("", summary="A page of articles, own queue first, with your own progress")
def list_articles(
    user: Caller,
    db: Db,
    q: Annotated[
        str, Query(max_length=200, description="Words of the title, outlet, id or text.")
    ] = "",
    limit: Limit = DEFAULT_PAGE,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Articles matching ``q`` (all when empty), those assigned to you first, then by id."""
    needle = q.strip()
    with db.read() as session:
        require_role(session, user_id=user.id, role=Role.REVIEWER)
        if needle:
            total = article_list.count_matching(session, needle=needle)
        else:
            total = article_list.totals(session, user_id=user.id).articles
        rows, _ = article_list.article_page(
            session, user_id=user.id, needle=needle, limit=limit, offset=offset
        )
    items = [
        {
            "id": row.id,
            "title": row.title,
            "outlet": row.outlet,
            "published": row.published,
            "sentences": row.sentences,
            "labeled_by_you": row.labeled,
            "assigned_to_you": row.assigned,
        }
        for row in rows
    ]
    return page(items, total=total, limit=limit, offset=offset)


@router.get("/{article_id}", summary="One article with its sentences")
def get_article(article_id: ArticleId, user: Caller, db: Db) -> dict[str, Any]:
    """The article's fields, body and every sentence (0-based index, offsets into the body)."""
    with db.read() as session:
        require_role(session, user_id=user.id, role=Role.REVIEWER)
        article = queries.get_article(session, article_id=article_id)
        if article is None:
            raise NotFoundError(f"no article with id {article_id!r}")
        return {
            "id": article.id,
            "title": article.title,
            "outlet": article.outlet,
            "url": article.url,
            "author": article.author,
            "published": article.published,
            "body": article.body,
            "sentences": [
                {
                    "index": sentence.index,
                    "id": f"{article.id}:{sentence.index}",
                    "start": sentence.start,
                    "end": sentence.end,
                    "text": sentence.text,
                    "checkworthiness": sentence.checkworthiness,
                    "boilerplate": sentence.boilerplate,
                }
                for sentence in article.sentences
            ],
        }


@router.post(
    "",
    summary="Ingest the JSONL or CSV records `workbench ingest` reads (admin)",
    responses={422: {"description": "A bad record: nothing of the body was stored"}},
)
def ingest_articles(
    user: Caller,
    db: Db,
    content_type: Annotated[str, Depends(limits.accepts(*SUFFIXES))],
    body: Annotated[bytes, Depends(limits.raw_body)],
    name: Annotated[
        str, Query(max_length=100, description="File name the messages use, without suffix.")
    ] = "upload",
) -> JSONResponse:
    """One article per JSON line (``application/x-ndjson``) or CSV row (``text/csv``).

    The body is one file: every record is stored or, when any is bad, none (422 with the line).
    Identical content already stored is a duplicate, not an error.
    """
    if not UPLOAD_NAME.fullmatch(name):
        raise FieldError("name", "letters, digits and . _ - only (1-100 characters)")
    filename = f"{name.removesuffix(SUFFIXES[content_type])}{SUFFIXES[content_type]}"
    [(_, report)] = upload_articles(db, actor_id=user.id, files=[(filename, body)])
    result = {
        "added": report.added,
        "duplicates": len(report.duplicates),
        "errors": [problem_of(error) for error in report.errors],
    }
    if report.errors:
        detail = "; ".join(str(error) for error in report.errors)
        return JSONResponse(error_body(f"nothing stored: {detail}", **result), status_code=422)
    return JSONResponse(result, status_code=201 if report.added else 200)
