"""``import-labels``: reviewer labels from JSON Lines, all or nothing, every problem reported."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import orjson
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workbench.db import queries
from workbench.db.engine import Database
from workbench.domain.labels import (
    Evidence,
    Label,
    check_label_evidence,
    check_note,
    parse_evidence,
    parse_label,
)
from workbench.errors import InputError, WorkbenchError
from workbench.services.annotate import NewLabel, record_labels
from workbench.services.users import check_name, create_user

REQUIRED = ("article", "sentence", "reviewer", "label")
OPTIONAL = ("note", "evidence", "guideline_version", "sentence_text")
CHANGED_MEANWHILE = "a sentence or label changed while importing"


class ImportRejectedError(WorkbenchError):
    """The file had problems; nothing was stored. ``problems`` holds one error per problem."""

    def __init__(self, problems: list[InputError]):
        self.problems = problems
        super().__init__(f"nothing imported: {len(problems)} problem(s)")


@dataclass(frozen=True, slots=True)
class LabelLine:
    """One validated line: which sentence, whose label, and what it says."""

    line: int
    sentence_id: int
    reviewer: str
    label: Label
    note: str
    evidence: tuple[Evidence, ...]
    guideline_version: int | None | Literal["current"] = "current"


def _guideline_version(data: Mapping[str, Any]) -> int | None | Literal["current"]:
    """The line's guideline version: absent is the version in force, null before guidelines."""
    if "guideline_version" not in data:
        return "current"
    version = data["guideline_version"]
    if version is None:
        return None
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise InputError(
            f"'guideline_version' must be a version number (1 or more) or null, got {version!r}"
        )
    return version


@dataclass
class ImportReport:
    """What an import stored."""

    labels: int = 0
    created_reviewers: list[str] = field(default_factory=list)


@dataclass
class _Checker:
    """Pass one: parse and check every line against the database, collecting problems."""

    session: Session
    source: str
    problems: list[InputError] = field(default_factory=list)
    lines: list[LabelLine] = field(default_factory=list)
    sentences: dict[str, dict[int, tuple[int, str]] | None] = field(default_factory=dict)
    reviewers: dict[str, bool] | None = None
    seen: dict[tuple[int, str], int] = field(default_factory=dict)

    def problem(self, line: int | None, message: str) -> None:
        self.problems.append(InputError(message, source=self.source, line=line))

    def _sentences_of(self, article_id: str) -> dict[int, tuple[int, str]] | None:
        if article_id not in self.sentences:
            article = queries.get_article(self.session, article_id=article_id)
            self.sentences[article_id] = (
                None if article is None else {s.index: (s.id, s.text) for s in article.sentences}
            )
        return self.sentences[article_id]

    def _reviewer_ok(self, name: str) -> bool:
        if self.reviewers is None:  # accounts are few: one query instead of one per reviewer
            self.reviewers = {user.name: user.active for user in queries.list_users(self.session)}
        return self.reviewers.get(name, True)

    def check(self, number: int, data: Mapping[str, Any]) -> None:
        """Check one parsed line; a good one is kept for pass two."""
        missing = [name for name in REQUIRED if name not in data]
        if missing:
            self.problem(number, f"missing field(s): {', '.join(missing)}")
            return
        unknown = sorted(set(data) - set(REQUIRED) - set(OPTIONAL))
        if unknown:
            self.problem(number, f"unknown field(s): {', '.join(unknown)}")
            return
        try:
            label_line = self._resolve(number, data)
        except InputError as exc:
            self.problem(number, exc.detail)
            return
        key = (label_line.sentence_id, label_line.reviewer)
        first = self.seen.setdefault(key, number)
        if first != number:
            self.problem(
                number,
                f"second label by {label_line.reviewer!r} for "
                f"{data['article']}:{data['sentence']} (first on line {first})",
            )
            return
        self.lines.append(label_line)

    def _resolve(self, number: int, data: Mapping[str, Any]) -> LabelLine:
        article, index = data["article"], data["sentence"]
        if not isinstance(article, str) or not article:
            raise InputError(f"'article' must be an article id, got {article!r}")
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            raise InputError(f"'sentence' must be a sentence index (0 or more), got {index!r}")
        reviewer = data["reviewer"]
        if not isinstance(reviewer, str):
            raise InputError(f"'reviewer' must be a name, got {reviewer!r}")
        reviewer = check_name(reviewer)
        sentences = self._sentences_of(article)
        if sentences is None:
            raise InputError(f"unknown article {article!r}")
        if index not in sentences:
            raise InputError(
                f"article {article!r} has no sentence {index} (it has {len(sentences)})"
            )
        sentence_id, text = sentences[index]
        expected = data.get("sentence_text")
        if expected is not None and expected != text:
            raise InputError(
                f"sentence_text does not match the stored sentence {article}:{index}: "
                f"{str(expected)[:60]!r} vs {text[:60]!r}"
            )
        label = parse_label(data["label"])
        note = data.get("note") or ""
        if not isinstance(note, str):
            raise InputError(f"'note' must be text, got {type(note).__name__}")
        check_note(note, what="'note'")
        raw_evidence = data.get("evidence") or []
        if not isinstance(raw_evidence, list):
            raise InputError("'evidence' must be a list of evidence items")
        evidence = []
        for position, item in enumerate(raw_evidence, 1):
            try:
                evidence.append(parse_evidence(item))
            except InputError as exc:
                raise InputError(f"evidence item {position}: {exc.detail}") from exc
        check_label_evidence(label, evidence)
        if not self._reviewer_ok(reviewer):
            raise InputError(f"reviewer {reviewer!r} is deactivated")
        version = _guideline_version(data)
        return LabelLine(number, sentence_id, reviewer, label, note, tuple(evidence), version)


