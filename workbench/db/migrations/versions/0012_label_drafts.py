"""drafts: a reviewer's unsaved note and evidence form on one sentence

What a reviewer types before the sentence has a label (the note) or before an evidence item is
added (the form's fields) is kept here, one row per reviewer and sentence, so moving to another
sentence or reloading the page loses nothing. Choosing the label takes the note out of the draft.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 06:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "sentence_id",
            sa.Integer(),
            sa.ForeignKey("sentences.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("evidence_form", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("user_id", "sentence_id", name="uq_draft_owner"),
    )
    op.create_index("ix_drafts_sentence", "drafts", ["sentence_id"])


def downgrade() -> None:
    op.drop_index("ix_drafts_sentence", table_name="drafts")
    op.drop_table("drafts")
