"""gold_labels.evidence_json: gold evidence stored as reviewer evidence is

Each gold label's evidence encoded once, in the column and format ``annotations.evidence_json``
has had since 0003, so reviewer labels and gold labels are read and written alike. The evidence
rows stay, so a downgrade only drops the column and loses nothing.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 21:20:00.000000
"""

from collections.abc import Sequence
from itertools import groupby

import orjson
import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 10_000


def _item(url: str, quote: str, stance: str, note: str, ref: str | None) -> dict[str, str]:
    # The encoding of ``domain.labels.encode_evidence`` when this revision was written.
    item = {"url": url, "quote": quote, "stance": stance, "note": note}
    if ref:
        item["sentence_ref"] = ref
    return item


def upgrade() -> None:
    # A plain ADD COLUMN: SQLite keeps the table, and with it the triggers 0008 put on it.
    op.add_column(
        "gold_labels", sa.Column("evidence_json", sa.Text(), nullable=False, server_default="[]")
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT gold_label_id, url, quote, stance, note, sentence_ref FROM evidence_items "
            "WHERE gold_label_id IS NOT NULL ORDER BY gold_label_id, position, id"
        ),
        execution_options={"stream_results": True, "yield_per": BATCH},
    )
    statement = sa.text("UPDATE gold_labels SET evidence_json = :evidence WHERE id = :id")
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
    op.drop_column("gold_labels", "evidence_json")
