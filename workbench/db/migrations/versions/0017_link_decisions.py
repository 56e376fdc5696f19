"""link decisions: reviewers confirm or reject suggested claim links and their conflict flags

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "link_decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "a_sentence_id",
            sa.Integer(),
            sa.ForeignKey("sentences.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "b_sentence_id",
            sa.Integer(),
            sa.ForeignKey("sentences.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("same_claim", sa.Boolean(), nullable=True),
        sa.Column("conflict", sa.Boolean(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("a_sentence_id", "b_sentence_id", "user_id", name="uq_link_decision"),
    )
    op.create_index("ix_link_decisions_a_sentence_id", "link_decisions", ["a_sentence_id"])
    op.create_index("ix_link_decisions_b_sentence_id", "link_decisions", ["b_sentence_id"])
    op.create_index("ix_link_decisions_user", "link_decisions", ["user_id", "id"])


def downgrade() -> None:
    op.drop_table("link_decisions")
