"""sentence_label_counts also keeps who said what, on which day, and the sentence's article

Three columns more on each row of ``sentence_label_counts``: ``pattern``, every reviewer's label
of the sentence as ``<user id><first letter of the label>`` joined by commas in user id order
(``"1v,2d,5n"``); ``latest_day``, the UTC day (``YYYY-MM-DD``) of the newest ``updated_at`` of
its annotations; ``article_id``. The Agreement page groups these rows instead of every
annotation, each grouping along an index of its own so no statement sorts the table (the
Export preview's label combinations get one too). The
triggers of 0006 are replaced by ones that also refresh the new columns, and fire on a change of
``updated_at`` and of a gold label too.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 20:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "sentence_label_counts"
LABELS = ("verified", "disputed", "unsourced", "not_a_claim")
RAW = [f"n_{label}" for label in LABELS]
# The Agreement page's three groupings and the Export preview's label combinations, each read
# along a covering index in group order.
INDEXES = (
    ("days", ["latest_day", *RAW, "n_labels"]),
    ("patterns", ["adjudicated", "pattern", "n_labels"]),
    ("articles", ["article_id", "n_labels", *RAW]),
    ("combinations", ["adjudicated", *RAW]),
)


def _raw_values(target: str) -> str:
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
    present = " + ".join(f"(CASE WHEN {c} > 0 THEN 1 ELSE 0 END)" for c in RAW)
    top = f"{greatest}({', '.join(RAW)})"
    return (
        f"distinct_labels = {present}, minus_distinct = -({present}), "
        f"top_count = {top}, minus_labels = -n_labels, "
        f"share = CASE WHEN n_labels > 0 THEN CAST({top} AS {real}) / n_labels ELSE 0 END, "
        f"contested = CASE WHEN {present} > 1 THEN 1 ELSE 0 END"
    )


def _pattern(target: str, postgresql: bool) -> str:
    """One sentence's labels as ``1v,2d``: user id and first letter, in user id order."""
    if postgresql:
        return (
            "(SELECT COALESCE(string_agg(user_id::text || substr(label, 1, 1), ',' "
            f"ORDER BY user_id), '') FROM annotations WHERE sentence_id = {target})"
        )
    # SQLite before 3.44 has no ORDER BY inside group_concat; it concatenates in the order of
    # the ordered subquery. Readers parse the pattern, so another order would still be right.
    return (
        "(SELECT COALESCE(group_concat(user_id || substr(label, 1, 1), ','), '') FROM "
        f"(SELECT user_id, label FROM annotations WHERE sentence_id = {target} "
        "ORDER BY user_id))"
    )


def _day(stamp: str, postgresql: bool) -> str:
    """The UTC day of a stored time as YYYY-MM-DD (SQLite stores UTC wall time as text)."""
    if postgresql:
        return f"to_char({stamp} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
    return f"date({stamp})"


def _columns(target: str, postgresql: bool) -> str:
    newest = _day("MAX(updated_at)", postgresql)
    day = f"(SELECT {newest} FROM annotations WHERE sentence_id = {target})"
    article = f"(SELECT article_id FROM sentences WHERE id = {target})"
    return f"pattern = {_pattern(target, postgresql)}, latest_day = {day}, article_id = {article}"


def _refresh(target: str, greatest: str, real: str, postgresql: bool) -> list[str]:
    columns = ", ".join(["sentence_id", *RAW, "n_labels", "adjudicated"])
    updates = ", ".join(f"{c} = excluded.{c}" for c in [*RAW, "n_labels", "adjudicated"])
    return [
        f"INSERT INTO {TABLE} ({columns}) {_raw_values(target)} "
        f"ON CONFLICT (sentence_id) DO UPDATE SET {updates}",
        f"UPDATE {TABLE} SET {_derived(greatest, real)}, {_columns(target, postgresql)} "
        f"WHERE sentence_id = {target}",
        f"DELETE FROM {TABLE} WHERE sentence_id = {target} AND ((n_labels = 0 AND "
        f"adjudicated = 0) OR NOT EXISTS (SELECT 1 FROM sentences WHERE id = {target}))",
    ]


def _sqlite_triggers(watched: str) -> list[str]:
    def body(*targets: str) -> str:
        return " ".join(s + ";" for t in targets for s in _refresh(t, "max", "REAL", False))

    return [
        f"CREATE TRIGGER {TABLE}_{table}_{event} AFTER {when} ON {table} BEGIN {body(*targets)} END"
        for table, update in (("annotations", watched), ("gold_labels", "label, sentence_id"))
        for event, when, targets in (
            ("insert", "INSERT", ("NEW.sentence_id",)),
            ("update", f"UPDATE OF {update}", ("OLD.sentence_id", "NEW.sentence_id")),
            ("delete", "DELETE", ("OLD.sentence_id",)),
        )
    ]


