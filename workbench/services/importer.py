"""``import-labels``: reviewer labels from JSON Lines, all or nothing, every problem reported.

A file may also hold ``claims.jsonl`` records (a line with ``label_source``): the adjudicated
ones come back as gold labels with their rationale and evidence, under the editor named by
``editor``; the others follow from the reviewer labels and are only checked.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import orjson
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workbench.db import labels as gold_queries
from workbench.db import queries
from workbench.db.engine import Database
from workbench.db.evidence import evidence_of
from workbench.domain.gold import Source, check_rationale
from workbench.domain.labels import (
    Evidence,
    Label,
    Role,
    check_label_evidence,
    check_note,
    claim_as_checked,
    evidence_complete,
    missing_evidence,
    parse_evidence,
    parse_label,
)
from workbench.errors import InputError, WorkbenchError
from workbench.services.adjudicate import adjudicate
from workbench.services.reviewer_labels import NewLabel, record_labels
from workbench.services.users import check_name, create_user

REQUIRED = ("article", "sentence", "reviewer", "label")
OPTIONAL = (
    "note",
    "evidence",
    "evidence_complete",
    "guideline_version",
    "claim",
    "sentence_text",
)
# The fields of a claims.jsonl record; only the sentence, verdict, rationale, evidence and claim
# are read.
CLAIM_REQUIRED = ("article", "sentence", "label", "label_source")
CLAIM_OPTIONAL = (
    "id",
    "claim",
    "context",
    "evidence",
    "evidence_complete",
    "guideline_version",
    "rationale",
    "annotations",
    "agreement",
    "related",
)
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
    # The claim as checked; None: the sentence text as written.
    claim: str | None = None


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


@dataclass(frozen=True, slots=True)
class GoldLine:
    """One validated adjudicated claim record: which sentence and the editor's verdict."""

    line: int
    sentence_id: int
    label: Label
    rationale: str
    evidence: tuple[Evidence, ...]
    claim: str | None = None


@dataclass
class CheckedFile:
    """Pass one's result: the labels and gold labels to store, and a warning per incomplete one."""

    lines: list[LabelLine] = field(default_factory=list)
    gold: list[GoldLine] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    derived: int = 0


