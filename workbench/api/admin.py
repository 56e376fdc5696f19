"""``/users`` and ``/assignments``: what admins manage, through the admin services."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from fastapi import Path as PathParam

from workbench.api import limits
from workbench.api.auth import Caller, Db
from workbench.api.schemas import (
    DEFAULT_PAGE,
    ArticleId,
    AssignmentIn,
    Limit,
    Offset,
    UserChange,
    UserIn,
    page,
)
from workbench.errors import InputError, NotFoundError
from workbench.services import assignments, users
from workbench.services.users import Account

router = APIRouter(tags=["admins"])
UserName = Annotated[str, PathParam(min_length=1, max_length=100, description="Account name.")]
JSON_BODY = [Depends(limits.accepts(*limits.JSON_TYPES))]


def _account(account: Account) -> dict[str, Any]:
    return {
        "name": account.name,
        "role": account.role.value,
        "email": account.email,
        "active": account.active,
        "has_password": account.has_password,
        "locked_until": account.locked_until.isoformat() if account.locked_until else None,
    }


@router.get("/users", summary="A page of accounts (admin)")
def list_users(
    user: Caller,
    db: Db,
    q: Annotated[str, Query(max_length=100, description="Part of the name.")] = "",
    active_only: bool = False,
    limit: Limit = DEFAULT_PAGE,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Accounts whose name contains ``q``, by name."""
    with db.read() as session:
        found = users.account_page(
            session, actor_id=user.id, needle=q, active_only=active_only, limit=limit, offset=offset
        )
    items = [_account(account) for account in found.accounts]
    return page(items, total=found.total, limit=limit, offset=offset)


@router.post("/users", summary="Create an account (admin)", status_code=201, dependencies=JSON_BODY)
def create_user(body: UserIn, user: Caller, db: Db) -> dict[str, Any]:
    """A new account with a password (8 characters at least)."""
    with db.write() as session:
        created = users.admin_create_user(
            session,
            actor_id=user.id,
            name=body.name,
            role=body.role,
            password=body.password,
            email=body.email,
        )
    return _account(created)


@router.patch(
    "/users/{name}",
    summary="Change an account's role, activity or password (admin)",
    dependencies=JSON_BODY,
)
def change_user(name: UserName, body: UserChange, user: Caller, db: Db) -> dict[str, Any]:
    """Every change given is applied in one transaction: all of them or none."""
    if body.role is None and body.active is None and body.password is None:
        raise InputError("give at least one of role, active, password")
    with db.write() as session:
        account: Account | None = None
        if body.role is not None:
            account, _ = users.admin_set_role(session, actor_id=user.id, name=name, role=body.role)
        if body.active is not None:
            account = users.admin_set_active(
                session, actor_id=user.id, name=name, active=body.active
            )
        if body.password is not None:
            account = users.admin_set_password(
                session, actor_id=user.id, name=name, password=body.password
            )
        assert account is not None
        return _account(account)


@router.get("/assignments", summary="A page of assignments (admin)")
def list_assignments(
    user: Caller, db: Db, limit: Limit = DEFAULT_PAGE, offset: Offset = 0
) -> dict[str, Any]:
    """Articles in accounts' queues, by account name then article."""
    with db.read() as session:
        found = assignments.assignment_page(session, actor_id=user.id, limit=limit, offset=offset)
    items = [
        {
            "article": row.article_id,
            "title": row.title,
            "user": row.user_name,
            "created_at": row.created_at.isoformat(),
        }
        for row in found.rows
    ]
    return page(items, total=found.total, limit=limit, offset=offset)


@router.post("/assignments", summary="Assign articles to accounts (admin)", dependencies=JSON_BODY)
def assign(body: AssignmentIn, user: Caller, db: Db) -> dict[str, Any]:
    """Every article to every account, all or nothing; already assigned pairs are reported."""
    with db.write() as session:
        report = assignments.admin_assign(
            session, actor_id=user.id, article_ids=body.articles, user_names=body.users
        )
    pairs = [{"article": a, "user": u} for a, u in report.added]
    already = [{"article": a, "user": u} for a, u in report.already]
    return {"added": pairs, "already": already}


@router.delete(
    "/assignments/{article_id}/{name}", summary="Remove an assignment (admin)", status_code=204
)
def unassign(article_id: ArticleId, name: UserName, user: Caller, db: Db) -> Response:
    """Take the article out of the account's queue; 404 when it was not there."""
    with db.write() as session:
        removed = assignments.admin_unassign(
            session, actor_id=user.id, article_id=article_id, user_name=name
        )
        if not removed:
            raise NotFoundError(f"article {article_id!r} is not assigned to {name!r}")
    return Response(status_code=204)
