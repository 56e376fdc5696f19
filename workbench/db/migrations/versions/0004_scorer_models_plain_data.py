"""scorer_models as plain data: drop the pickled models, add format and digest

Models were stored as joblib pickles, which run code when loaded. They are deleted unread
(never unpickled, so they cannot be converted); the sentences they had scored get the rule
score back, which is what ranks sentences until an admin retrains.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 10:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from workbench.domain.checkworthiness import score_sentence

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 10_000


def _rescore_with_rules(bind: sa.Connection) -> None:
    """Every sentence's score from the rules again, in keyset batches of ``BATCH``."""
    select = sa.text("SELECT id, text FROM sentences WHERE id > :after ORDER BY id LIMIT :limit")
    update = sa.text("UPDATE sentences SET checkworthiness = :score WHERE id = :id")
    after = 0
    while rows := bind.execute(select, {"after": after, "limit": BATCH}).all():
        scores = [{"id": key, "score": score_sentence(text).score} for key, text in rows]
        bind.execute(update, scores)
        after = rows[-1][0]


def upgrade() -> None:
    bind = op.get_bind()
    pickled = bind.execute(sa.text("SELECT count(*) FROM scorer_models")).scalar_one()
    bind.execute(sa.text("DELETE FROM scorer_models"))
    with op.batch_alter_table("scorer_models") as batch:
        batch.add_column(sa.Column("format", sa.String(40), nullable=False, server_default=""))
        batch.add_column(sa.Column("digest", sa.String(64), nullable=False, server_default=""))
    if pickled:
        _rescore_with_rules(bind)


def downgrade() -> None:
    with op.batch_alter_table("scorer_models") as batch:
        batch.drop_column("digest")
        batch.drop_column("format")
