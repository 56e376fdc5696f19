"""guidelines: labeling guidelines in versions, and the version each label was made under

A ``guidelines`` table, append-only: each save is a new row with the next ``version``. Version
1 is the packaged default (``workbench/domain/data/guidelines.md``), inserted here so a new
database starts with guidelines. A nullable ``guideline_version`` on ``annotations`` and
``gold_labels``: the version in force when the label was last saved; labels that exist before
this revision keep NULL ("before guidelines"). An index on each, so the labels made under an
older version are counted and paged along it.

The columns are added with a plain ADD COLUMN on every database: SQLite keeps the tables, and
with them the triggers 0008 put on them (a batch operation would recreate the tables and drop
the triggers).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 06:30:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import resources

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LABEL_TABLES = ("annotations", "gold_labels")


def _index(table: str) -> str:
    return f"ix_{table}_guideline_version"


def upgrade() -> None:
    op.create_table(
        "guidelines",
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("author_id", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    for table in LABEL_TABLES:
        op.add_column(table, sa.Column("guideline_version", sa.Integer, nullable=True))
        # Listed oldest first: NULL ("before guidelines"), then by version, then by id.
        first = "guideline_version NULLS FIRST" if postgresql else "guideline_version"
        bind.execute(sa.text(f"CREATE INDEX {_index(table)} ON {table} ({first}, id)"))
    text = resources.files("workbench.domain").joinpath("data/guidelines.md").read_text("utf-8")
    guidelines = sa.table(
        "guidelines",
        sa.column("version", sa.Integer),
        sa.column("text", sa.Text),
        sa.column("author_id", sa.Integer),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    op.bulk_insert(
        guidelines,
        [{"version": 1, "text": text, "author_id": None, "created_at": datetime.now(UTC)}],
    )


def downgrade() -> None:
    for table in LABEL_TABLES:
        op.drop_index(_index(table), table_name=table)
        op.drop_column(table, "guideline_version")
    op.drop_table("guidelines")
