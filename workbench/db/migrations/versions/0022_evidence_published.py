"""evidence published: an evidence item may carry its source's publication date (YYYY-MM-DD)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 15:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable without a default: existing items have an unknown date, nothing is rewritten.
    op.add_column("evidence_items", sa.Column("published", sa.String(10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("evidence_items") as batch:
        batch.drop_column("published")
