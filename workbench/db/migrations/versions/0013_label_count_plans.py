"""sentence_label_counts' PostgreSQL refresh reads along indexes, whatever the statistics say

Each trigger call of ``sentence_label_counts_refresh`` looks up one sentence's annotations,
gold labels and counts row by key. PostgreSQL plans those statements from the tables'
statistics; a bulk import into a fresh database (``workbench import-labels``) grows
``annotations`` inside one transaction while its statistics still say it is empty, so the
plans scan the table for every inserted label and the import turns quadratic: 22,370 labels
into a new database took 103 s with table scans and 11.7 s along the indexes. The function now
runs with ``enable_seqscan = off``: every statement in it is a lookup by key, for which the
index is right at any size. SQLite plans those lookups along the indexes without statistics.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 07:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FUNCTION = "sentence_label_counts_refresh(integer)"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.text(f"ALTER FUNCTION {FUNCTION} SET enable_seqscan = off"))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.text(f"ALTER FUNCTION {FUNCTION} RESET enable_seqscan"))
