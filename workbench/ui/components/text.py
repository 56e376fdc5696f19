"""Showing text that came from an article or a reviewer: always as text, never as markup."""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&\"'])")
# GitHub-flavoured Markdown turns bare "https://...", "www...." and "name@host.tld" into links
# after escapes are resolved, so backslashes cannot stop it. An invisible WORD JOINER
# (U+2060) between the scheme or "www" and what follows, and before "@", breaks those patterns
# while the text reads the same.
_AUTOLINK_START = re.compile(r"(https?|www|mailto|xmpp)(?=[:.])", re.IGNORECASE)
_AUTOLINK_AT = re.compile(r"(?<=[-.\w+])@")
WORD_JOINER = "\u2060"


def unlinked(text: str) -> str:
    """``text`` with an invisible word joiner wherever Markdown would find a bare link."""
    text = _AUTOLINK_START.sub(rf"\1{WORD_JOINER}", text)
    return _AUTOLINK_AT.sub(f"{WORD_JOINER}@", text)


def escape_markdown(text: str) -> str:
    """``text`` with every Markdown/HTML-significant character escaped and no bare link left."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", unlinked(" ".join(text.split())))
