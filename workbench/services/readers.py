"""Readers: turn the bytes of one file, or one fetched page, into article drafts.

One function per format. Readers raise InputError with the line number where one applies;
the caller adds the file name. They never touch the database.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from workbench.domain.articles import (
    FIELD_LIMITS,
    ArticleDraft,
    check_draft,
    check_url,
    decode_text,
    draft_from_record,
    looks_like_headline,
    normalise_text,
    parse_published,
)
from workbench.domain.bylines import leading_metadata
from workbench.domain.markdown_text import plain_line
from workbench.errors import InputError
from workbench.services.fetch import FetchPolicy, fetch_page

MAX_DOCUMENT_BYTES = 10_000_000  # a file or page holding one article
MAX_DATASET_BYTES = 256_000_000  # a .jsonl or .csv file holding many

Reader = Callable[[str, bytes], list[ArticleDraft]]

_FRONT_MATTER_KEYS = {"title", "author", "date", "published", "url", "outlet"}

# trafilatura reports pages it cannot parse through logging; we report them ourselves.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)


def _document_text(data: bytes) -> str:
    text = normalise_text(decode_text(data))
    if not text:
        raise InputError("file has no text (only whitespace)")
    return text


def text_draft(
    body: str, *, article_id: str | None, source: str, url: str | None = None
) -> ArticleDraft:
    """A plain-text article: leading "Published ..."/"By ..." lines give its date and author
    (they stay in the body); the first other line is the title when it reads as a headline.
    """
    meta = leading_metadata(body)
    title = meta.first_line if looks_like_headline(meta.first_line) else ""
    draft = ArticleDraft(
        body=body,
        title=title,
        id=article_id,
        url=url,
        author=meta.author,
        published=meta.published,
        source=source,
    )
    check_draft(draft)
    return draft


def read_text(name: str, data: bytes) -> list[ArticleDraft]:
    """A plain-text article (see ``text_draft``); the id is the file name without extension."""
    return [text_draft(_document_text(data), article_id=Path(name).stem, source=name)]


def _front_matter(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """Simple ``key: value`` front matter between ``---`` lines, and the lines after it."""
    if not lines or lines[0].strip() != "---":
        return {}, lines
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            meta = {}
            for line in lines[1:end]:
                key, sep, value = line.partition(":")
                if sep and key.strip().lower() in _FRONT_MATTER_KEYS:
                    meta[key.strip().lower()] = value.strip().strip("\"'")
            return meta, lines[end + 1 :]
    return {}, lines


def read_markdown(name: str, data: bytes) -> list[ArticleDraft]:
    """A markdown article without its markup; a first ``# Heading`` or front matter is the title."""
    meta, lines = _front_matter(_document_text(data).split("\n"))
    plain: list[str] = []
    title = meta.get("title", "")
    first_seen = False
    for line in lines:
        text, is_heading = plain_line(line)
        if text.strip() and not first_seen:
            first_seen = True
            if not title and (is_heading or looks_like_headline(text)):
                title = text.strip()
        plain.append(text)
    body = normalise_text("\n".join(plain))
    if not body:
        raise InputError("file has no text (only markup)")
    published = meta.get("published") or meta.get("date")
    draft = ArticleDraft(
        body=body,
        title=title.strip(),
        id=Path(name).stem,
        url=check_url(meta["url"]) if meta.get("url") else None,
        outlet=meta.get("outlet") or None,
        author=meta.get("author") or None,
        published=parse_published(published) if published else None,
        source=name,
    )
    check_draft(draft)
    return [draft]


def _clip(value: str | None, field: str) -> str | None:
    return value[: FIELD_LIMITS[field]].strip() if value else None


def html_draft(
    html: str, *, article_id: str | None, source: str, page_url: str | None = None
) -> ArticleDraft:
    """Main text, title, author and date of a news page; navigation, scripts and footers dropped."""
    import trafilatura

    document: Any = trafilatura.bare_extraction(
        html, url=page_url, with_metadata=True, include_comments=False, include_tables=True
    )
    text = normalise_text(document.text or "") if document is not None else ""
    if not text:
        raise InputError("no article text found in the page")
    published = None
    if document.date:
        try:
            published = parse_published(document.date)
        except InputError:
            published = None
    url = document.url or page_url
    try:
        url = check_url(url) if url else None
    except InputError:
        url = page_url
    draft = ArticleDraft(
        body=text,
        title=" ".join((document.title or "").split()),
        id=article_id,
        url=url,
        outlet=_clip(document.sitename, "outlet"),
        author=_clip(document.author, "author"),
        published=published,
        source=source,
    )
    check_draft(draft)
    return draft


def read_html(name: str, data: bytes) -> list[ArticleDraft]:
    """An HTML page saved to a file; the article id is the file name without extension."""
    html = decode_text(data)
    if not html.strip():
        raise InputError("file has no text (only whitespace)")
    return [html_draft(html, article_id=Path(name).stem, source=name)]


def _check_unique_ids(drafts: list[ArticleDraft]) -> None:
    seen: dict[str, int | None] = {}
    for draft in drafts:
        if draft.id is None:
            continue
        if draft.id in seen:
            raise InputError(
                f"duplicate id {draft.id!r} (first on line {seen[draft.id]})", line=draft.line
            )
        seen[draft.id] = draft.line


JSON_MAX_DEPTH = 1_024  # orjson's own limit; article records are two levels deep
JSON_MAX_DIGITS = 19  # a 64-bit integer; an id or number longer than this is not data


def _bounded_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > JSON_MAX_DIGITS:
        raise InputError(
            f"number with {digits:,} digits is too large (at most {JSON_MAX_DIGITS} digits)"
        )
    return int(text)


