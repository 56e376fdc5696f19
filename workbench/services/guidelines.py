"""Labeling guidelines: reading the version in force, saving a new one, older labels."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workbench.db import guidelines as db
from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.guidelines import GuidelineVersion, OlderLabel
from workbench.domain.guidelines import check_guidelines
from workbench.domain.labels import Role
from workbench.errors import ConflictError, InputError, NotFoundError
from workbench.services.permissions import require_role

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


@dataclass(frozen=True, slots=True)
class OlderLabelsPage:
    """A page of labels made under an older guideline version, and how many there are."""

    current: int | None
    items: list[OlderLabel]
    reviews: int
    gold: int
    offset: int
    limit: int

    @property
    def total(self) -> int:
        """Reviewer and gold labels together."""
        return self.reviews + self.gold


def guidelines_in_force(session: Session) -> GuidelineVersion | None:
    """The guidelines reviewers follow now, or None on a database that has none."""
    return db.guideline(session)


def guideline_version(session: Session, *, version: int) -> GuidelineVersion | None:
    """One version of the guidelines, or None when there is no such version."""
    return db.guideline(session, version=version)


def guideline_history(session: Session, *, limit: int = PAGE_SIZE) -> list[GuidelineVersion]:
    """The newest ``limit`` versions, newest first."""
    return db.versions(session, limit=min(limit, MAX_PAGE_SIZE))


def save_guidelines(session: Session, *, author_id: int | None, text: str) -> int:
    """Store ``text`` as the next version (admins only); return the version in force after.

    ``author_id`` None is the command line acting for the whole desk. Text equal to the
    version in force adds no version.
    """
    if author_id is not None:
        require_role(session, user_id=author_id, role=Role.ADMIN)
    text = check_guidelines(text)
    current = db.guideline(session)
    if current is not None and current.text == text:
        return current.version
    try:
        with session.begin_nested():
            return db.add_version(session, text=text, author_id=author_id)
    except IntegrityError as exc:
        raise ConflictError(
            "another admin saved the guidelines meanwhile; nothing was overwritten: "
            "reload them, then save again"
        ) from exc


def decode_guidelines(raw: bytes, *, source: str) -> str:
    """UTF-8 guidelines text (a BOM is dropped), checked; InputError names ``source``."""
    try:
        text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 text (byte {exc.start + 1}); save as UTF-8", source=source
        ) from exc
    try:
        return check_guidelines(text)
    except InputError as exc:
        raise InputError(exc.detail, source=source) from exc


def set_guidelines_from(
    database: Database, *, raw: bytes, source: str, author: str | None = None
) -> int:
    """Store UTF-8 text as the next version; ``author`` names an admin account (optional).

    Takes the ``Database`` (the command line's entry): the text is decoded and checked before
    the write transaction opens, so bad input never takes the write lock.
    """
    text = decode_guidelines(raw, source=source)
    with database.write() as session:
        author_id = None
        if author is not None:
            user = queries.user_by_name(session, name=author)
            if user is None:
                raise NotFoundError(f"no account named {author!r}")
            author_id = user.id
        return save_guidelines(session, author_id=author_id, text=text)


def set_guidelines_from_file(database: Database, *, path: Path, author: str | None = None) -> int:
    """Store a UTF-8 file's text as the next version, as ``set_guidelines_from`` does.

    Takes the ``Database``: the file is read before any transaction opens.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", source=str(path)) from exc
    return set_guidelines_from(database, raw=raw, source=str(path), author=author)


def older_labels_page(
    session: Session, *, editor_id: int, gold: bool = False, offset: int = 0, limit: int = PAGE_SIZE
) -> OlderLabelsPage:
    """Labels made under a guideline version before the one in force (editors only)."""
    require_role(session, user_id=editor_id, role=Role.EDITOR)
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    offset = max(0, offset)
    current = db.current_version(session)
    if current is None:
        return OlderLabelsPage(None, [], 0, 0, offset, limit)
    reviews, gold_count = db.count_older_labels(session, current=current)
    items = db.older_labels(session, current=current, gold=gold, limit=limit, offset=offset)
    return OlderLabelsPage(current, items, reviews, gold_count, offset, limit)
