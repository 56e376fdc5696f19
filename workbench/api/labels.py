"""``/labels``: the caller's own labels (list, put, delete) and the bulk import of labels.

Blind review holds here by construction: every query is of the caller's own labels, and an
import by anyone but an admin may hold only the caller's own lines.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy.orm import Session

from workbench.api import limits
from workbench.api.auth import Caller, Db
from workbench.api.errors import FieldError
from workbench.api.schemas import ArticleId, ArticlePaging, LabelIn, SentenceIndex, parsed_evidence
from workbench.db import label_pages, queries
from workbench.db.models import Sentence
from workbench.domain.labels import (
    Label,
    Role,
    check_label_evidence,
    check_note,
    claim_as_checked,
    evidence_complete,
    parse_label,
)
from workbench.errors import InputError, NotFoundError
from workbench.services.importer import import_labels
from workbench.services.permissions import require_role
from workbench.services.reviewer_labels import clear_label, record_label

router = APIRouter(prefix="/labels", tags=["labels"])
IMPORT_SOURCE = "request.jsonl"


def evidence_json(evidence: Any) -> list[dict[str, Any]]:
    """Evidence items as the file formats write them."""
    return [item.to_dict() for item in evidence]


def sentence_of(session: Session, article_id: str, index: int) -> Sentence:
    """Sentence ``index`` of ``article_id``, or 404 naming which part is missing."""
    sentence = queries.sentence_at(session, article_id=article_id, index=index)
    if sentence is not None:
        return sentence
    if queries.get_article(session, article_id=article_id) is None:
        raise NotFoundError(f"no article with id {article_id!r}")
    raise NotFoundError(f"article {article_id!r} has no sentence {index}")


def verdict_of(value: str) -> Label:
    """The label named ``value``, or an error naming the ``label`` field."""
    try:
        return parse_label(value)
    except InputError as exc:
        raise FieldError("label", exc.detail) from exc


@router.get("", summary="A page of your own labels")
def list_labels(user: Caller, db: Db, query: ArticlePaging) -> dict[str, Any]:
    """Your labels (of ``article`` when given) by article and sentence; nobody else's."""
    with db.read() as session:
        require_role(session, user_id=user.id, role=Role.REVIEWER)
        rows = label_pages.own_label_page(
            session,
            user_id=user.id,
            article_id=query.article,
            limit=query.limit,
            offset=query.offset,
        )
        total = label_pages.count_own_labels(session, user_id=user.id, article_id=query.article)
    items = [
        {
            "article": row.article_id,
            "sentence": row.index,
            "label": row.label,
            "note": row.note,
            "claim": row.claim,
            "evidence": evidence_json(row.evidence),
            "updated_at": row.updated_at.isoformat(),
        }
        for row in rows
    ]
    return query.of(items, total=total)


@router.put(
    "/{article_id}/{index}",
    summary="Save your label on one sentence, with its note and evidence",
    dependencies=[Depends(limits.accepts(*limits.JSON_TYPES))],
)
def put_label(
    article_id: ArticleId, index: SentenceIndex, body: LabelIn, user: Caller, db: Db
) -> dict[str, Any]:
    """Create or replace your label: the note and the evidence list are replaced as given.

    A verdict may be saved before its evidence (it is then *incomplete*); ``not_a_claim``
    takes no evidence.
    """
    verdict = verdict_of(body.label)
    try:
        check_note(body.note)
    except InputError as exc:
        raise FieldError("note", exc.detail) from exc
    evidence = parsed_evidence(body.evidence)
    try:
        check_label_evidence(verdict, evidence)
    except InputError as exc:
        raise FieldError("evidence", exc.detail) from exc
    with db.write() as session:
        require_role(session, user_id=user.id, role=Role.REVIEWER)
        sentence = sentence_of(session, article_id, index)
        if sentence.boilerplate:
            raise InputError(f"sentence {article_id}:{index} is boilerplate: not to be labeled")
        try:
            claim_as_checked(body.claim, sentence.text)
        except InputError as exc:
            raise FieldError("claim", exc.detail) from exc
        saved = record_label(
            session,
            user_id=user.id,
            sentence_id=sentence.id,
            label=verdict,
            note=body.note,
            evidence=evidence,
            claim=body.claim,
        )
        return {
            "article": article_id,
            "sentence": index,
            "label": saved.label,
            "note": saved.note,
            "claim": saved.claim_text,
            "evidence": evidence_json(evidence),
            "evidence_complete": evidence_complete(verdict, evidence),
        }


@router.delete(
    "/{article_id}/{index}", summary="Delete your label on one sentence", status_code=204
)
def delete_label(article_id: ArticleId, index: SentenceIndex, user: Caller, db: Db) -> Response:
    """Remove your label (audited); 404 when you had none there."""
    with db.write() as session:
        require_role(session, user_id=user.id, role=Role.REVIEWER)
        sentence = sentence_of(session, article_id, index)
        if not clear_label(session, user_id=user.id, sentence_id=sentence.id):
            raise NotFoundError(f"you have no label on sentence {article_id}:{index}")
    return Response(status_code=204)


@router.post(
    "/import",
    summary="Import labels in the `workbench import-labels` format, all or nothing",
    responses={422: {"description": "Every problem with its line; nothing was stored"}},
)
def import_label_lines(
    user: Caller,
    db: Db,
    _type: Annotated[str, Depends(limits.accepts(*limits.JSONL_TYPES))],
    body: Annotated[bytes, Depends(limits.raw_body)],
    editor: Annotated[
        str | None,
        Query(max_length=100, description="Editor storing adjudicated claims.jsonl records."),
    ] = None,
) -> dict[str, Any]:
    """One label object a line. An admin imports anyone's labels (unknown reviewers become
    accounts without a password); anyone else only their own lines. Gold records need an
    editor: ``editor``, or the caller when the caller is an editor or admin.
    """
    with db.read() as session:
        account = require_role(session, user_id=user.id, role=Role.REVIEWER)
        role = Role(account.role)
    only = None if role is Role.ADMIN else user.name
    if editor is not None and not role.allows(Role.ADMIN) and editor != user.name:
        raise FieldError("editor", "only an admin stores gold labels under another account")
    gold_editor = editor or (user.name if role.allows(Role.EDITOR) else None)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / IMPORT_SOURCE
        path.write_bytes(body)
        report = import_labels(
            db, path=path, editor=gold_editor, source=IMPORT_SOURCE, only_reviewer=only
        )
    return {
        "labels": report.labels,
        "gold": report.gold,
        "created_reviewers": report.created_reviewers,
        "warnings": report.warnings,
    }
