"""sentence_label_counts: each sentence's label counts, kept true by triggers

One row per sentence that has a reviewer label or a gold label: how many reviewers gave each
label, and the columns the adjudication queue is ordered and filtered by (the share of the most
given label, how many different labels, whether it is contested, whether it is adjudicated).
Triggers on ``annotations`` and ``gold_labels`` recount a sentence's row from its annotations
whenever one of its labels is written, changed or deleted, whatever the path (the app, the bulk
label import, a cascade). On PostgreSQL the row is locked before the recount, so two reviewers
labelling the same sentence at once cannot lose each other's label.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 16:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "sentence_label_counts"
LABELS = ("verified", "disputed", "unsourced", "not_a_claim")
RAW = [f"n_{label}" for label in LABELS]
ORDER = ["share", "minus_distinct", "minus_labels", "sentence_id"]


def _raw_values(target: str) -> str:
    """SELECT list of one sentence's raw counts, recounted from its annotations."""
    counts = ", ".join(
        f"COALESCE(SUM(CASE WHEN label = '{x}' THEN 1 ELSE 0 END), 0)" for x in LABELS
    )
    gold = f"(SELECT COUNT(*) FROM gold_labels WHERE sentence_id = {target})"
    return (
        f"SELECT {target}, {counts}, COUNT(*), {gold} FROM annotations "
        f"WHERE sentence_id = {target} "
        f"HAVING EXISTS (SELECT 1 FROM sentences WHERE id = {target})"
    )


def _derived(greatest: str, real: str) -> str:
    """SET clause of the columns computed from the raw counts (of the row being updated)."""
    present = " + ".join(f"(CASE WHEN {c} > 0 THEN 1 ELSE 0 END)" for c in RAW)
    top = f"{greatest}({', '.join(RAW)})"
    return (
        f"distinct_labels = {present}, minus_distinct = -({present}), "
        f"top_count = {top}, minus_labels = -n_labels, "
        f"share = CASE WHEN n_labels > 0 THEN CAST({top} AS {real}) / n_labels ELSE 0 END, "
        f"contested = CASE WHEN {present} > 1 THEN 1 ELSE 0 END"
    )


def _refresh(target: str, greatest: str, real: str) -> list[str]:
    """Statements that make the row of sentence ``target`` equal to a recount."""
    columns = ", ".join(["sentence_id", *RAW, "n_labels", "adjudicated"])
    updates = ", ".join(f"{c} = excluded.{c}" for c in [*RAW, "n_labels", "adjudicated"])
    return [
        f"INSERT INTO {TABLE} ({columns}) {_raw_values(target)} "
        f"ON CONFLICT (sentence_id) DO UPDATE SET {updates}",
        f"UPDATE {TABLE} SET {_derived(greatest, real)} WHERE sentence_id = {target}",
        f"DELETE FROM {TABLE} WHERE sentence_id = {target} AND ((n_labels = 0 AND "
        f"adjudicated = 0) OR NOT EXISTS (SELECT 1 FROM sentences WHERE id = {target}))",
    ]


def _sqlite_triggers() -> list[str]:
    def body(*targets: str) -> str:
        return " ".join(s + ";" for t in targets for s in _refresh(t, "max", "REAL"))

    return [
        f"CREATE TRIGGER {TABLE}_{table}_{event} AFTER {when} ON {table} BEGIN {body(*targets)} END"
        for table in ("annotations", "gold_labels")
        for event, when, targets in (
            ("insert", "INSERT", ("NEW.sentence_id",)),
            ("update", "UPDATE OF label, sentence_id", ("OLD.sentence_id", "NEW.sentence_id")),
            ("delete", "DELETE", ("OLD.sentence_id",)),
        )
        if not (table == "gold_labels" and event == "update")
    ]


