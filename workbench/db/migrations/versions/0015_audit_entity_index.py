"""an index of the audit log by entity, newest first

The Users page lists the newest account changes: ``WHERE entity = 'account' ORDER BY id DESC
LIMIT 20``. Without an index that statement walks the whole log backwards, a million label
changes on a desk's year of work, before it finds (or fails to find) twenty account rows.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 08:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_audit_entity", "audit_log", ["entity", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_entity", table_name="audit_log")
