"""SQLAlchemy 2 models of the workbench's tables."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    """Timezone-aware current time in UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored time as an aware UTC datetime: SQLite hands back naive ones, all stored in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base of every table."""


class User(Base):
    """An account: reviewer, editor or admin."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(20), default="reviewer")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Article(Base):
    """An ingested news article; its body is stored exactly as segmented."""

    __tablename__ = "articles"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    outlet: Mapped[str | None] = mapped_column(String(200))
    author: Mapped[str | None] = mapped_column(String(300))
    published: Mapped[str | None] = mapped_column(String(10))
    source: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # When cross-article links were last computed; NULL means `workbench relink` still owes it.
    linked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)

    sentences: Mapped[list[Sentence]] = relationship(
        back_populates="article", order_by="Sentence.index", cascade="all, delete-orphan"
    )


class Sentence(Base):
    """One sentence of an article, with offsets into the article body."""

    __tablename__ = "sentences"
    __table_args__ = (UniqueConstraint("article_id", "index", name="uq_sentence_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    index: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    checkworthiness: Mapped[float] = mapped_column(Float, default=0.0)
    check_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Page furniture an editor marked: not to be labeled, left out of progress, agreement and
    # the gold of exports, kept in ``articles.jsonl`` with ``"boilerplate": true``.
    boilerplate: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false(), index=True
    )

    article: Mapped[Article] = relationship(back_populates="sentences")


class Annotation(Base):
    """A reviewer's label on a sentence; one per (sentence, reviewer)."""

    __tablename__ = "annotations"
    __table_args__ = (UniqueConstraint("sentence_id", "user_id", name="uq_annotation_owner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sentence_id: Mapped[int] = mapped_column(
        ForeignKey("sentences.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    label: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # ``evidence`` as ``encode_evidence`` writes it, stored with the rows by ``db.evidence``:
    # readers decode this one column instead of looking up evidence rows for every label.
    evidence_json: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    # The guidelines version in force when the label was last saved; NULL: before guidelines.
    guideline_version: Mapped[int | None] = mapped_column(Integer, default=None)
    # The claim as the reviewer restated it for checking; NULL: the sentence text as written.
    claim_text: Mapped[str | None] = mapped_column(Text, default=None)

    evidence: Mapped[list[EvidenceItem]] = relationship(
        order_by="EvidenceItem.position", cascade="all, delete-orphan"
    )


class EvidenceItem(Base):
    """An evidence item attached to an annotation or to a gold label."""

    __tablename__ = "evidence_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    annotation_id: Mapped[int | None] = mapped_column(
        ForeignKey("annotations.id", ondelete="CASCADE"), index=True
    )
    gold_label_id: Mapped[int | None] = mapped_column(
        ForeignKey("gold_labels.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    url: Mapped[str] = mapped_column(Text, default="")
    quote: Mapped[str] = mapped_column(Text, default="")
    stance: Mapped[str] = mapped_column(String(20), default="context")
    note: Mapped[str] = mapped_column(Text, default="")
    # Indexed so a merge or split finds the items citing one article's sentences by range.
    sentence_ref: Mapped[str | None] = mapped_column(String(250), index=True)
    # The question the item answers (AVeriTeC-style question-answer evidence), when given.
    question: Mapped[str | None] = mapped_column(Text, default=None)
    # The day the source was published (YYYY-MM-DD), when known.
    published: Mapped[str | None] = mapped_column(String(10), default=None)


class GoldLabel(Base):
    """An editor's adjudicated label for a sentence, with optimistic locking."""

    __tablename__ = "gold_labels"

    id: Mapped[int] = mapped_column(primary_key=True)
    sentence_id: Mapped[int] = mapped_column(
        ForeignKey("sentences.id", ondelete="CASCADE"), unique=True
    )
    label: Mapped[str] = mapped_column(String(20))
    rationale: Mapped[str] = mapped_column(Text, default="")
    editor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Stored as on ``Annotation.evidence_json``, by the same ``db.evidence`` functions.
    evidence_json: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    # As on ``Annotation.guideline_version``.
    guideline_version: Mapped[int | None] = mapped_column(Integer, default=None)
    # As on ``Annotation.claim_text``: the editor's restated claim, NULL for the sentence text.
    claim_text: Mapped[str | None] = mapped_column(Text, default=None)

    evidence: Mapped[list[EvidenceItem]] = relationship(
        order_by="EvidenceItem.position", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class LabelDraft(Base):
    """What a reviewer typed on a sentence and has not saved yet: note, claim, evidence form."""

    __tablename__ = "drafts"
    __table_args__ = (
        UniqueConstraint("user_id", "sentence_id", name="uq_draft_owner"),
        Index("ix_drafts_sentence", "sentence_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    sentence_id: Mapped[int] = mapped_column(ForeignKey("sentences.id", ondelete="CASCADE"))
    # The note typed before the sentence had a label; "" once the label holds it.
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The evidence form's fields (url, quote, stance, note, ref) as a JSON object.
    evidence_form: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    # The claim as checked typed before the sentence had a label; "" once the label holds it.
    claim: Mapped[str] = mapped_column(Text, default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Guideline(Base):
    """One version of the labeling guidelines; append-only, the highest version is in force."""

    __tablename__ = "guidelines"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    text: Mapped[str] = mapped_column(Text)
    # NULL for the packaged default the database started with.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(Base):
    """Append-only record of every change to an annotation or a gold label."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_sentence", "sentence_id", "at"),
        Index("ix_audit_entity", "entity", "id"),  # the newest changes of one kind
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int] = mapped_column(Integer)
    sentence_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(10))
    old: Mapped[dict[str, object] | None] = mapped_column(JSON)
    new: Mapped[dict[str, object] | None] = mapped_column(JSON)


class Assignment(Base):
    """An article in a reviewer's queue."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("article_id", "user_id", name="uq_assignment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ClaimLink(Base):
    """Two sentences of different articles that report the same claim."""

    __tablename__ = "claim_links"
    __table_args__ = (UniqueConstraint("a_sentence_id", "b_sentence_id", name="uq_claim_link"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    a_sentence_id: Mapped[int] = mapped_column(
        ForeignKey("sentences.id", ondelete="CASCADE"), index=True
    )
    b_sentence_id: Mapped[int] = mapped_column(
        ForeignKey("sentences.id", ondelete="CASCADE"), index=True
    )
    similarity: Mapped[float] = mapped_column(Float)
    conflict: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    # The link model's probability that the two are the same claim, what links are ranked by;
    # None when no link model was active when the link was made (ranked by similarity then).
    score: Mapped[float | None] = mapped_column(Float, nullable=True)


class ScorerModel(Base):
    """A trained check-worthiness model as plain data (JSON); the newest one is active."""

    __tablename__ = "scorer_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    trained_on: Mapped[int] = mapped_column(Integer)
    metrics: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    # The model document (``checkworthiness_model.dump_model``); read only by id, when a
    # process first needs this model, so listing or checking scorers never loads it.
    payload: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    # What ``payload`` holds; a row of any other format is refused without reading it.
    format: Mapped[str] = mapped_column(String(40), default="", server_default="")
    # SHA-256 of ``payload``: the key a process caches the rebuilt model under.
    digest: Mapped[str] = mapped_column(String(64), default="", server_default="")


class AccessToken(Base):
    """A personal access token of the REST API: only its SHA-256 hash is kept."""

    __tablename__ = "access_tokens"
    __table_args__ = (Index("ix_access_tokens_user", "user_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    # Hex SHA-256 of the whole secret; the secret itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The secret's first characters, so its owner can tell tokens apart ("wb_Ab12cd").
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class WebSession(Base):
    """A signed-in browser: only the SHA-256 hashes of its cookie token and hand-over code."""

    __tablename__ = "sessions"
    __table_args__ = (
        Index("ix_sessions_token_hash", "token_hash", unique=True),
        Index("ix_sessions_start_code_hash", "start_code_hash", unique=True),
        Index("ix_sessions_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The one-time code that hands the token to the browser as an HttpOnly cookie; None once used.
    start_code_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    start_code_expires_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), default=None
    )


class LoginFailure(Base):
    """Failed sign-ins from one client address in the current window."""

    __tablename__ = "login_failures"

    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    failures: Mapped[int] = mapped_column(Integer)
