"""sentences.boilerplate, and label counts that leave boilerplate sentences out

An editor can mark a sentence as boilerplate (page furniture, not to be labeled): the new
``sentences.boilerplate`` flag, false for every stored sentence. The triggers of
``sentence_label_counts`` (0006, 0008) are rebuilt so a boilerplate sentence has no row there:
the adjudication queue, the Agreement page and the Export preview, which read those rows, then
leave it out without a join. An index on ``evidence_items.sentence_ref`` lets a merge or split
find the evidence that cites the renumbered sentences of one article by a range scan.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 06:30:00.000000
"""

import importlib.util
import re
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "sentence_label_counts"
WATCHED = "label, sentence_id, updated_at"
# Every test of "the sentence exists" in the 0008 statements also asks "and is not boilerplate".
_EXISTS = re.compile(r"SELECT 1 FROM sentences WHERE id = ([A-Za-z_.]+)\)")


def _revision_0008() -> ModuleType:
    """The 0008 migration, whose trigger statements this one rewrites (one source of truth)."""
    path = Path(__file__).with_name("0008_sentence_label_patterns.py")
    spec = importlib.util.spec_from_file_location("workbench_migration_0008", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _skipping_boilerplate(statement: str) -> str:
    return _EXISTS.sub(r"SELECT 1 FROM sentences WHERE id = \1 AND NOT boilerplate)", statement)


def _install(bind: sa.Connection, rewrite: bool) -> None:
    """The 0008 triggers, rewritten to skip boilerplate sentences (or as 0008 wrote them)."""
    m8 = _revision_0008()

    def shaped(statement: str) -> str:
        return _skipping_boilerplate(statement) if rewrite else statement

    if bind.dialect.name == "postgresql":
        # CREATE OR REPLACE drops the settings another revision gave the function
        # (``ALTER FUNCTION ... SET``); they are read first and given back.
        settings = bind.execute(
            sa.text("SELECT proconfig FROM pg_proc WHERE proname = :name"),
            {"name": f"{TABLE}_refresh"},
        ).scalar()
        refresh = m8._postgresql_refresh("GREATEST", "double precision", True)
        bind.execute(sa.text(shaped(refresh)))
        for setting in settings or []:
            name, _, value = str(setting).partition("=")
            if re.fullmatch(r"[a-z_]+", name) and re.fullmatch(r"[A-Za-z0-9_.]+", value):
                bind.execute(
                    sa.text(f"ALTER FUNCTION {TABLE}_refresh(integer) SET {name} = {value}")
                )
        return
    m8._drop_sqlite_triggers(bind)
    for statement in m8._sqlite_triggers(WATCHED):
        bind.execute(sa.text(shaped(statement)))


def upgrade() -> None:
    # A plain ADD COLUMN: SQLite keeps the table, and with it every foreign key to it.
    op.add_column(
        "sentences",
        sa.Column("boilerplate", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_sentences_boilerplate", "sentences", ["boilerplate"])
    op.create_index("ix_evidence_items_sentence_ref", "evidence_items", ["sentence_ref"])
    _install(op.get_bind(), rewrite=True)


def downgrade() -> None:
    _install(op.get_bind(), rewrite=False)
    op.drop_index("ix_evidence_items_sentence_ref", table_name="evidence_items")
    op.drop_index("ix_sentences_boilerplate", table_name="sentences")
    op.drop_column("sentences", "boilerplate")
