"""Admin lists come a page at a time from the database, with their totals."""

from __future__ import annotations

from collections.abc import Callable

from workbench.db.engine import Database
from workbench.services.assignments import assign_articles, assignment_page
from workbench.services.users import account_page, set_active

MakeUser = Callable[..., int]
IDS = ["000_b5ddb462525d61c6", "001_905ae90385d1da76", "002_106eb614b3e40071"]


def test_accounts_are_paged_and_searched(db: Database, make_user: MakeUser) -> None:
    """A page of accounts by name, a name search, active ones only, and the total of each."""
    chief = make_user("chief", role="admin", password=None)
    for name in ("ana", "ben", "bea", "cy"):
        make_user(name, password=None)
    with db.write() as session:
        set_active(session, name="bea", active=False)
    with db.read() as session:
        first = account_page(session, actor_id=chief, limit=2)
        second = account_page(session, actor_id=chief, limit=2, offset=2)
        found = account_page(session, actor_id=chief, needle="B", limit=10)
        active = account_page(session, actor_id=chief, needle="b", active_only=True, limit=10)
        wild = account_page(session, actor_id=chief, needle="_", limit=10)
    assert [a.name for a in first.accounts + second.accounts] == ["ana", "bea", "ben", "chief"]
    assert first.total == second.total == 5
    assert ([a.name for a in found.accounts], found.total) == (["bea", "ben"], 2)
    assert ([a.name for a in active.accounts], active.total) == (["ben"], 1)
    assert wild.total == 0


def test_assignments_are_paged_by_reviewer_then_article(
    seeded_db: Database, make_user: MakeUser
) -> None:
    """The assignment list comes a page at a time in a stable order, with its total."""
    chief = make_user("chief", role="admin", password=None)
    make_user("ana", password=None)
    make_user("ben", password=None)
    with seeded_db.write() as session:
        assign_articles(session, article_ids=IDS, user_names=["ben", "ana"])
    with seeded_db.read() as session:
        pages = [assignment_page(session, actor_id=chief, limit=4, offset=o) for o in (0, 4)]
    rows = [(row.user_name, row.article_id) for page in pages for row in page.rows]
    assert rows == [(name, a) for name in ("ana", "ben") for a in IDS]
    assert [len(page.rows) for page in pages] == [4, 2]
    assert {page.total for page in pages} == {6}
