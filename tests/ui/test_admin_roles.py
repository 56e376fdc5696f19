"""The Users page changes an account's role, refuses one's own, and lists the audited changes."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.models import AuditEntry
from workbench.domain.labels import Role
from workbench.services.users import live_account
from workbench.ui.components.text import escape_markdown
from workbench.ui.runtime import SignedIn

MakeUser = Callable[..., int]
OpenPage = Callable[[str, SignedIn], AppTest]


def _signed(db: Database, name: str) -> SignedIn:
    with db.read() as session:
        user = queries.user_by_name(session, name=name)
        assert user is not None
        return SignedIn(user.id, user.name, Role(user.role))


def _change_role(at: AppTest, name: str, role: str) -> AppTest:
    at.selectbox(key="wb_role_account").select(name)
    at.selectbox(key="wb_role_value").select(role)
    submit = next(b for b in at.button if b.label == "Change role")
    return submit.click().run()


def test_admin_changes_a_role_and_the_change_is_audited_and_listed(
    db: Database, make_user: MakeUser, signed_in_page: OpenPage
) -> None:
    chief = make_user("chief", role="admin")
    ana = make_user("ana")
    at = signed_in_page("admin_users.py", _signed(db, "chief"))
    assert not at.exception
    at = _change_role(at, "ana", "editor")
    assert not at.exception and not at.error
    assert [e.value for e in at.success] == [escape_markdown("'ana' is now an editor.")]
    account = live_account(db, user_id=ana)
    assert account is not None and account.role is Role.EDITOR
    assert list(at.dataframe[0].value["role"]) == ["editor", "admin"]  # ana, chief
    with db.read() as session:
        rows = session.execute(
            select(AuditEntry.actor_id, AuditEntry.entity_id, AuditEntry.old, AuditEntry.new).where(
                AuditEntry.entity == "account"
            )
        ).all()
    assert [tuple(row) for row in rows] == [(chief, ana, {"role": "reviewer"}, {"role": "editor"})]
    changes = at.dataframe[1].value
    assert list(changes["by"]) == ["chief"] and list(changes["account"]) == ["ana"]
    assert list(changes["change"]) == ["role: reviewer → editor"]

    at = _change_role(at, "ana", "editor")
    assert [e.value for e in at.success] == [escape_markdown("'ana' is already an editor.")]
    with db.read() as session:
        count = len(session.scalars(select(AuditEntry).where(AuditEntry.entity == "account")).all())
    assert count == 1  # no change, no audit row


def test_admin_cannot_change_its_own_role(
    db: Database, make_user: MakeUser, signed_in_page: OpenPage
) -> None:
    chief = make_user("chief", role="admin")
    make_user("second", role="admin")
    at = signed_in_page("admin_users.py", _signed(db, "chief"))
    at = _change_role(at, "chief", "reviewer")
    assert not at.exception
    assert [e.value for e in at.error] == ["you cannot change your own role"]
    account = live_account(db, user_id=chief)
    assert account is not None and account.role is Role.ADMIN
