"""The Export page's ClaimReview publisher fields; an empty field falls back to its setting."""

from __future__ import annotations

import streamlit as st

from workbench import config
from workbench.services.export import claimreview_settings
from workbench.ui import state

EXAMPLE_REVIEW_URL = "https://factcheck.example/reviews/{article}-{index}"


def _fallback(value: str, setting: str) -> str:
    return f"{value} (from {setting})" if value else f"not set ({setting})"


def publisher_fields() -> dict[str, object]:
    """Organisation name, URL, review URL template and ratings as ``ExportOptions`` fields."""
    settings = claimreview_settings()
    with st.container(border=True, key="wb_export_publisher"):
        st.markdown("**ClaimReview publisher**: the fact-checking organisation of the reviews")
        name = st.text_input(
            "Organisation name",
            key=state.EXPORT_ORG_NAME,
            placeholder=_fallback(settings.org_name, config.CLAIMREVIEW_ORG_NAME_ENV),
            help="Required: the reviews' author. Empty: the setting's value.",
        )
        url = st.text_input(
            "Organisation URL",
            key=state.EXPORT_ORG_URL,
            placeholder=_fallback(settings.org_url, config.CLAIMREVIEW_ORG_URL_ENV),
        )
        review_url = st.text_input(
            "Review URL template",
            key=state.EXPORT_REVIEW_URL,
            placeholder=_fallback(settings.review_url, config.CLAIMREVIEW_REVIEW_URL_ENV),
            help=f"Required: where each review is published, e.g. `{EXAMPLE_REVIEW_URL}`; "
            "`{article}` is the article id, `{index}` the sentence's 0-based index.",
        )
        ratings = st.text_input(
            "Ratings",
            key=state.EXPORT_RATINGS,
            placeholder="verified=True, disputed=False, unsourced=Unproven",
            help="The rating shown for each verdict, over the setting's "
            f"({config.CLAIMREVIEW_RATINGS_ENV}) and those defaults.",
        )
    return {
        "org_name": name,
        "org_url": url,
        "review_url": review_url,
        "ratings": tuple(item.strip() for item in ratings.split(",") if item.strip()),
    }
