"""Access tokens: the signed-in account's personal access tokens of the REST API."""

from __future__ import annotations

import streamlit as st

from workbench.domain.labels import Role
from workbench.services import tokens
from workbench.ui import feedback, runtime
from workbench.ui.components.text import escape_markdown

user = runtime.require_role(Role.REVIEWER)
db = runtime.get_db()
st.title("Access tokens", anchor=False)
st.caption(
    "A token lets a script use the REST API at `/api/v1` as you, with your role, by sending "
    "`Authorization: Bearer <token>`. It is shown once, when you create it; the workbench "
    "keeps only a hash. Revoke a token you no longer use or may have leaked."
)

with st.form("wb_token_form", clear_on_submit=True):
    name = st.text_input(
        "Token name", max_chars=tokens.MAX_NAME_LENGTH, placeholder="What it is for, e.g. CMS feed"
    )
    create = st.form_submit_button("Create token", type="primary", icon=":material/key:")

if create:
    with feedback.show_errors():
        with db.write() as session:
            made = tokens.create_token(session, actor_id=user.id, name=name)
        st.success(
            f"Token {escape_markdown(made.info.name)} created. Copy it now: it is not shown again."
        )
        st.code(made.secret, language=None)

with db.read() as session:
    found = tokens.list_tokens(session, actor_id=user.id)
if not found:
    st.info("You have no access tokens yet.")
for token in found:
    with st.container(border=True):
        about, action = st.columns([4, 1], vertical_alignment="center")
        used = "never used"
        if token.last_used_at is not None:
            used = f"last used {token.last_used_at:%Y-%m-%d %H:%M}"
        state = "active" if token.active else f"revoked {token.revoked_at:%Y-%m-%d %H:%M}"
        about.markdown(f"**{escape_markdown(token.name)}** · `{token.prefix}…`")
        about.caption(f"created {token.created_at:%Y-%m-%d %H:%M} UTC · {used} · {state}")
        if token.active and action.button("Revoke", key=f"wb_token_revoke_{token.id}"):
            with feedback.show_errors(stop=True):
                with db.write() as session:
                    tokens.revoke_token(session, actor_id=user.id, token_id=token.id)
            st.rerun()
