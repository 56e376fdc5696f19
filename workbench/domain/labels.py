"""Labels, evidence stances and the rules that tie a verdict to its evidence."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import orjson

from workbench.errors import InputError


class Label(enum.StrEnum):
    """A reviewer's verdict on one sentence."""

    VERIFIED = "verified"
    DISPUTED = "disputed"
    UNSOURCED = "unsourced"
    NOT_A_CLAIM = "not_a_claim"


class Stance(enum.StrEnum):
    """How an evidence item bears on the claim."""

    SUPPORTS = "supports"
    REFUTES = "refutes"
    CONTEXT = "context"


class Role(enum.StrEnum):
    """What an account may do; each role includes the ones before it."""

    REVIEWER = "reviewer"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        """Position in the hierarchy reviewer < editor < admin."""
        return _ROLE_RANK[self]

    def allows(self, required: Role) -> bool:
        """True when this role has at least the rights of ``required``."""
        return self.rank >= required.rank

    @property
    def with_article(self) -> str:
        """The role with its indefinite article: "a reviewer", "an editor", "an admin"."""
        return f"{'an' if self.value[0] in 'aeiou' else 'a'} {self.value}"


_ROLE_RANK = {Role.REVIEWER: 0, Role.EDITOR: 1, Role.ADMIN: 2}

LABELS: tuple[str, ...] = tuple(label.value for label in Label)
CLAIM_LABELS: tuple[str, ...] = (Label.VERIFIED, Label.DISPUTED, Label.UNSOURCED)
STANCES: tuple[str, ...] = tuple(stance.value for stance in Stance)
MAX_URL_LENGTH = 2048
MAX_QUOTE_LENGTH = 10_000
MAX_NOTE_LENGTH = 10_000
# The claim as checked is one restated sentence, not an essay.
MAX_CLAIM_LENGTH = 1_000
MAX_QUESTION_LENGTH = 1_000


@dataclass(frozen=True, slots=True)
class Evidence:
    """One evidence item attached to a label."""

    url: str
    quote: str = ""
    stance: str = Stance.CONTEXT.value
    note: str = ""
    sentence_ref: str | None = None
    # The question this item answers (AVeriTeC's question-answer evidence); optional.
    question: str | None = None
    # The day the source was published, ``YYYY-MM-DD``; None when unknown.
    published: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain dict in the file formats' field order, without empty optional fields."""
        data = asdict(self)
        if not data["sentence_ref"]:
            del data["sentence_ref"]
        if not data["question"]:
            del data["question"]
        if not data["published"]:
            del data["published"]
        return data


def encode_evidence(evidence: Iterable[Evidence]) -> str:
    """Evidence items as the JSON array every export format writes and the database stores.

    The one encoder of evidence: ``decode_evidence`` is its inverse.
    """
    return orjson.dumps([item.to_dict() for item in evidence]).decode("utf-8")


def decode_evidence(encoded: str | bytes) -> tuple[Evidence, ...]:
    """The evidence items of a JSON array written by ``encode_evidence``, in stored order."""
    items = orjson.loads(encoded)
    if not isinstance(items, list):
        raise InputError(f"stored evidence must be a JSON array, got {type(items).__name__}")
    return tuple(
        Evidence(
            url=item.get("url") or "",
            quote=item.get("quote") or "",
            stance=item.get("stance") or Stance.CONTEXT.value,
            note=item.get("note") or "",
            sentence_ref=item.get("sentence_ref") or None,
            question=item.get("question") or None,
            published=item.get("published") or None,
        )
        for item in items
    )


def parse_label(value: object) -> Label:
    """Return the Label for ``value`` or raise InputError naming the allowed values."""
    if isinstance(value, str):
        try:
            return Label(value.strip().lower())
        except ValueError:
            pass
    raise InputError(f"bad label {value!r}; expected one of {', '.join(LABELS)}")


def validate_url(url: object) -> str:
    """Return a stripped http(s) URL or raise InputError (no javascript:, data:, file:)."""
    if not isinstance(url, str) or not url.strip():
        raise InputError("evidence url is empty")
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        raise InputError(f"evidence url is longer than {MAX_URL_LENGTH} characters")
    return check_http_url(url, "evidence url")


