"""access_tokens: personal access tokens of the REST API, stored as SHA-256 hashes

A token belongs to one account and acts with that account's role, so revoking it, or
deactivating the account, ends its use at once. Only the hash of the secret is stored; the
secret is shown once when the token is created.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 11:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "access_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_access_tokens_user", "access_tokens", ["user_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_access_tokens_user", table_name="access_tokens")
    op.drop_table("access_tokens")