@dataclass
class ImportReport:
    """What an import stored, and one warning line per label stored as incomplete."""

    labels: int = 0
    gold: int = 0
    created_reviewers: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Checker:
    """Pass one: parse and check every line against the database, collecting problems."""

    session: Session
    source: str
    editor: str | None = None
    # When set, every label line must be this reviewer's (a reviewer importing their own).
    only_reviewer: str | None = None
    problems: list[InputError] = field(default_factory=list)
    checked: CheckedFile = field(default_factory=CheckedFile)
    sentences: dict[str, dict[int, tuple[int, str]] | None] = field(default_factory=dict)
    reviewers: dict[str, bool] | None = None
    seen: dict[tuple[int, str], int] = field(default_factory=dict)
    seen_gold: dict[int, int] = field(default_factory=dict)

    def problem(self, line: int | None, message: str) -> None:
        self.problems.append(InputError(message, source=self.source, line=line))

    def warn(self, line: int, what: str, label: Label, where: str) -> None:
        """One warning line for a label stored before its evidence (*incomplete*)."""
        self.checked.warnings.append(
            f"{self.source}:{line}: warning: {what} on sentence {where}: "
            f"{missing_evidence(label)}; stored as incomplete"
        )

    def _sentences_by_index(self, article_id: str) -> dict[int, tuple[int, str]] | None:
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
        if "label_source" in data:
            self.check_claim(number, data)
            return
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
        self.checked.lines.append(label_line)
        if not evidence_complete(label_line.label, label_line.evidence):
            where = f"{data['article']}:{data['sentence']}"
            self.warn(number, f"{label_line.reviewer}'s label", label_line.label, where)

    def check_claim(self, number: int, data: Mapping[str, Any]) -> None:
        """Check one claims.jsonl record; an adjudicated one is kept as a gold label."""
        missing = [name for name in CLAIM_REQUIRED if name not in data]
        unknown = sorted(set(data) - set(CLAIM_REQUIRED) - set(CLAIM_OPTIONAL))
        if missing or unknown:
            what = f"missing field(s): {', '.join(missing)}" if missing else ""
            what += "; " if missing and unknown else ""
            what += f"unknown field(s): {', '.join(unknown)}" if unknown else ""
            self.problem(number, f"claim record: {what}")
            return
        try:
            gold = self._resolve_claim(number, data)
        except InputError as exc:
            self.problem(number, f"claim record: {exc.detail}")
            return
        if gold is None:
            self.checked.derived += 1
            return
        first = self.seen_gold.setdefault(gold.sentence_id, number)
        if first != number:
            self.problem(number, f"second claim record for its sentence (first on line {first})")
            return
        self.checked.gold.append(gold)
        if not evidence_complete(gold.label, gold.evidence):
            where = f"{data['article']['id']}:{data['sentence']['index']}"
            self.warn(number, "gold label", gold.label, where)

    def _resolve_claim(self, number: int, data: Mapping[str, Any]) -> GoldLine | None:
        article, sentence = data["article"], data["sentence"]
        if not isinstance(article, Mapping) or not isinstance(sentence, Mapping):
            raise InputError("'article' and 'sentence' must be objects as claims.jsonl writes")
        sentence_id, text = self._sentence(
            article.get("id"), sentence.get("index"), sentence.get("text")
        )
        source = data["label_source"]
        if source not in tuple(s.value for s in Source):
            allowed = ", ".join(s.value for s in Source)
            raise InputError(f"bad label_source {source!r}; expected one of {allowed}")
        label = parse_label(data["label"])
        evidence = self._evidence(data, label)
        if source != Source.ADJUDICATED:
            return None  # follows from the reviewer labels
        rationale = data.get("rationale")
        if not isinstance(rationale, str) or not rationale.strip():
            raise InputError("an adjudicated record needs its 'rationale' (text)")
        if self.editor is None:
            raise InputError("adjudicated records need --editor NAME (who stores the gold labels)")
        claim = _claim(data, text)
        return GoldLine(number, sentence_id, label, check_rationale(rationale), evidence, claim)

    def _sentence(self, article: object, index: object, expected: object) -> tuple[int, str]:
        """The id and text of sentence ``index`` of ``article``, or InputError."""
        if not isinstance(article, str) or not article:
            raise InputError(f"'article' must be an article id, got {article!r}")
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            raise InputError(f"'sentence' must be a sentence index (0 or more), got {index!r}")
        sentences = self._sentences_by_index(article)
        if sentences is None:
            raise InputError(f"unknown article {article!r}")
        if index not in sentences:
            raise InputError(
                f"article {article!r} has no sentence {index} (it has {len(sentences)})"
            )
        sentence_id, text = sentences[index]
        if expected is not None and expected != text:
            raise InputError(
                f"sentence_text does not match the stored sentence {article}:{index}: "
                f"{str(expected)[:60]!r} vs {text[:60]!r}"
            )
        return sentence_id, text

    @staticmethod
    def _evidence(data: Mapping[str, Any], label: Label) -> tuple[Evidence, ...]:
        """The line's evidence items, checked against the verdict and ``evidence_complete``."""
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
        given = data.get("evidence_complete")
        complete = evidence_complete(label, evidence)
        if given is not None and given is not complete:
            if not isinstance(given, bool):
                raise InputError(f"'evidence_complete' must be true or false, got {given!r}")
            says = missing_evidence(label) if given else "its evidence is complete"
            raise InputError(f"'evidence_complete' is {str(given).lower()} but {says}")
        return tuple(evidence)

    def _resolve(self, number: int, data: Mapping[str, Any]) -> LabelLine:
        reviewer = data["reviewer"]
        if not isinstance(reviewer, str):
            raise InputError(f"'reviewer' must be a name, got {reviewer!r}")
        where = (data["article"], data["sentence"], data.get("sentence_text"))
        sentence_id, text = self._sentence(*where)
        reviewer = check_name(reviewer)
        label = parse_label(data["label"])
        note = data.get("note") or ""
        if not isinstance(note, str):
            raise InputError(f"'note' must be text, got {type(note).__name__}")
        check_note(note, what="'note'")
        evidence = self._evidence(data, label)
        if self.only_reviewer is not None and reviewer != self.only_reviewer:
            raise InputError(
                f"reviewer {reviewer!r} is not you ({self.only_reviewer!r}); "
                "only an admin imports other reviewers' labels"
            )
        if not self._reviewer_ok(reviewer):
            raise InputError(f"reviewer {reviewer!r} is deactivated")
        version = _guideline_version(data)
        claim = _claim(data, text)
        return LabelLine(number, sentence_id, reviewer, label, note, evidence, version, claim)


