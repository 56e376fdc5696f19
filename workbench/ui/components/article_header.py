"""The head of the annotate view: title, outlet, author, date and a link to the source."""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from workbench.ui.components.article_text import ArticleText
from workbench.ui.components.text import escape_markdown


def web_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) address a browser may open, else None."""
    if not url or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return None
    parts = urlsplit(url)
    return url if parts.scheme.lower() in ("http", "https") and parts.hostname else None


def byline(article: ArticleText) -> str:
    """Outlet, author, date and id of the article as one line of plain text."""
    parts = [
        article.outlet or "",
        f"By {article.author}" if article.author else "",
        f"Published {article.published}" if article.published else "",
        article.id,
    ]
    return " · ".join(part for part in parts if part)


def article_header(article: ArticleText) -> None:
    """The article's title and metadata; its source URL is a link (new tab) only for http(s)."""
    st.subheader(escape_markdown(article.title or article.id), anchor=False)
    st.caption(escape_markdown(byline(article)))
    if not article.url:
        return
    link = web_url(article.url)
    if link is None:
        st.text(f"Source: {article.url}")  # shown as text, never as a link
        return
    host = urlsplit(link).hostname or link
    # An external page_link opens in a new tab (target="_blank", rel="noopener noreferrer").
    st.page_link(
        link,
        label=escape_markdown(f"Source: {host}"),
        icon=":material/open_in_new:",
        help=escape_markdown(link),
    )