def _json_error(line: str, number: int, error: orjson.JSONDecodeError) -> Any:
    """Parse a line orjson refused with the standard parser, for its clearer message.

    The standard parser also accepts what orjson is stricter about (NaN, integers past 64
    bits), but neither unbounded nesting nor unbounded integers.
    """
    too_deep = f"JSON is nested too deeply (more than {JSON_MAX_DEPTH:,} levels)"
    if str(error).startswith("depth limit exceeded"):
        raise InputError(too_deep, line=number)
    try:
        return json.loads(line, parse_int=_bounded_int)
    except json.JSONDecodeError as exc:
        reason = exc.msg.removesuffix(" starting at")
        reason = reason[:1].lower() + reason[1:]
        raise InputError(f"invalid JSON at column {exc.colno}: {reason}", line=number) from None
    except RecursionError:
        raise InputError(too_deep, line=number) from None
    except InputError as exc:
        raise InputError(exc.detail, line=number) from None


def read_jsonl(name: str, data: bytes) -> list[ArticleDraft]:
    """One article object per line; a bad line fails the whole file with its line number."""
    text = decode_text(data).removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    drafts: list[ArticleDraft] = []
    # split("\n"), not splitlines(): U+2028 and friends may sit inside JSON strings.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            record = _json_error(line, number, exc)
        if not isinstance(record, dict):
            kind = "array" if isinstance(record, list) else type(record).__name__
            raise InputError(f"expected a JSON object, got {kind}", line=number)
        drafts.append(draft_from_record(record, source=name, line=number))
    if not drafts:
        raise InputError("file has no records")
    _check_unique_ids(drafts)
    return drafts


def _delimiter(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (",", ";", "\t")}
    return max(counts, key=lambda sep: counts[sep]) if any(counts.values()) else ","


def read_csv(name: str, data: bytes) -> list[ArticleDraft]:
    """A header row naming the fields, then one article per row (comma, semicolon or tab)."""
    text = normalise_text(decode_text(data))
    if not text:
        raise InputError("file has no text (only whitespace)")
    csv.field_size_limit(max(csv.field_size_limit(), 4 * MAX_DOCUMENT_BYTES))
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_delimiter(text.split("\n", 1)[0]), strict=True
    )
    drafts: list[ArticleDraft] = []
    header: list[str] | None = None
    previous_end = 0
    try:
        for row in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not row or not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = [cell.strip().lower() for cell in row]
                if "body" not in header and "text" not in header:
                    raise InputError("header has no 'body' (or 'text') column", line=start)
                continue
            if len(row) != len(header):
                raise InputError(
                    f"row has {len(row)} fields; the header has {len(header)}", line=start
                )
            record = {key: value for key, value in zip(header, row, strict=True) if value.strip()}
            drafts.append(draft_from_record(record, source=name, line=start))
    except csv.Error as exc:
        reason = "unclosed quote" if "end of data" in str(exc) else str(exc)
        raise InputError(f"invalid CSV: {reason}", line=reader.line_num) from None
    if not drafts:
        raise InputError("file has no rows after the header")
    _check_unique_ids(drafts)
    return drafts


READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".md": read_markdown,
    ".html": read_html,
    ".htm": read_html,
    ".jsonl": read_jsonl,
    ".csv": read_csv,
}
SUPPORTED_SUFFIXES = tuple(READERS)


def size_limit(name: str) -> int:
    """Largest accepted file size in bytes for a file of this name."""
    return (
        MAX_DATASET_BYTES if Path(name).suffix.lower() in (".jsonl", ".csv") else MAX_DOCUMENT_BYTES
    )


def _check_size(name: str, size: int) -> None:
    limit = size_limit(name)
    if size > limit:
        raise InputError(f"file is too large: {size:,} bytes; the limit is {limit:,}")
    if size == 0:
        raise InputError("file is empty")


def _reader_for(name: str) -> Reader:
    suffix = Path(name).suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        raise InputError(
            f"unsupported file type {suffix or '(no extension)'!r}; "
            f"supported: {', '.join(SUPPORTED_SUFFIXES)}"
        )
    return reader


def read_bytes(name: str, data: bytes) -> list[ArticleDraft]:
    """Drafts from the content of a file called ``name`` (an upload, or a file already read)."""
    reader = _reader_for(name)
    _check_size(name, len(data))
    return reader(name, data)


def read_path(path: Path) -> list[ArticleDraft]:
    """Drafts from one file on disk; its size is checked before it is read."""
    reader = _reader_for(path.name)
    try:
        _check_size(path.name, path.stat().st_size)
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(exc.strerror or str(exc)) from None
    return reader(str(path), data)


def folder_files(folder: Path) -> list[Path]:
    """Every supported file under ``folder``, recursively, in sorted order."""
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and path.suffix.lower() in SUPPORTED_SUFFIXES
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )


def is_url(source: str) -> bool:
    """True when ``source`` names a URL rather than a path (``scheme://...``)."""
    return re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", source) is not None


def fetch_url(url: str, *, policy: FetchPolicy | None = None) -> list[ArticleDraft]:
    """The article of an http(s) page, fetched under ``policy`` (default: the environment's)."""
    page = fetch_page(url, policy or FetchPolicy.from_env())
    data, content_type, charset, final_url = page.body, page.content_type, page.charset, page.url
    if not data.strip():
        raise InputError("page is empty")
    if charset:
        try:
            text = data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            raise InputError(f"page is not valid {charset} text") from None
    else:
        text = decode_text(data)
    if content_type == "text/plain":
        return [text_draft(normalise_text(text), article_id=None, source=url, url=final_url)]
    if content_type not in ("text/html", "application/xhtml+xml"):
        raise InputError(f"unsupported content type {content_type!r}")
    return [html_draft(text, article_id=None, source=url, page_url=final_url)]
