"""The router: sign-in first, then the pages the signed-in role may open (see PAGES)."""

from __future__ import annotations

from typing import NamedTuple

import streamlit as st

from workbench.db import queries
from workbench.db.engine import reporting_busy
from workbench.domain.labels import Role
from workbench.errors import DatabaseBusyError
from workbench.ui import auth, runtime
from workbench.ui.components.text import escape_markdown
from workbench.ui.pages import PAGES_DIR


class PageSpec(NamedTuple):
    """One page of the app: file under pages/, title, icon, URL path, least role that opens it."""

    file: str
    title: str
    icon: str
    url_path: str
    role: Role


# The one registry of pages; the router refuses to start if a file is missing or listed twice.
PAGES: list[PageSpec] = [
    PageSpec("articles.py", "Articles", ":material/library_books:", "articles", Role.REVIEWER),
    PageSpec("annotate.py", "Annotate", ":material/edit_note:", "annotate", Role.REVIEWER),
    PageSpec("access_tokens.py", "Access tokens", ":material/key:", "access-tokens", Role.REVIEWER),
    PageSpec("agreement.py", "Agreement", ":material/insights:", "agreement", Role.EDITOR),
    PageSpec("adjudicate.py", "Adjudicate", ":material/gavel:", "adjudicate", Role.EDITOR),
    PageSpec("export.py", "Export", ":material/download:", "export", Role.EDITOR),
    PageSpec("history.py", "Label history", ":material/history:", "history", Role.EDITOR),
    PageSpec("older_labels.py", "Older labels", ":material/update:", "older-labels", Role.EDITOR),
    PageSpec("admin_users.py", "Users", ":material/group:", "users", Role.ADMIN),
    PageSpec("admin_assign.py", "Assignments", ":material/assignment_ind:", "assign", Role.ADMIN),
    PageSpec("admin_ingest.py", "Ingest", ":material/upload_file:", "ingest", Role.ADMIN),
    PageSpec("admin_guidelines.py", "Guidelines", ":material/menu_book:", "guidelines", Role.ADMIN),
]
NOT_IN_MENU = {"annotate.py"}  # opened from the article list with ?article=<id>
# Streamlit focuses the main area for keyboard shortcuts; its focus ring framed the whole page.
# Below 1280 px its 300 px sidebar and 5rem margins left the annotate text ~306 px wide and the
# label buttons cut to "V...": a narrower sidebar and margins give the columns that room back.
STYLE = """<style>
.stMain:focus::before { box-shadow: none !important; }
@media (max-width: 1279.98px) {
  [data-testid="stSidebar"][data-collapsed="false"] {
    width: 220px !important; min-width: 220px !important; max-width: 220px !important;
  }
  [data-testid="stMainBlockContainer"] {
    padding-left: 1.5rem; padding-right: 1.5rem; padding-top: 3rem;
  }
  [data-testid="stMainBlockContainer"] [data-testid="stButton"] button {
    padding-left: 0.5rem; padding-right: 0.5rem;
  }
  /* a name that still does not fit wraps onto a second line instead of ending in "..." */
  [data-testid="stMainBlockContainer"] [data-testid="stButton"] button
    [data-testid="stMarkdownContainer"], [data-testid="stButton"] button p {
    white-space: normal;
  }
}
</style>"""
SECTIONS = {Role.REVIEWER: "Review", Role.EDITOR: "Editing", Role.ADMIN: "Administration"}


def checked(specs: list[PageSpec]) -> list[PageSpec]:
    """The specs as given, once each page file is known to exist and no file or path repeats."""
    seen: set[str] = set()
    for spec in specs:
        path = PAGES_DIR / spec.file
        if not path.is_file():
            raise FileNotFoundError(f"page {spec.title!r} is registered but {path} does not exist")
        repeated = sorted({spec.file, spec.url_path} & seen)
        if repeated:
            raise ValueError(f"page {spec.title!r} repeats {repeated[0]!r} of an earlier page")
        seen |= {spec.file, spec.url_path}
    return list(specs)


def _page(spec: PageSpec, default: bool) -> st.Page:
    # The icon goes on the menu links only: a page icon becomes the favicon, and a
    # material-symbol favicon is fetched from the internet.
    return st.Page(PAGES_DIR / spec.file, title=spec.title, url_path=spec.url_path, default=default)


def _sidebar(pages: dict[PageSpec, st.Page], user: runtime.SignedIn) -> None:
    with st.sidebar:
        st.markdown("### :material/fact_check: Fact-check workbench")
        for role, section in SECTIONS.items():
            links = [s for s in pages if s.role is role and s.file not in NOT_IN_MENU]
            if not links or not user.role.allows(role):
                continue
            st.caption(section)
            for spec in links:
                st.page_link(pages[spec], label=spec.title, icon=spec.icon)
        st.divider()
        st.caption(f"Signed in as **{escape_markdown(user.name)}** ({user.role.value})")
        if st.button("Sign out", icon=":material/logout:", key="wb_sign_out"):
            auth.sign_out()
            st.rerun()


def main() -> None:
    """Configure the page, route, and show sign-in when nobody is signed in."""
    st.set_page_config(page_title="Fact-check workbench", layout="wide")
    st.html(STYLE)
    try:
        with reporting_busy():  # also the connections the schema check at start-up opens
            _route()
    except DatabaseBusyError as exc:
        st.error(escape_markdown(str(exc)), icon=":material/hourglass_top:")


def _route() -> None:
    db = runtime.get_db()
    pages = {spec: _page(spec, default=i == 0) for i, spec in enumerate(checked(PAGES))}
    navigation = st.navigation(list(pages.values()), position="hidden")
    if auth.send_handover():  # sign-in or sign-out: the server sets or clears the cookie
        return
    user = runtime.current_user()  # the session cookie keeps the reviewer signed in on reload
    if user is None:
        with db.read() as session:
            has_accounts = queries.count_users(session) > 0
        if has_accounts:
            auth.sign_in_page(db)
        else:
            auth.first_admin_page(db)
        return
    _sidebar(pages, user)
    navigation.run()


if __name__ == "__main__":  # served through workbench/streamlit_app.py; see its docstring
    main()
