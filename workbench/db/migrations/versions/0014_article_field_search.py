"""trigram indexes on the article id, title and outlet on PostgreSQL

The article filter matches the id, title, outlet or text. 0007 indexed the text only, so the
OR of the four conditions could not use it and PostgreSQL scanned every article: 212 ms per
statement at 10,000 articles, two statements per filtered page. With a trigram index on each
field the four conditions are one BitmapOr of index scans. SQLite is unchanged: its short
fields scan quickly and the text goes through the FTS5 index of 0007.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 07:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIELDS = ("id", "title", "outlet")


def _has_trigrams(bind: sa.Connection) -> bool:
    """True when 0007 could create pg_trgm (else searches stay plain scans)."""
    found = bind.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'"))
    return found.first() is not None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql" or not _has_trigrams(bind):
        return
    for field in FIELDS:
        op.execute(
            f"CREATE INDEX IF NOT EXISTS ix_articles_{field}_trgm ON articles "
            f"USING gin ({field} gin_trgm_ops)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for field in FIELDS:
        op.execute(f"DROP INDEX IF EXISTS ix_articles_{field}_trgm")
