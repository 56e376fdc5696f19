"""The JSON text the database writes for exports: quoting, and the evidence column's backfill."""

from __future__ import annotations

import orjson
from alembic import command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, select, text

from workbench.db.engine import Database
from workbench.db.migrate import alembic_config, upgrade
from workbench.db.models import Annotation, GoldLabel
from workbench.db.sql_text import json_string
from workbench.domain.labels import STANCES, Evidence, decode_evidence, encode_evidence

# Any text a database can store: no NUL (PostgreSQL text cannot hold it), no lone surrogates.
TEXT = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=40
)
HOSTILE = ['a "q" \\ b', "line\nfeed\r\t\b\f", "\x01\x1f\x7f", "é 😀 \u2028\u2029 \ufeff", ""]


def test_database_quotes_strings_as_orjson_does(db: Database) -> None:
    with db.read() as session:
        for value in HOSTILE:
            quoted = session.scalar(select(json_string(value)))
            assert quoted == orjson.dumps(value).decode()
        assert session.scalar(select(json_string(None))) == "null"


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=st.lists(TEXT, min_size=1, max_size=20))
def test_database_quotes_any_text_as_orjson_does(db: Database, values: list[str]) -> None:
    with db.read() as session:
        for value in values:
            assert session.scalar(select(json_string(value))) == orjson.dumps(value).decode()


def test_migration_backfills_evidence_json_in_position_order(db: Database) -> None:
    config = alembic_config(db.engine)
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, name, role, active, failed_logins, created_at) "
                "VALUES (1, 'ana', 'reviewer', true, 0, '2025-06-05 10:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO articles (id, title, body, content_hash, ingested_at) "
                "VALUES ('a', 'T', 'One. Two.', 'h', '2025-06-05 10:00:00')"
            )
        )
        connection.execute(
            text(
                'INSERT INTO sentences (id, article_id, "index", start, "end", text, '
                "checkworthiness, check_reasons) VALUES (1, 'a', 0, 0, 4, 'One.', 0.5, '[]'), "
                "(2, 'a', 1, 5, 9, 'Two.', 0.5, '[]')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO annotations (id, sentence_id, user_id, label, note, created_at, "
                "updated_at) VALUES (1, 1, 1, 'disputed', '', '2025-06-05 10:00:00', "
                "'2025-06-05 10:00:00'), (2, 2, 1, 'unsourced', '', '2025-06-05 10:00:00', "
                "'2025-06-05 10:00:00')"
            )
        )
        # Stored out of position order: the backfill must follow position, not row id.
        connection.execute(
            text(
                "INSERT INTO evidence_items (id, annotation_id, position, url, quote, stance, "
                "note, sentence_ref) VALUES "
                "(1, 1, 1, 'https://b.example', 'second \"q\"', 'context', '', NULL), "
                "(2, 1, 0, 'https://a.example', 'first', 'refutes', 'n\\n', 'b:3')"
            )
        )
    upgrade(db.engine)
    with db.read() as session:
        stored = dict(session.execute(select(Annotation.id, Annotation.evidence_json)).all())
    assert stored[2] == "[]"
    assert orjson.loads(stored[1]) == [
        {
            "url": "https://a.example",
            "quote": "first",
            "stance": "refutes",
            "note": "n\\n",
            "sentence_ref": "b:3",
        },
        {"url": "https://b.example", "quote": 'second "q"', "stance": "context", "note": ""},
    ]


def test_migration_0009_fills_gold_evidence_json_and_downgrades_without_loss(db: Database) -> None:
    config = alembic_config(db.engine)
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0008")
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, name, role, active, failed_logins, created_at) "
                "VALUES (1, 'eda', 'editor', true, 0, '2025-06-05 10:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO articles (id, title, body, content_hash, ingested_at) "
                "VALUES ('a', 'T', 'One. Two.', 'h', '2025-06-05 10:00:00')"
            )
        )
        connection.execute(
            text(
                'INSERT INTO sentences (id, article_id, "index", start, "end", text, '
                "checkworthiness, check_reasons) VALUES (1, 'a', 0, 0, 4, 'One.', 0.5, '[]'), "
                "(2, 'a', 1, 5, 9, 'Two.', 0.5, '[]')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO gold_labels (id, sentence_id, label, rationale, editor_id, version, "
                "created_at, updated_at) VALUES (1, 1, 'disputed', 'r', 1, 1, "
                "'2025-06-05 10:00:00', '2025-06-05 10:00:00'), (2, 2, 'not_a_claim', 'r', 1, 1, "
                "'2025-06-05 10:00:00', '2025-06-05 10:00:00')"
            )
        )
        # Stored out of position order: the backfill must follow position, not row id.
        connection.execute(
            text(
                "INSERT INTO evidence_items (id, gold_label_id, position, url, quote, stance, "
                "note, sentence_ref) VALUES "
                "(1, 1, 1, 'https://b.example', 'second \"q\"', 'context', '', NULL), "
                "(2, 1, 0, 'https://a.example', 'first', 'refutes', 'n\\n', 'b:3')"
            )
        )
    upgrade(db.engine)
    expected = (
        Evidence(
            url="https://a.example",
            quote="first",
            stance="refutes",
            note="n\\n",
            sentence_ref="b:3",
        ),
        Evidence(url="https://b.example", quote='second "q"', stance="context"),
    )
    with db.read() as session:
        stored = dict(session.execute(select(GoldLabel.id, GoldLabel.evidence_json)).all())
    assert stored[2] == "[]"
    assert stored[1] == encode_evidence(expected)
    assert decode_evidence(stored[1]) == expected
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0008")
        columns = {c["name"] for c in inspect(connection).get_columns("gold_labels")}
        kept = connection.execute(text("SELECT count(*) FROM evidence_items")).scalar()
    assert "evidence_json" not in columns and kept == 2
    upgrade(db.engine)
    with db.read() as session:
        again = dict(session.execute(select(GoldLabel.id, GoldLabel.evidence_json)).all())
    assert again == stored


@settings(max_examples=200, deadline=None)
@given(
    items=st.lists(
        st.builds(
            Evidence,
            url=TEXT,
            quote=TEXT,
            stance=st.sampled_from(STANCES),
            note=TEXT,
            sentence_ref=st.none() | st.from_regex(r"[a-z0-9_]{1,8}:[0-9]{1,3}", fullmatch=True),
        ),
        max_size=5,
    )
)
def test_decode_evidence_inverts_encode_evidence(items: list[Evidence]) -> None:
    assert decode_evidence(encode_evidence(items)) == tuple(items)
