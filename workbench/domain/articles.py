"""Article drafts: what a reader extracts from a file before it is stored."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from workbench.errors import InputError

MAX_BODY_CHARS = 2_000_000
_SLUG_STRIP = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass(frozen=True, slots=True)
class ArticleDraft:
    """An article as read from a source, not yet stored."""

    body: str
    title: str = ""
    id: str | None = None
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    source: str | None = None


def normalise_text(text: str) -> str:
    """Drop a BOM, unify line endings to ``\\n`` and strip trailing space from the whole."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def content_hash(draft: ArticleDraft) -> str:
    """SHA-256 of title and body: identical content is the same article."""
    digest = hashlib.sha256()
    digest.update(draft.title.strip().encode("utf-8"))
    digest.update(b"\x00")
    digest.update(draft.body.encode("utf-8"))
    return digest.hexdigest()


def slugify(value: str) -> str:
    """A file-name-like id: ASCII letters, digits, ``_``, ``.`` and ``-``."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    slug = _SLUG_STRIP.sub("-", ascii_text).strip("-.")
    return slug[:200]


def check_draft(draft: ArticleDraft) -> None:
    """Raise InputError when a draft cannot become an article."""
    if not draft.body.strip():
        raise InputError("article body is empty")
    if len(draft.body) > MAX_BODY_CHARS:
        raise InputError(
            f"article body has {len(draft.body):,} characters; the limit is {MAX_BODY_CHARS:,}"
        )
    if "\x00" in draft.body:
        raise InputError("article body contains NUL bytes (binary file?)")
    if draft.id is not None and not slugify(draft.id):
        raise InputError(f"article id {draft.id!r} has no usable characters")
