"""Rows the database returns during one page run or click do not grow with the database.

Each case runs once through the app's router on a small database and on one ten times larger
(articles, labels, assignments, accounts and claim links all grow ten-fold), counting the rows
every SELECT returns with a cursor hook. A page bounded by what it shows returns about as many
rows on both; one that reads a whole table returns ten times more. Summary pages (Agreement, the
Export preview) are added to ``CASES`` with a note saying whether they aggregate in the database
or read the rows once per newest audit id into a cache.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from streamlit.testing.v1 import AppTest

from tests.conftest import _pg_admin_url
from tests.ui.row_counter import RowCounter, counted_rows
from workbench.config import DATABASE_URL_ENV, PSEUDONYM_KEY_ENV
from workbench.db import claims as claim_queries
from workbench.db import queries
from workbench.db.engine import Database
from workbench.domain.articles import ArticleDraft
from workbench.domain.claim_links import ClaimLinkDraft
from workbench.domain.labels import Label, Role
from workbench.services.articles import prepare_article, store_prepared
from workbench.services.assignments import assign_articles
from workbench.services.reviewer_labels import NewLabel, record_labels
from workbench.services.users import create_user
from workbench.ui.runtime import SignedIn

APP = Path(__file__).resolve().parents[2] / "workbench" / "streamlit_app.py"
SMALL, LARGE = 30, 300  # articles; everything else grows with them
SENTENCES = 20
REVIEWERS = ("r1", "r2", "r3", "r4", "r5")
OUTLETS = ("Daily Ledger", "Harbour Post", "Metro Wire", "Valley Times", "Civic Herald")
LABELS = (Label.VERIFIED, Label.DISPUTED, Label.UNSOURCED, Label.NOT_A_CLAIM)
HUB = "a00000"  # every other article links its first sentence to this article's first


def allowed(small: int) -> float:
    """The most rows a page may return on the 10x database, given its count on the small one."""
    return 1.5 * small + 60


# --- building the two databases -------------------------------------------------------------


def _body(number: int) -> str:
    lines = [
        f"The council of district {number % 97} approved {number + k} new homes in June"
        f" after a vote of {k + 3} to {k % 4}, officials said on Tuesday."
        for k in range(SENTENCES)
    ]
    return " ".join(lines)


def build(url: str, articles: int) -> None:
    """Articles, accounts, five reviewers' labels on every sentence, assignments and links."""
    db = Database.from_url(url)
    ids = [f"a{n:05d}" for n in range(articles)]
    drafts = [
        ArticleDraft(
            body=_body(n),
            title=f"Council report {n}",
            id=ids[n],
            outlet=OUTLETS[n % len(OUTLETS)],
            published=f"2025-06-{1 + n % 28:02d}",
        )
        for n in range(articles)
    ]
    prepared = [prepare_article(draft, model=None) for draft in drafts]
    with db.write() as session:
        for item in prepared:
            store_prepared(session, prepared=item)
        reviewers = [create_user(session, name=name).id for name in REVIEWERS]
        create_user(session, name="ed", role=Role.EDITOR)
        create_user(session, name="root", role=Role.ADMIN)
        for n in range(articles // 3):  # accounts that never label grow with the desk too
            create_user(session, name=f"extra{n:04d}")
    with db.write() as session:
        sentences = claim_queries.sentences_of(session, article_ids=ids)
        record_labels(
            session,
            labels=[
                NewLabel(s.id, user, LABELS[(s.id + k * (s.id % 3 == 0)) % len(LABELS)])
                for s in sentences
                for k, user in enumerate(reviewers)
            ],
        )
        assign_articles(session, article_ids=ids, user_names=["r1"])
        assign_articles(session, article_ids=ids[::2], user_names=["r2", "r3"])
        first = {s.article_id: s.id for s in sentences if s.index == 0}
        claim_queries.add_links(
            session,
            links=[ClaimLinkDraft(first[HUB], first[a], 0.9, False, "") for a in ids if a != HUB],
        )
    db.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def databases(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[int, str]]:
    """URLs of the small and the large database of one backend, built once per module."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        urls = {}
        for size in (SMALL, LARGE):
            path = tmp_path_factory.mktemp("rows") / f"rows_{size}.db"
            shutil.copy(template, path)
            urls[size] = f"sqlite:///{path}"
            build(urls[size], size)
        yield urls
        return
    template_name: str = request.getfixturevalue("pg_template")
    admin = make_url(_pg_admin_url()).set(drivername="postgresql+psycopg")
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    names = {size: f"wb_rows_{size}_{uuid.uuid4().hex[:8]}" for size in (SMALL, LARGE)}
    with engine.connect() as conn:
        for name in names.values():
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"'))
    urls = {
        size: admin.set(database=name).render_as_string(hide_password=False)
        for size, name in names.items()
    }
    for size, url in urls.items():
        build(url, size)
    yield urls
    with engine.connect() as conn:
        for name in names.values():
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture
def counter() -> Iterator[RowCounter]:
    """A row counter listening on every engine for the duration of one test."""
    with counted_rows(counting=False) as hook:
        yield hook


# --- the cases -------------------------------------------------------------------------------

Action = Callable[[AppTest], AppTest]


@dataclass(frozen=True)
class Case:
    """One page run (``action`` None) or one click after the page opened (``action`` given)."""

    page: str
    user: str
    role: Role
    params: dict[str, str] = field(default_factory=dict)
    action: Action | None = None
    note: str = ""  # summary pages: "aggregates in SQL" or "cache keyed by newest audit id"


def _filter(needle: str) -> Action:
    return lambda at: at.text_input(key="wb_filter").input(needle).run()


def _click(key: str) -> Action:
    return lambda at: at.button(key=key).click().run()


def _rerun(at: AppTest) -> AppTest:
    return at.run()


CASES: dict[str, Case] = {
    "articles": Case("articles.py", "r1", Role.REVIEWER),
    "articles filtered": Case("articles.py", "r1", Role.REVIEWER, action=_filter("council")),
    "articles text search": Case("articles.py", "r4", Role.REVIEWER, action=_filter("homes in")),
    "annotate open": Case("annotate.py", "r1", Role.REVIEWER, {"article": HUB, "sentence": "0"}),
    "annotate label click": Case(
        "annotate.py",
        "r1",
        Role.REVIEWER,
        {"article": HUB, "sentence": "0"},
        action=_click("wb_label_unsourced"),
    ),
    "history": Case("history.py", "ed", Role.EDITOR, {"article": HUB, "sentence": "0"}),
    "users": Case("admin_users.py", "root", Role.ADMIN),
    "assignments": Case("admin_assign.py", "root", Role.ADMIN),
    "ingest": Case("admin_ingest.py", "root", Role.ADMIN),
    "adjudicate": Case(
        "adjudicate.py", "ed", Role.EDITOR, note="a keyset page of sentence_label_counts"
    ),
    "export preview": Case("export.py", "ed", Role.EDITOR, note="aggregates in SQL"),
    "agreement": Case("agreement.py", "ed", Role.EDITOR, note="aggregates in SQL"),
    "agreement cached": Case(
        "agreement.py",
        "ed",
        Role.EDITOR,
        action=_rerun,
        note="aggregates in SQL, cached by the newest audit id: a rerun reads a few rows",
    ),
}


def run_case(case: Case, url: str, counter: RowCounter, monkeypatch: pytest.MonkeyPatch) -> int:
    """Rows returned by the case's measured run on the database at ``url``."""
    monkeypatch.setenv(DATABASE_URL_ENV, url)
    # The export page names reviewers by pseudonym.
    monkeypatch.setenv(PSEUDONYM_KEY_ENV, "rows-test")
    st.cache_resource.clear()
    st.cache_data.clear()
    db = Database.from_url(url)
    with db.read() as session:
        account = queries.user_by_name(session, name=case.user)
        assert account is not None
        user = SignedIn(account.id, account.name, case.role)
    db.dispose()
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.session_state["wb_user"] = user
    at.run()  # the router registers the pages and opens the engine (migrations checked)
    st.cache_data.clear()  # the measured run is a first open
    at.switch_page(f"ui/pages/{case.page}")
    for key, value in case.params.items():
        at.query_params[key] = value
    counter.statements.clear()
    counter.counting = case.action is None
    at.run()
    if case.action is not None:
        counter.counting = True
        at = case.action(at)
    counter.counting = False
    assert not at.exception, at.exception
    return counter.rows


@pytest.mark.parametrize("name", list(CASES))
def test_rows_do_not_grow_with_the_database(
    name: str,
    databases: dict[int, str],
    counter: RowCounter,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The 10x database returns at most 1.5x the rows of the small one (plus a little)."""
    case = CASES[name]
    small = run_case(case, databases[SMALL], counter, monkeypatch)
    large = run_case(case, databases[LARGE], counter, monkeypatch)
    print(f"{name}: {small} rows on {SMALL} articles, {large} on {LARGE}")
    assert large <= allowed(small), (
        f"{name}: {large} rows on {LARGE} articles against {small} on {SMALL}\n{counter.top()}"
    )


def test_the_counter_sees_every_row_a_query_returns(
    databases: dict[int, str], counter: RowCounter
) -> None:
    """The hook counts what a SELECT returns, so a page that reads nothing really reads nothing."""
    db = Database.from_url(databases[SMALL])
    counter.counting = True
    with db.read() as session:
        ids = queries.all_article_ids(session)
    counter.counting = False
    db.dispose()
    assert len(ids) == SMALL
    assert counter.rows == SMALL
