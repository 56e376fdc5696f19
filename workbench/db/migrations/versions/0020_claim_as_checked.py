"""claim as checked: a reviewer's or editor's restatement of the sentence being checked

``annotations.claim_text`` and ``gold_labels.claim_text`` hold the claim as restated for
checking ("Pakistan lost six fighter jets on 7-10 May 2025"); NULL means the sentence text as
written, which every existing label keeps. ``drafts.claim`` keeps a restatement typed before the
sentence has a label, as ``drafts.note`` does for the note.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 14:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMNs: SQLite keeps the tables, and with them the triggers 0008 put on them.
    op.add_column("annotations", sa.Column("claim_text", sa.Text(), nullable=True))
    op.add_column("gold_labels", sa.Column("claim_text", sa.Text(), nullable=True))
    op.add_column("drafts", sa.Column("claim", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    # SQLite 3.35+ drops a column in place when nothing indexes or references it.
    op.drop_column("drafts", "claim")
    op.drop_column("gold_labels", "claim_text")
    op.drop_column("annotations", "claim_text")
