"""The newest account changes are read along an index, not by walking the whole audit log."""

from __future__ import annotations

from workbench.db.engine import Database

NEWEST = "SELECT id FROM audit_log WHERE entity = 'account' ORDER BY id DESC LIMIT 20"


def test_the_newest_changes_of_one_kind_use_the_entity_index(db: Database) -> None:
    with db.read() as session:
        connection = session.connection()
        if db.is_sqlite:
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {NEWEST}").all()
        else:
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            rows = connection.exec_driver_sql(f"EXPLAIN {NEWEST}").all()
        plan = " ".join(str(row[-1]) for row in rows)
    assert "ix_audit_entity" in plan, plan