def _postgresql_refresh(greatest: str, real: str, postgresql: bool) -> str:
    statements = " ".join(s + ";" for s in _refresh("target", greatest, real, postgresql))
    if not postgresql:  # the 0006 body, for the downgrade
        statements = " ".join(
            s.replace(f", {_columns('target', True)}", "") + ";"
            for s in _refresh("target", greatest, real, True)
        )
    return f"""
CREATE OR REPLACE FUNCTION {TABLE}_refresh(target integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    -- Lock the row first: the recount below then runs on a snapshot taken after any
    -- concurrent writer of this sentence has committed.
    INSERT INTO {TABLE} (sentence_id) SELECT target
        WHERE EXISTS (SELECT 1 FROM sentences WHERE id = target)
        ON CONFLICT (sentence_id) DO NOTHING;
    PERFORM 1 FROM {TABLE} WHERE sentence_id = target FOR UPDATE;
    {statements}
END $$"""


def _postgresql_triggers(annotations: str, gold: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {TABLE}_annotations ON annotations",
        f"DROP TRIGGER IF EXISTS {TABLE}_gold_labels ON gold_labels",
        f"CREATE TRIGGER {TABLE}_annotations AFTER INSERT OR DELETE OR UPDATE OF {annotations} "
        f"ON annotations FOR EACH ROW EXECUTE FUNCTION {TABLE}_trigger()",
        f"CREATE TRIGGER {TABLE}_gold_labels AFTER INSERT OR DELETE{gold} ON gold_labels "
        f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_trigger()",
    ]


def _drop_sqlite_triggers(bind: sa.Connection) -> None:
    for table in ("annotations", "gold_labels"):
        for event in ("insert", "update", "delete"):
            bind.execute(sa.text(f"DROP TRIGGER IF EXISTS {TABLE}_{table}_{event}"))


def upgrade() -> None:
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(sa.Column("pattern", sa.Text, nullable=False, server_default=""))
        batch.add_column(sa.Column("latest_day", sa.String(10), nullable=True))
        batch.add_column(sa.Column("article_id", sa.String(200), nullable=True))
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    # Backfill in one statement per column, grouped, not one subquery per row.
    if postgresql:
        bind.execute(
            sa.text(
                f"UPDATE {TABLE} AS c SET pattern = a.pattern, latest_day = a.day FROM ("
                "SELECT sentence_id, string_agg(user_id::text || substr(label, 1, 1), ',' "
                f"ORDER BY user_id) AS pattern, {_day('MAX(updated_at)', True)} AS day "
                "FROM annotations GROUP BY sentence_id) AS a WHERE a.sentence_id = c.sentence_id"
            )
        )
        bind.execute(
            sa.text(
                f"UPDATE {TABLE} AS c SET article_id = s.article_id FROM sentences AS s "
                "WHERE s.id = c.sentence_id"
            )
        )
    else:
        bind.execute(sa.text(f"UPDATE {TABLE} SET {_columns(f'{TABLE}.sentence_id', False)}"))
    for name, columns in INDEXES:
        op.create_index(f"ix_{TABLE}_{name}", TABLE, columns)
    if postgresql:
        # Every row was rewritten: fresh statistics, or the planner expects a few hundred rows.
        bind.execute(sa.text(f"ANALYZE {TABLE}"))
        bind.execute(sa.text(_postgresql_refresh("GREATEST", "double precision", True)))
        for statement in _postgresql_triggers(
            "label, sentence_id, updated_at", " OR UPDATE OF label"
        ):
            bind.execute(sa.text(statement))
    else:
        _drop_sqlite_triggers(bind)
        for statement in _sqlite_triggers("label, sentence_id, updated_at"):
            bind.execute(sa.text(statement))


def downgrade() -> None:
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    if postgresql:
        bind.execute(sa.text(_postgresql_refresh("GREATEST", "double precision", False)))
        for statement in _postgresql_triggers("label, sentence_id", ""):
            bind.execute(sa.text(statement))
    else:
        _drop_sqlite_triggers(bind)
    for name, _columns_of in INDEXES:
        op.drop_index(f"ix_{TABLE}_{name}", TABLE)
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_column("article_id")
        batch.drop_column("latest_day")
        batch.drop_column("pattern")
    if not postgresql:  # the 0006 triggers, without the new columns
        for statement in _sqlite_triggers("label, sentence_id"):
            old = statement.replace(f", {_columns('NEW.sentence_id', False)}", "")
            old = old.replace(f", {_columns('OLD.sentence_id', False)}", "")
            if "ON gold_labels" in old and "AFTER UPDATE" in old:
                continue
            bind.execute(sa.text(old))
