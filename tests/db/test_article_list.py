"""The article list: filters and pages in the database, progress of the shown page only."""

from __future__ import annotations

from sqlalchemy import func, select

from workbench.db import article_list, queries
from workbench.db.engine import Database
from workbench.db.models import Article
from workbench.services.assignments import assign_articles
from workbench.services.reviewer_labels import record_label

IDS = [
    "000_b5ddb462525d61c6",
    "001_905ae90385d1da76",
    "002_106eb614b3e40071",
    "003_12a4aa04524d7b45",
    "004_2be8afc61ee91103",
]


def test_pages_put_the_queue_first_and_count_only_own_labels(  # type: ignore[no-untyped-def]
    seeded_db: Database, make_user
) -> None:
    """Own queue first, then by id; progress counts this reviewer's labels only."""
    ana, ben = make_user("ana"), make_user("ben")
    with seeded_db.write() as session:
        assign_articles(session, article_ids=[IDS[3]], user_names=["ana"])
        for user in (ana, ben):
            sentence = queries.sentence_at(session, article_id=IDS[1], index=0)
            assert sentence is not None
            record_label(session, user_id=user, sentence_id=sentence.id, label="unsourced")
    with seeded_db.read() as session:
        first, _ = article_list.article_page(session, user_id=ana, limit=2)
        second, _ = article_list.article_page(session, user_id=ana, limit=2, offset=2)
        figures = article_list.totals(session, user_id=ana)
    assert [row.id for row in first + second] == [IDS[3], IDS[0], IDS[1], IDS[2]]
    assert first[0].assigned and not first[1].assigned
    assert second[0].labeled == 1 and second[0].sentences > 1
    assert (figures.articles, figures.labeled, figures.assigned) == (5, 1, 1)


def test_the_filter_finds_id_outlet_title_and_text_without_wildcards(  # type: ignore[no-untyped-def]
    seeded_db: Database, make_user
) -> None:
    """Text, id and picker searches; LIKE wildcards in the filter are literal."""
    ana = make_user("ana")
    with seeded_db.read() as session:
        body = queries.get_article(session, article_id=IDS[2])
        assert body is not None
        passage = body.body[300:330]
        by_text, openings = article_list.article_page(
            session, user_id=ana, needle=passage.upper(), limit=50
        )
        assert IDS[2] in [row.id for row in by_text]
        assert IDS[2] in openings
        assert article_list.count_matching(session, needle="004_") == 1
        assert article_list.count_matching(session, needle="%") == 0
        assert article_list.count_matching(session, needle='say "no') == 0  # quotes are text
        short = body.body[310:312]  # below the trigram index: a plain scan finds it
        assert IDS[2] in [a for a, _ in article_list.pick_articles(session, needle=short)]
        assert article_list.count_matching(session, needle="") == 5
        assert [a for a, _ in article_list.pick_articles(session, needle="00", limit=2)] == IDS[:2]


def test_the_label_counts_of_a_page_read_its_sentences_not_a_reviewers_labels(
    db: Database,
) -> None:
    """With statistics (refreshed at every start and after bulk loads) SQLite plans by article."""
    from sqlalchemy import event

    from tests.services.agreement_corpus import labelled_corpus

    labelled_corpus(db, articles=30, mode="cycle")
    db.refresh_statistics()
    with db.read() as session:
        user_id = queries.user_by_name(session, name="r0")
        assert user_id is not None
        statements: list[tuple[str, object]] = []

        def keep(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
            if "count(annotations.id)" in statement:
                statements.append((statement, parameters))

        event.listen(db.engine, "before_cursor_execute", keep)
        try:
            page, _ = article_list.article_page(session, user_id=user_id.id, limit=10)
        finally:
            event.remove(db.engine, "before_cursor_execute", keep)
        assert [row.labeled for row in page] == [20] * 10
        ((statement, parameters),) = statements
        plan = " ".join(
            str(row[-1])
            for row in session.connection().exec_driver_sql(
                f"EXPLAIN {'QUERY PLAN ' if db.is_sqlite else ''}{statement}", parameters
            )
        )
    if db.is_sqlite:  # without statistics: SEARCH annotations USING INDEX ix_annotations_user_id
        assert "ix_annotations_user_id" not in plan, plan
        assert plan.startswith("SEARCH sentences"), plan


def test_every_field_of_the_filter_has_an_index_on_postgresql(db: Database) -> None:
    """0014: id, title, outlet and text each have a trigram index, so the filter's OR is one
    BitmapOr of index scans instead of a scan of every article (212 ms at 10,000 articles)."""
    if db.is_sqlite:  # SQLite: the text goes through FTS5 (0007); short fields scan quickly
        with db.read() as session:
            assert article_list.count_matching(session, needle="Riverton") == 0
        return
    from sqlalchemy import func, select

    from workbench.db.models import Article

    with db.read() as session:
        stmt = article_list._filtered(session, select(func.count(Article.id)), "Riverton")
        compiled = stmt.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
        connection = session.connection()
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plan = "\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {compiled}"))
    assert "Seq Scan on articles" not in plan, plan
    assert plan.count("Bitmap Index Scan on ix_articles_") == 4, plan


def test_on_sqlite_the_filter_reads_the_covering_index_not_the_bodies(
    seeded_db: Database,
) -> None:
    """The short fields are matched in 0021's index; PostgreSQL uses its trigram indexes."""
    if not seeded_db.is_sqlite:
        with seeded_db.read() as session:
            found = session.connection().exec_driver_sql(
                "SELECT indexname FROM pg_indexes WHERE indexname = 'ix_articles_list_fields'"
            )
            assert found.first() is None  # SQLite only
        return
    with seeded_db.read() as session:
        statement = article_list._filtered(
            session, select(func.count(Article.id)), "reuters"
        ).compile(seeded_db.engine, compile_kwargs={"literal_binds": True})
        plan = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}").all()
        assert article_list.count_matching(session, needle="dawn") >= 1
    steps = [str(row[-1]) for row in plan]
    assert "SCAN articles USING COVERING INDEX ix_articles_list_fields" in steps, steps