def _postgresql_functions() -> list[str]:
    statements = " ".join(s + ";" for s in _refresh("target", "GREATEST", "double precision"))
    refresh = f"""
CREATE FUNCTION {TABLE}_refresh(target integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    -- Lock the row first: the recount below then runs on a snapshot taken after any
    -- concurrent writer of this sentence has committed.
    INSERT INTO {TABLE} (sentence_id) SELECT target
        WHERE EXISTS (SELECT 1 FROM sentences WHERE id = target)
        ON CONFLICT (sentence_id) DO NOTHING;
    PERFORM 1 FROM {TABLE} WHERE sentence_id = target FOR UPDATE;
    {statements}
END $$"""
    trigger = f"""
CREATE FUNCTION {TABLE}_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM {TABLE}_refresh(OLD.sentence_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.sentence_id <> OLD.sentence_id) THEN
        PERFORM {TABLE}_refresh(NEW.sentence_id);
    END IF;
    RETURN NULL;
END $$"""
    triggers = [
        f"CREATE TRIGGER {TABLE}_annotations AFTER INSERT OR DELETE OR UPDATE OF label, "
        f"sentence_id ON annotations FOR EACH ROW EXECUTE FUNCTION {TABLE}_trigger()",
        f"CREATE TRIGGER {TABLE}_gold_labels AFTER INSERT OR DELETE ON gold_labels "
        f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_trigger()",
    ]
    return [refresh, trigger, *triggers]


def _backfill(bind: sa.Connection, greatest: str, real: str) -> None:
    counts = ", ".join(f"SUM(CASE WHEN label = '{x}' THEN 1 ELSE 0 END)" for x in LABELS)
    columns = ", ".join(["sentence_id", *RAW, "n_labels"])
    bind.execute(
        sa.text(
            f"INSERT INTO {TABLE} ({columns}) SELECT sentence_id, {counts}, COUNT(*) "
            "FROM annotations GROUP BY sentence_id"
        )
    )
    bind.execute(
        sa.text(
            f"INSERT INTO {TABLE} (sentence_id) SELECT sentence_id FROM gold_labels "
            f"WHERE sentence_id NOT IN (SELECT sentence_id FROM {TABLE})"
        )
    )
    bind.execute(
        sa.text(
            f"UPDATE {TABLE} SET adjudicated = 1 "
            "WHERE sentence_id IN (SELECT sentence_id FROM gold_labels)"
        )
    )
    bind.execute(sa.text(f"UPDATE {TABLE} SET {_derived(greatest, real)}"))


def upgrade() -> None:
    count = [sa.Column(name, sa.Integer, nullable=False, server_default="0") for name in RAW]
    op.create_table(
        TABLE,
        sa.Column(
            "sentence_id",
            sa.Integer,
            sa.ForeignKey("sentences.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        *count,
        *(
            sa.Column(name, sa.Integer, nullable=False, server_default="0")
            for name in (
                "n_labels",
                "distinct_labels",
                "top_count",
                "minus_distinct",
                "minus_labels",
                "contested",
                "adjudicated",
            )
        ),
        sa.Column("share", sa.Float, nullable=False, server_default="0"),
    )
    # The open queue and the queue with adjudicated sentences, each in its display order.
    op.create_index(f"ix_{TABLE}_open", TABLE, ["contested", "adjudicated", *ORDER])
    op.create_index(f"ix_{TABLE}_contested", TABLE, ["contested", *ORDER])
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        _backfill(bind, "GREATEST", "double precision")
        for statement in _postgresql_functions():
            bind.execute(sa.text(statement))
    else:
        _backfill(bind, "max", "REAL")
        for statement in _sqlite_triggers():
            bind.execute(sa.text(statement))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text(f"DROP TRIGGER IF EXISTS {TABLE}_annotations ON annotations"))
        bind.execute(sa.text(f"DROP TRIGGER IF EXISTS {TABLE}_gold_labels ON gold_labels"))
        bind.execute(sa.text(f"DROP FUNCTION IF EXISTS {TABLE}_trigger()"))
        bind.execute(sa.text(f"DROP FUNCTION IF EXISTS {TABLE}_refresh(integer)"))
    else:
        for table in ("annotations", "gold_labels"):
            for event in ("insert", "update", "delete"):
                bind.execute(sa.text(f"DROP TRIGGER IF EXISTS {TABLE}_{table}_{event}"))
    op.drop_table(TABLE)
