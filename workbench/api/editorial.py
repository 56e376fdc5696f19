"""``/agreement`` and ``/gold``: what editors see (the reviewers' figures and the gold labels)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import orjson
from fastapi import APIRouter, Depends, Response

from workbench.api import limits
from workbench.api.auth import Caller, Db
from workbench.api.errors import FieldError
from workbench.api.labels import evidence_json, sentence_of, verdict_of
from workbench.api.schemas import (
    ArticleFilter,
    ArticleId,
    ArticlePaging,
    GoldIn,
    SentenceIndex,
    parsed_evidence,
)
from workbench.db import label_pages
from workbench.db import labels as label_queries
from workbench.db.engine import Database
from workbench.domain.labels import Role, claim_as_checked, evidence_complete
from workbench.errors import InputError
from workbench.services.adjudicate import adjudicate
from workbench.services.agreement import compute_agreement
from workbench.services.permissions import require_role

router = APIRouter(tags=["editors"])


@router.get("/agreement", summary="The `workbench agreement --json` document (editor)")
def agreement(user: Caller, db: Db, article: ArticleFilter = None) -> Response:
    """Alpha with its interval, Fleiss, Gwet's AC1, pairwise Cohen and AC1, per label, article."""
    with db.read() as session:
        require_role(session, user_id=user.id, role=Role.EDITOR)
        last_change = label_queries.last_change(session)
    return Response(agreement_document(db, last_change, article), media_type="application/json")


@lru_cache(maxsize=16)
def agreement_document(db: Database, last_change: int, article: str | None) -> bytes:
    """The report as JSON, computed once per change of the labels (the newest audit id).

    The document holds every article's figures, so building it reads every label; a dashboard
    polling it costs that once per saved label or gold label, not once per request.
    """
    with db.read() as session:
        report = compute_agreement(session, article_id=article).report
    return orjson.dumps(report, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS)


@router.get("/gold", summary="A page of gold labels (editor)")
def list_gold(user: Caller, db: Db, query: ArticlePaging) -> dict[str, Any]:
    """Adjudicated gold labels (of ``article`` when given) with rationale, evidence and version."""
    with db.read() as session:
        require_role(session, user_id=user.id, role=Role.EDITOR)
        rows = label_pages.gold_label_page(
            session, article_id=query.article, limit=query.limit, offset=query.offset
        )
        total = label_pages.count_gold_labels(session, article_id=query.article)
    items = [
        {
            "article": row.article_id,
            "sentence": row.index,
            "text": row.text,
            "label": row.label,
            "rationale": row.rationale,
            "claim": row.claim,
            "evidence": evidence_json(row.evidence),
            "evidence_complete": evidence_complete(row.label, row.evidence),
            "editor": row.editor,
            "version": row.version,
            "updated_at": row.updated_at.isoformat(),
        }
        for row in rows
    ]
    return query.of(items, total=total)


@router.put(
    "/gold/{article_id}/{index}",
    summary="Set a sentence's gold label (editor), with optimistic locking",
    dependencies=[Depends(limits.accepts(*limits.JSON_TYPES))],
    responses={409: {"description": "Someone changed the gold label since expected_version"}},
)
def put_gold(
    article_id: ArticleId, index: SentenceIndex, body: GoldIn, user: Caller, db: Db
) -> dict[str, Any]:
    """``expected_version`` is the version you read (null when there was none); another
    editor's change since then is a 409 and nothing is written."""
    verdict = verdict_of(body.label)
    evidence = parsed_evidence(body.evidence)
    with db.write() as session:
        require_role(session, user_id=user.id, role=Role.EDITOR)
        sentence = sentence_of(session, article_id, index)
        try:
            claim_as_checked(body.claim, sentence.text)
        except InputError as exc:
            raise FieldError("claim", exc.detail) from exc
        try:
            gold = adjudicate(
                session,
                editor_id=user.id,
                sentence_id=sentence.id,
                label=verdict,
                rationale=body.rationale,
                evidence=evidence,
                expected_version=body.expected_version,
                claim=body.claim,
            )
        except InputError as exc:
            field = "rationale" if "rationale" in exc.detail else "evidence"
            raise FieldError(field, exc.detail) from exc
        return {
            "article": article_id,
            "sentence": index,
            "label": gold.label,
            "rationale": gold.rationale,
            "claim": gold.claim_text,
            "evidence": evidence_json(evidence),
            "evidence_complete": evidence_complete(verdict, evidence),
            "version": gold.version,
        }