def _lines(path: Path, checker: _Checker) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """Parsed objects of a JSON Lines file; undecodable lines become problems."""
    try:
        handle = open(path, "rb")  # noqa: SIM115
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", source=str(path)) from exc
    with handle:
        if b"\x00" in handle.peek(8192)[:8192]:  # peek, not read + seek: pipes cannot seek
            checker.problem(None, "binary file (NUL bytes); expected UTF-8 JSON Lines")
            return
        blank = True
        size = 0
        for number, raw in enumerate(handle, 1):
            size += len(raw)
            if number == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            if b"\x00" in raw:
                checker.problem(number, "binary data (NUL byte); expected UTF-8 JSON Lines")
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                checker.problem(number, f"not UTF-8 text (byte {exc.start + 1}); save as UTF-8")
                continue
            if not text.strip():
                continue
            blank = False
            try:
                data = orjson.loads(text.rstrip("\r\n"))
            except orjson.JSONDecodeError as exc:
                checker.problem(number, f"invalid JSON (truncated line?): {exc}")
                continue
            if not isinstance(data, dict):
                checker.problem(number, f"expected a JSON object, got {type(data).__name__}")
                continue
            yield number, data
        if blank and not checker.problems:
            what = "is empty" if size == 0 else "holds no label lines"
            checker.problem(None, f"file {what}")


def check_labels_file(session: Session, path: Path) -> list[LabelLine]:
    """Every line of ``path`` checked; raises ImportRejectedError listing each problem."""
    checker = _Checker(session=session, source=str(path))
    for number, data in _lines(path, checker):
        checker.check(number, data)
    if checker.problems:
        raise ImportRejectedError(checker.problems)
    return checker.lines


def import_labels(db: Database, path: Path) -> ImportReport:
    """Store every label of ``path`` in one transaction, or none when any line is bad."""
    with db.read() as session:
        lines = check_labels_file(session, path)
    report = ImportReport()
    try:
        with db.write() as session:
            user_ids: dict[str, int] = {}
            for item in lines:
                if item.reviewer not in user_ids:
                    user = queries.user_by_name(session, name=item.reviewer)
                    if user is None:
                        user = create_user(session, name=item.reviewer)
                        report.created_reviewers.append(user.name)
                    user_ids[item.reviewer] = user.id
            labels = [
                NewLabel(
                    item.sentence_id,
                    user_ids[item.reviewer],
                    item.label,
                    item.note,
                    item.evidence,
                    item.guideline_version,
                )
                for item in lines
            ]
            record_labels(session, labels=labels)
    except (WorkbenchError, IntegrityError) as exc:  # the database changed since pass one
        message = str(exc) if isinstance(exc, WorkbenchError) else CHANGED_MEANWHILE
        raise ImportRejectedError([InputError(f"{message}; try again", source=str(path))]) from exc
    report.labels = len(lines)
    db.refresh_statistics()
    return report
