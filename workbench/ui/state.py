"""The one place that names session-state keys, and the only code that reads or writes them.

Widget keys that code never reads back stay next to their widget; every key some code reads,
writes or pops is named here, and its value is reached through ``get``/``put``/``take``/``drop``.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

USER = "wb_user"
SENTENCE = "wb_sentence"
SIGN_IN_NOTICE = "wb_sign_in_notice"  # why the last session ended; shown until the next sign-in
ACCOUNT_CHECKED_AT = "wb_account_checked_at"
SESSION_TOKEN = "wb_session_token"  # token of a sign-in made in this tab (server memory only)
HANDOVER = "wb_handover"  # URL the browser is sent to once: cookie set or cleared by the server
CLAIMS_FIRST = "wb_claims_first"  # annotate: unlabeled navigation in check-worthiness order
ADMIN_NOTICE = "wb_admin_notice"  # feedback.Notice of an admin action, shown after its rerun
LABELS = "wb_labels"  # (article id, user id, {sentence index: label}) of the open article
NOTICE = "wb_notice"  # feedback.Notice left by a callback for the annotate panel
RELATED_NOTICE = "wb_related_notice"  # feedback.Notice left by a "Cite as evidence" button
AGREEMENT_ARTICLE = "wb_agreement_article"
AGREEMENT_REVIEWERS = "wb_agreement_reviewers"
AGREEMENT_PERIOD = "wb_agreement_period"
AGREEMENT_A = "wb_agreement_a"  # the two reviewers of the confusion matrix
AGREEMENT_B = "wb_agreement_b"
AGREEMENT_TAB = "wb_agreement_tab"  # the open tab of the agreement page: only it runs
AGREEMENT_SEARCH = "wb_agreement_search"  # text that finds the article of the agreement page
ADJUDICATE_SENTENCE = "wb_adjudicate_sentence"
ADJUDICATE_SEEN = "wb_adjudicate_seen"  # {sentence id: gold version this editor last saw}
ADJUDICATE_ALL = "wb_adjudicate_all"
ADJUDICATE_BULK = "wb_adjudicate_bulk"
ADJUDICATE_NOTICE = "wb_adjudicate_notice"  # feedback.Notice left by the gold form's callback
ADJUDICATE_ARTICLE = "wb_adjudicate_article"  # queue filter: one article id ("" for all)
ADJUDICATE_PAIR = "wb_adjudicate_pair"  # queue filter: "<label> vs <label>" ("any" for all)
ADJUDICATE_PAGES = "wb_adjudicate_pages"  # keyset cursors of the queue pages opened so far
ADJUDICATE_PREVIOUS = "wb_adjudicate_previous"
ADJUDICATE_NEXT = "wb_adjudicate_next"
ARTICLES_PAGE = "wb_articles_page"  # page number of the article list
HISTORY_ARTICLE = "wb_history_article"  # the article picker of the history page
HISTORY_KIND = "wb_history_kind"
HISTORY_PAGE = "wb_history_page"
USERS_SEARCH = "wb_users_search"
USERS_PAGE = "wb_users_page"
ASSIGN_PAGE = "wb_assign_page"
ASSIGN_ARTICLES = "wb_assign_articles"  # the article picker of the assignment form
ASSIGN_REVIEWERS = "wb_assign_reviewers"
EXPORT_ARTICLES = "wb_export_article_ids"  # export page: article ids typed, comma-separated
EXPORT_COUNT_INCOMPLETE = "wb_export_count_incomplete"  # export page: count incomplete labels
EXPORT_LAST = "wb_export_last"  # (options, folder) of the export this session made last
EXPORT_ORG_NAME = "wb_export_org_name"  # export page, ClaimReview: the publishing organisation
EXPORT_ORG_URL = "wb_export_org_url"
EXPORT_REVIEW_URL = "wb_export_review_url"  # the review URL template
EXPORT_RATINGS = "wb_export_ratings"  # VERDICT=TEXT items, comma-separated
GUIDELINE_DEFINITIONS = "wb_guideline_definitions"  # {label: one-line definition} in force
GUIDELINES_TEXT = "wb_guidelines_text"  # the admin's guidelines editor
OLDER_KIND = "wb_older_kind"  # older labels page: reviewer or gold labels
OLDER_PAGE = "wb_older_page"
GOLD_FORM = "wb_gold"  # prefix of the gold form's widget keys: wb_gold_<field>_<sentence id>


def search_key(picker: str) -> str:
    """Key of the search box of the article picker kept under ``picker``."""
    return f"{picker}_search"


def text_key(article_id: str) -> str:
    """Key of the annotate text component of one article (its last click)."""
    return f"wb_text_{article_id}"


def note_key(sentence_id: int) -> str:
    """Key of the annotate note field of one sentence."""
    return f"wb_note_{sentence_id}"


def claim_key(sentence_id: int) -> str:
    """Key of the annotate "Claim as checked" field of one sentence."""
    return f"wb_claim_{sentence_id}"


def evidence_key(sentence_id: int, field: str) -> str:
    """Key of one field of the annotate evidence form of one sentence."""
    return f"wb_ev_{field}_{sentence_id}"


def get(key: str, default: Any = None) -> Any:
    """Value stored under ``key`` in this browser session."""
    return st.session_state.get(key, default)


def put(key: str, value: Any) -> None:
    """Store ``value`` under ``key`` for this browser session."""
    st.session_state[key] = value


def put_default(key: str, value: Any) -> None:
    """Store ``value`` under ``key`` unless something is stored there already."""
    if key not in st.session_state:
        st.session_state[key] = value


def take(key: str, default: Any = None) -> Any:
    """Value stored under ``key``, forgotten once read (a one-time notice)."""
    return st.session_state.pop(key, default)


def drop(key: str) -> None:
    """Forget ``key``."""
    st.session_state.pop(key, None)
