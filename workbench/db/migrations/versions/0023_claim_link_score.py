"""claim link score: the link model's probability, what links are ranked by (NULL: no model)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-08 01:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable without a default: links stored before have no score and rank by similarity
    # until `workbench retrain-links` scores them; nothing is rewritten here.
    op.add_column("claim_links", sa.Column("score", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("claim_links") as batch:
        batch.drop_column("score")