def _claim(data: Mapping[str, Any], sentence_text: str) -> str | None:
    """The line's claim as checked: None when absent, empty or the sentence text itself."""
    claim = data.get("claim")
    if claim is not None and not isinstance(claim, str):
        raise InputError(f"'claim' must be text, got {type(claim).__name__}")
    return claim_as_checked(claim, sentence_text)


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


def check_labels_file(
    session: Session,
    *,
    path: Path,
    editor: str | None = None,
    source: str | None = None,
    only_reviewer: str | None = None,
) -> CheckedFile:
    """Every line of ``path`` checked; raises ImportRejectedError listing each problem.

    Messages name the file as ``source`` (default: the path); ``only_reviewer`` refuses label
    lines of any other reviewer.
    """
    checker = _Checker(
        session=session, source=source or str(path), editor=editor, only_reviewer=only_reviewer
    )
    for number, data in _lines(path, checker):
        checker.check(number, data)
    if checker.checked.gold and editor is not None:
        try:
            _editor_id(session, editor)
        except InputError as exc:
            checker.problem(None, exc.detail)
    if checker.problems:
        raise ImportRejectedError(checker.problems)
    return checker.checked


def _editor_id(session: Session, name: str) -> int:
    """The id of the active editor (or admin) account ``name``, or InputError."""
    user = queries.user_by_name(session, name=name)
    if user is None or not user.active or not Role(user.role).allows(Role.EDITOR):
        raise InputError(f"--editor {name!r} must be an active editor or admin account")
    return user.id


def _store_gold(session: Session, *, editor_id: int, item: GoldLine) -> bool:
    """Store one imported gold label (audited); False when the same one is already stored."""
    current = gold_queries.gold_for(session, sentence_id=item.sentence_id)
    stored = (
        (current.label, current.rationale, evidence_of(current), current.claim_text)
        if current is not None
        else None
    )
    if stored == (item.label.value, item.rationale, item.evidence, item.claim):
        return False
    adjudicate(
        session,
        editor_id=editor_id,
        sentence_id=item.sentence_id,
        label=item.label,
        rationale=item.rationale,
        evidence=item.evidence,
        claim=item.claim,
        expected_version=current.version if current is not None else None,
    )
    return True


def import_labels(
    db: Database,
    *,
    path: Path,
    editor: str | None = None,
    source: str | None = None,
    only_reviewer: str | None = None,
) -> ImportReport:
    """Store every label of ``path`` in one transaction, or none when any line is bad.

    Labels stored before their evidence are *incomplete*: each gets one line in ``warnings``.
    ``source`` and ``only_reviewer`` are as for ``check_labels_file``.

    Takes the ``Database``: the file is checked in a read transaction first, so a bad file
    never takes the write lock, then stored in one write transaction.
    """
    with db.read() as session:
        checked = check_labels_file(
            session, path=path, editor=editor, source=source, only_reviewer=only_reviewer
        )
    report = ImportReport(warnings=checked.warnings)
    try:
        with db.write() as session:
            user_ids: dict[str, int] = {}
            for item in checked.lines:
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
                    item.claim,
                )
                for item in checked.lines
            ]
            record_labels(session, labels=labels)
            if checked.gold:
                assert editor is not None  # checked: adjudicated records need an editor
                editor_id = _editor_id(session, editor)
                for gold in checked.gold:
                    _store_gold(session, editor_id=editor_id, item=gold)
    except (WorkbenchError, IntegrityError) as exc:  # the database changed since pass one
        message = str(exc) if isinstance(exc, WorkbenchError) else CHANGED_MEANWHILE
        where = source or str(path)
        raise ImportRejectedError([InputError(f"{message}; try again", source=where)]) from exc
    report.labels = len(checked.lines)
    report.gold = len(checked.gold)
    db.refresh_statistics()
    return report
