"""Showing text that came from an article or a reviewer: always as text, never as markup."""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&\"'])")


def escape_markdown(text: str) -> str:
    """``text`` with every Markdown/HTML-significant character backslash-escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))
