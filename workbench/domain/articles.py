"""Article drafts: what a reader extracts from a source before it is stored, and its rules."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from workbench.errors import InputError

MAX_BODY_CHARS = 2_000_000
_SLUG_STRIP = re.compile(r"[^A-Za-z0-9_.-]+")
# Control characters never found in news text; \t \n \v \f \r are allowed.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_METADATA_LINE = re.compile(
    r"(published|updated|posted|last updated|by|written by|filed)\b", re.IGNORECASE
)
_MAX_HEADLINE_CHARS = 200
_MAX_HEADLINE_WORDS = 30
STAND_IN_TITLE_CHARS = 80
# Longest accepted metadata (outlet and author are the widths of their columns).
FIELD_LIMITS = {"title": 1_000, "outlet": 200, "author": 300, "url": 2_000}


@dataclass(frozen=True, slots=True)
class ArticleDraft:
    """An article as read from a source, not yet stored; ``line`` is where a record starts."""

    body: str
    title: str = ""
    id: str | None = None
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    source: str | None = None
    line: int | None = None


def normalise_text(text: str) -> str:
    """Drop a BOM, unify line endings to ``\\n`` and strip surrounding whitespace."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), else Windows-1252, strictly; reject binary data."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("text is UTF-16; save it as UTF-8")
    if b"\x00" in data:
        raise InputError("binary file (NUL byte), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            byte = data[exc.start]
            raise InputError(
                f"not UTF-8 or Windows-1252 text (byte 0x{byte:02x})",
                line=_line_at(data, exc.start),
            ) from None
    control = _CONTROL.search(text)
    if control is not None:
        code = ord(control.group())
        raise InputError(f"binary file (control character 0x{code:02x}), not text")
    return text


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def looks_like_headline(line: str) -> bool:
    """True for a short line without closing punctuation that is not a dateline or byline.

    Headlines are at most a couple of hundred characters, do not end like a sentence
    ("." "," ";" ":"), and are not metadata such as "Published on: ..." or "By ...".
    A long datelined opening sentence ("New York, June 4, 2025: In a ...") is not a headline.
    """
    line = line.strip()
    words = line.split()
    if not 2 <= len(words) <= _MAX_HEADLINE_WORDS or len(line) > _MAX_HEADLINE_CHARS:
        return False
    if line[-1] in ".,;:" or not any(ch.isalpha() for ch in line):
        return False
    return _METADATA_LINE.match(line) is None


def stand_in_title(sentences: Sequence[str], *, limit: int = STAND_IN_TITLE_CHARS) -> str:
    """A readable title for an article whose first line is no headline.

    Metadata lines ("Published on: ...", "By ...") are passed over; a headline found right
    after them is used whole, else the first sentence (the lede) is cut at a word boundary to
    about ``limit`` characters with an ellipsis, as a news list shows an untitled story.
    """
    for sentence in sentences:
        line = " ".join(sentence.split())
        if not any(ch.isalpha() for ch in line) or _METADATA_LINE.match(line):
            continue
        if looks_like_headline(line) or len(line) <= limit:
            return line
        cut = line[: limit + 1].rsplit(" ", 1)[0] if " " in line[:limit] else line[:limit]
        return cut.rstrip(" ,;:-–—") + "…"
    return ""


def parse_published(value: str) -> str:
    """Validate an ISO date or date-time and return its date as ``YYYY-MM-DD``."""
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        return datetime.fromisoformat(text).date().isoformat()
    except ValueError:
        raise InputError(f"field 'published' is not an ISO date (YYYY-MM-DD): {value!r}") from None


def check_url(value: str) -> str:
    """Return ``value`` when it is an absolute http(s) URL, else raise InputError."""
    parts = urlsplit(value.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise InputError(f"field 'url' must be an http(s) URL: {value!r}")
    return value.strip()


def _optional_str(record: Mapping[str, object], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"field {key!r} must be a string, not {type(value).__name__}")
    return value.strip() or None


def _record_id(value: object) -> str | None:
    """Ids may be strings or whole numbers (``7`` and ``"7"`` name the same article)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _optional_str({"id": value}, "id")


def draft_from_record(
    record: Mapping[str, object], *, source: str | None = None, line: int | None = None
) -> ArticleDraft:
    """Validate one JSONL/CSV record (id, title, body or text, url, outlet, published)."""
    key = "body" if record.get("body") is not None else "text"
    body = record.get(key)
    if body is None:
        raise InputError("missing field 'body' (or 'text')", line=line)
    try:
        if not isinstance(body, str):
            raise InputError(f"field {key!r} must be a string, not {type(body).__name__}")
        published = _optional_str(record, "published")
        url = _optional_str(record, "url")
        draft = ArticleDraft(
            body=normalise_text(body),
            title=" ".join((_optional_str(record, "title") or "").split()),
            id=_record_id(record.get("id")),
            url=check_url(url) if url else None,
            outlet=_optional_str(record, "outlet"),
            author=_optional_str(record, "author"),
            published=parse_published(published) if published else None,
            source=f"{source}:{line}" if source and line else source,
            line=line,
        )
        check_draft(draft)
    except InputError as exc:
        raise InputError(exc.detail, line=line) from None
    return draft


def content_hash(draft: ArticleDraft) -> str:
    """SHA-256 of the body: the same text is the same article, whatever its title or source."""
    return hashlib.sha256(draft.body.encode("utf-8")).hexdigest()


def slugify(value: str) -> str:
    """A file-name-like id: ASCII letters, digits, ``_``, ``.`` and ``-``."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    slug = _SLUG_STRIP.sub("-", ascii_text).strip("-.")
    return slug[:200]


def article_id_for(draft: ArticleDraft, digest: str) -> str:
    """The draft's own id, else a slug of its title plus a short content hash."""
    if draft.id is not None:
        return slugify(draft.id)
    stem = slugify(draft.title)[:60].strip("-.").lower()
    return f"{stem}-{digest[:8]}" if stem else f"article-{digest[:16]}"


def check_draft(draft: ArticleDraft) -> None:
    """Raise InputError when a draft cannot become an article."""
    if not draft.body.strip():
        raise InputError("article body is empty")
    if len(draft.body) > MAX_BODY_CHARS:
        raise InputError(
            f"article is too large: {len(draft.body):,} characters; the limit is {MAX_BODY_CHARS:,}"
        )
    if "\x00" in draft.body:
        raise InputError("article body contains NUL bytes (binary file?)")
    for name, limit in FIELD_LIMITS.items():
        value = getattr(draft, name)
        if value is not None and len(value) > limit:
            raise InputError(f"field {name!r} is longer than {limit:,} characters")
    for name in ("id", "title", "outlet", "author", "url", "published"):
        value = getattr(draft, name)
        if value is not None and "\x00" in value:  # PostgreSQL cannot store NUL in text
            raise InputError(f"field {name!r} contains a NUL character")
    if draft.id is not None and not slugify(draft.id):
        raise InputError(f"article id {draft.id!r} has no usable characters")
