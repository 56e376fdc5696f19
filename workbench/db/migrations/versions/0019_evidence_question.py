"""evidence question: an evidence item may carry the question it answers (AVeriTeC export)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 14:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable without a default: existing items simply have no question, nothing is rewritten.
    op.add_column("evidence_items", sa.Column("question", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("evidence_items") as batch:
        batch.drop_column("question")
