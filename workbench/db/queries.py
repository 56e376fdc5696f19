"""Read queries shared by the services and the app; they never commit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from workbench.db.models import Annotation, Article, Sentence, User


@dataclass(frozen=True, slots=True)
class ArticleProgress:
    """An article with how many of its sentences one reviewer has labeled."""

    id: str
    title: str
    outlet: str | None
    published: str | None
    sentences: int
    labeled: int
    assigned: bool = False


def user_by_name(session: Session, *, name: str) -> User | None:
    """The account called ``name`` (case-sensitive), or None."""
    return session.scalar(select(User).where(User.name == name))


def count_users(session: Session) -> int:
    """Number of accounts."""
    return session.scalar(select(func.count()).select_from(User)) or 0


def list_users(session: Session) -> list[User]:
    """Every account, by name."""
    return list(session.scalars(select(User).order_by(User.name)))


def article_by_hash(session: Session, *, content_hash: str) -> Article | None:
    """The article with this content hash, or None."""
    return session.scalar(select(Article).where(Article.content_hash == content_hash))


def all_article_ids(session: Session) -> list[str]:
    """Every article id, sorted."""
    return list(session.scalars(select(Article.id).order_by(Article.id)))


def get_article(session: Session, *, article_id: str) -> Article | None:
    """The article with its sentences loaded, or None."""
    return session.scalar(
        select(Article).where(Article.id == article_id).options(selectinload(Article.sentences))
    )


def sentence_at(session: Session, *, article_id: str, index: int) -> Sentence | None:
    """The sentence at ``index`` of an article, or None."""
    return session.scalar(
        select(Sentence).where(Sentence.article_id == article_id, Sentence.index == index)
    )


def annotation_for(session: Session, *, sentence_id: int, user_id: int) -> Annotation | None:
    """One reviewer's annotation on one sentence, with evidence, or None."""
    return session.scalar(
        select(Annotation)
        .where(Annotation.sentence_id == sentence_id, Annotation.user_id == user_id)
        .options(selectinload(Annotation.evidence))
    )


def label_map(session: Session, *, user_id: int, article_id: str) -> dict[int, str]:
    """This reviewer's label per sentence index of one article (no other reviewer's labels)."""
    rows = session.execute(
        select(Sentence.index, Annotation.label)
        .join(Annotation, Annotation.sentence_id == Sentence.id)
        .where(Sentence.article_id == article_id, Annotation.user_id == user_id)
    )
    return dict(rows.all())
