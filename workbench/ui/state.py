"""The one place that names session-state keys."""

from __future__ import annotations

from typing import Any

import streamlit as st

USER = "wb_user"
ARTICLE = "wb_article"
SENTENCE = "wb_sentence"
SIGNED_IN_AT = "wb_signed_in_at"
SIGN_IN_NOTICE = "wb_sign_in_notice"
ADMIN_NOTICE = "wb_admin_notice"
LABELS = "wb_labels"  # (article id, user id, {sentence index: label}) of the open article
NOTICE = "wb_notice"  # (kind, message) left by a callback for the annotate panel


def get(key: str, default: Any = None) -> Any:
    """Value stored under ``key`` in this browser session."""
    return st.session_state.get(key, default)


def put(key: str, value: Any) -> None:
    """Store ``value`` under ``key`` for this browser session."""
    st.session_state[key] = value


def drop(key: str) -> None:
    """Forget ``key``."""
    st.session_state.pop(key, None)
