"""annotations.evidence_json: each label's evidence encoded once, as the exports write it

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 20:15:00.000000
"""

from collections.abc import Sequence
from itertools import groupby

import orjson
import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 10_000


def _item(url: str, quote: str, stance: str, note: str, ref: str | None) -> dict[str, str]:
    item = {"url": url, "quote": quote, "stance": stance, "note": note}
    if ref:
        item["sentence_ref"] = ref
    return item


def upgrade() -> None:
    with op.batch_alter_table("annotations") as batch:
        batch.add_column(sa.Column("evidence_json", sa.Text(), nullable=False, server_default="[]"))
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT annotation_id, url, quote, stance, note, sentence_ref FROM evidence_items "
            "WHERE annotation_id IS NOT NULL ORDER BY annotation_id, position, id"
        ),
        execution_options={"stream_results": True, "yield_per": BATCH},
    )
    statement = sa.text("UPDATE annotations SET evidence_json = :evidence WHERE id = :id")
    updates: list[dict[str, object]] = []
    for owner, items in groupby(rows, key=lambda row: row[0]):
        evidence = orjson.dumps([_item(*row[1:]) for row in items]).decode()
        updates.append({"id": owner, "evidence": evidence})
        if len(updates) == BATCH:
            bind.execute(statement, updates)
            updates = []
    if updates:
        bind.execute(statement, updates)


def downgrade() -> None:
    with op.batch_alter_table("annotations") as batch:
        batch.drop_column("evidence_json")