def check_http_url(url: str, what: str) -> str:
    """Return ``url`` when it is an http(s) URL with a host and no whitespace, else raise
    InputError naming it ``what`` (and quoting its first 80 characters)."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise InputError(f"{what} must start with http:// or https://, got {url[:80]!r}")
    if any(ch.isspace() for ch in url):
        raise InputError(f"{what} contains whitespace: {url[:80]!r}")
    return url


def parse_sentence_ref(value: object) -> str:
    """Return a ``"<article id>:<index>"`` reference or raise InputError."""
    if not isinstance(value, str) or ":" not in value:
        raise InputError(f"sentence_ref must look like '<article id>:<index>', got {value!r}")
    article, _, index = value.rpartition(":")
    if not article or not index.isdigit():
        raise InputError(f"sentence_ref must look like '<article id>:<index>', got {value!r}")
    return f"{article}:{int(index)}"


def parse_published(value: object) -> str | None:
    """A source's publication date as ``YYYY-MM-DD``, None when empty (unknown), or InputError.

    Takes a ``date`` too (what a date picker gives).
    """
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()[:10]
    if not isinstance(value, str):
        raise InputError(
            f"evidence published must be a date as YYYY-MM-DD, got {type(value).__name__}"
        )
    text = value.strip()
    if not text:
        return None
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise InputError(
            f"evidence published must be a date as YYYY-MM-DD, e.g. 2024-03-01; got {text[:40]!r}"
        ) from None


def published_after(evidence_published: str | None, article_published: str | None) -> bool:
    """True when a source was published after the article: both dates known, the source's
    later (dates as ``YYYY-MM-DD``; an article date with a time counts by its day)."""
    if not evidence_published or not article_published:
        return False
    return evidence_published[:10] > article_published[:10]


def parse_evidence(item: Mapping[str, Any]) -> Evidence:
    """Build an Evidence from a mapping, validating URL, stance and text lengths."""
    if not isinstance(item, Mapping):
        raise InputError(f"evidence item must be an object, got {type(item).__name__}")
    stance = item.get("stance") or Stance.CONTEXT.value
    if stance not in STANCES:
        raise InputError(f"bad evidence stance {stance!r}; expected one of {', '.join(STANCES)}")
    quote = item.get("quote") or ""
    note = item.get("note") or ""
    question = item.get("question") or ""
    if not isinstance(quote, str) or not isinstance(note, str):
        raise InputError("evidence quote and note must be text")
    if not isinstance(question, str):
        raise InputError(f"evidence question must be text, got {type(question).__name__}")
    question = question.strip()
    if len(question) > MAX_QUESTION_LENGTH:
        raise InputError(
            f"evidence question is {len(question):,} characters long; "
            f"at most {MAX_QUESTION_LENGTH:,} are allowed"
        )
    if len(quote) > MAX_QUOTE_LENGTH or len(note) > MAX_NOTE_LENGTH:
        raise InputError("evidence quote or note is too long (10,000 characters at most)")
    ref = item.get("sentence_ref")
    sentence_ref = parse_sentence_ref(ref) if ref else None
    published = parse_published(item.get("published"))
    raw_url = item.get("url")
    if sentence_ref and not raw_url:
        url = ""
    else:
        url = validate_url(raw_url)
    return Evidence(
        url=url,
        quote=quote,
        stance=stance,
        note=note,
        sentence_ref=sentence_ref,
        question=question or None,
        published=published,
    )


def check_note(note: str, *, what: str = "note") -> str:
    """Return ``note`` unchanged, or raise InputError when it is longer than the limit.

    A long note is refused, never cut: the person keeps what they typed and can shorten it.
    """
    if len(note) > MAX_NOTE_LENGTH:
        raise InputError(
            f"{what} is {len(note):,} characters long; at most {MAX_NOTE_LENGTH:,} are allowed"
        )
    return note


def claim_as_checked(claim: object, sentence_text: str) -> str | None:
    """The restated claim to store for a sentence: None when it is empty or the sentence itself.

    Surrounding whitespace goes; a claim longer than ``MAX_CLAIM_LENGTH`` is refused with
    InputError, never cut, so the person keeps what they typed and can shorten it.
    """
    if claim is None:
        return None
    if not isinstance(claim, str):
        raise InputError(f"claim as checked must be text, got {type(claim).__name__}")
    restated = claim.strip()
    if not restated or restated == sentence_text.strip():
        return None
    if len(restated) > MAX_CLAIM_LENGTH:
        raise InputError(
            f"claim as checked is {len(restated):,} characters long; "
            f"at most {MAX_CLAIM_LENGTH:,} are allowed"
        )
    return restated


def _audited(item: Evidence) -> dict[str, Any]:
    """Every field of an evidence item; an unset question or date is left out, as in the files."""
    data = asdict(item)
    for optional in ("question", "published"):
        if not data[optional]:
            del data[optional]
    return data


def label_snapshot(
    label: str, note: str, evidence: Iterable[Evidence], claim: str | None = None
) -> dict[str, Any]:
    """The audited state of a reviewer's label: verdict, note, every evidence field, and the
    restated claim when there is one (absent otherwise, so older rows read the same)."""
    snapshot = {"label": label, "note": note, "evidence": [_audited(item) for item in evidence]}
    if claim:
        snapshot["claim"] = claim
    return snapshot


def gold_snapshot(
    label: str,
    rationale: str,
    version: int,
    evidence: Iterable[Evidence],
    claim: str | None = None,
) -> dict[str, Any]:
    """The audited state of a gold label: verdict, rationale, version, every evidence field and
    the restated claim when there is one."""
    snapshot: dict[str, Any] = {
        "label": label,
        "rationale": rationale,
        "version": version,
        "evidence": [_audited(item) for item in evidence],
    }
    if claim:
        snapshot["claim"] = claim
    return snapshot


# The stance a verdict's evidence must include, and how the app names such evidence.
REQUIRED_STANCE: dict[Label, tuple[Stance, str]] = {
    Label.VERIFIED: (Stance.SUPPORTS, "supporting"),
    Label.DISPUTED: (Stance.REFUTES, "refuting"),
}
NO_EVIDENCE = "a 'not_a_claim' label takes no evidence"


def takes_evidence(label: Label | str) -> bool:
    """False for the one verdict that takes no evidence (``not_a_claim``)."""
    return parse_label(label) is not Label.NOT_A_CLAIM


def needed_evidence(label: Label | str) -> str | None:
    """How the evidence a verdict needs is named ("supporting", "refuting"), or None."""
    required = REQUIRED_STANCE.get(parse_label(label))
    return required[1] if required else None


def _stance(item: Evidence | Mapping[str, Any]) -> object:
    return item.get("stance") if isinstance(item, Mapping) else item.stance


def evidence_complete(label: Label | str, evidence: Iterable[Evidence | Mapping[str, Any]]) -> bool:
    """True when the evidence meets the verdict's rule: verified needs an item that supports it,
    disputed one that refutes it; every other verdict is complete as it is.

    The one place the rule lives. A verdict may be saved before its evidence (in the app, by
    ``import-labels``, as a gold label); until the rule holds the label is *incomplete*. Items
    may be ``Evidence`` or the plain objects the file formats hold.
    """
    required = REQUIRED_STANCE.get(parse_label(label))
    return required is None or any(_stance(item) == required[0] for item in evidence)


def missing_evidence(label: Label | str) -> str:
    """Why a label that ``evidence_complete`` calls incomplete is so, as one phrase."""
    verdict = parse_label(label)
    required = REQUIRED_STANCE.get(verdict)
    if required is None:
        return f"a '{verdict.value}' label needs no evidence"
    return f"a '{verdict.value}' label has no evidence item that {required[0].value} it yet"


def check_label_evidence(label: Label, evidence: Iterable[Evidence]) -> None:
    """Refuse evidence on the one verdict that takes none; missing evidence is only *incomplete*."""
    if not takes_evidence(label) and any(True for _ in evidence):
        raise InputError(NO_EVIDENCE)
