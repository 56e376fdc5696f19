"""link index: per-sentence terms (postings) and term counts for bounded link candidates

Existing linkable sentences are indexed in keyset batches. Links stored before the cap per
sentence are kept as they are; articles linked from now on keep every sentence within it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 16:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from workbench.domain.claim_links import index_terms

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5_000


def _index_existing(bind: sa.Connection) -> None:
    """Postings and term counts of every stored sentence, built in batches of ``BATCH``."""
    select = sa.text("SELECT id, text FROM sentences WHERE id > :after ORDER BY id LIMIT :limit")
    counts: dict[str, int] = {}
    postings: list[tuple[str, int]] = []
    after = 0
    while rows := bind.execute(select, {"after": after, "limit": BATCH}).all():
        for key, text in rows:
            for term in sorted(index_terms(text)):
                counts[term] = counts.get(term, 0) + 1
                postings.append((term, key))
        after = rows[-1][0]
    if not counts:
        return
    ids = {term: n for n, term in enumerate(sorted(counts), start=1)}
    bind.execute(
        sa.text("INSERT INTO link_terms (id, term, sentences) VALUES (:id, :term, :n)"),
        [{"id": ids[term], "term": term, "n": n} for term, n in counts.items()],
    )
    if bind.dialect.name == "postgresql":
        bind.execute(
            sa.text("SELECT setval(pg_get_serial_sequence('link_terms', 'id'), :top)"),
            {"top": len(ids)},
        )
    insert = sa.text("INSERT INTO sentence_terms (term_id, sentence_id) VALUES (:term, :key)")
    for start in range(0, len(postings), BATCH):
        bind.execute(
            insert,
            [{"term": ids[term], "key": key} for term, key in postings[start : start + BATCH]],
        )


def upgrade() -> None:
    op.create_table(
        "link_terms",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("term", sa.String(64), nullable=False),
        sa.Column("sentences", sa.Integer(), nullable=False),
        sa.UniqueConstraint("term", name="uq_link_terms_term"),
    )
    op.create_table(
        "sentence_terms",
        sa.Column("term_id", sa.Integer(), sa.ForeignKey("link_terms.id"), primary_key=True),
        sa.Column(
            "sentence_id",
            sa.Integer(),
            sa.ForeignKey("sentences.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_index("ix_sentence_terms_sentence_id", "sentence_terms", ["sentence_id"])
    _index_existing(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_sentence_terms_sentence_id", table_name="sentence_terms")
    op.drop_table("sentence_terms")
    op.drop_table("link_terms")
