"""Text from articles and reviewers shown through Markdown: escaped, and never a bare link."""

from __future__ import annotations

import re

import pytest

from workbench.ui.components.text import WORD_JOINER, escape_markdown

# The two patterns GitHub-flavoured Markdown (mdast-util-gfm-autolink-literal, bundled in
# Streamlit's frontend) applies to text after escapes are resolved, and the check on the
# character before a match.
_PROTOCOL = re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.IGNORECASE)
_EMAIL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)", re.ASCII)
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")

HOSTILE = [
    "Read https://evil.example/phish now",
    "see www.evil.example/login",
    "HTTP://EVIL.EXAMPLE",
    "write to boss@evil.example",
    "mailto:boss@evil.example and xmpp:chat@evil.example",
    "(https://evil.example)",
    "**https://evil.example**",
    "<https://evil.example>",
    "[click](https://evil.example)",
]


def _rendered_text(markdown: str) -> str:
    """The text Markdown sees once backslash escapes are resolved."""
    return _ESCAPE.sub(r"\1", markdown)


def _autolinks(text: str) -> list[str]:
    found = [m.group(0) for m in _PROTOCOL.finditer(text) if _starts_word(text, m.start())]
    return found + [m.group(0) for m in _EMAIL.finditer(text) if _starts_word(text, m.start())]


def _starts_word(text: str, at: int) -> bool:
    return at == 0 or not (text[at - 1].isalnum() or text[at - 1] == "_")


@pytest.mark.parametrize("hostile", HOSTILE)
def test_no_bare_link_survives_escaping(hostile: str) -> None:
    assert _autolinks(hostile)  # the probe finds the link in the raw text
    shown = _rendered_text(escape_markdown(hostile))
    assert _autolinks(shown) == []
    assert shown.replace(WORD_JOINER, "") == hostile  # reads exactly as written


def test_plain_text_is_unchanged_but_for_escapes() -> None:
    text = "The minister said 40% (not 4.0) & more: <b>bold</b>"
    shown = _rendered_text(escape_markdown(text))
    assert shown == text and WORD_JOINER not in shown
