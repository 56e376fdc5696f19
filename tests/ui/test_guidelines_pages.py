"""Guidelines in AppTest: admins write versions, reviewers read them, editors see older labels."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from workbench.config import DATABASE_URL_ENV
from workbench.db.engine import Database
from workbench.db.models import Annotation, Guideline, Sentence
from workbench.domain.guidelines import DEFAULT_DEFINITIONS, default_guidelines
from workbench.domain.labels import Label, Role
from workbench.services.guidelines import save_guidelines
from workbench.services.reviewer_labels import record_label
from workbench.ui.components.guidelines_view import guidelines_markdown
from workbench.ui.runtime import SignedIn

MakeUser = Callable[..., int]
APP = Path(__file__).resolve().parents[2] / "workbench" / "streamlit_app.py"
ARTICLE = "000_b5ddb462525d61c6"
HOSTILE = "# Rules\n\n- **verified**: see <script>alert(1)</script> and [x](javascript:alert(2))\n"


@pytest.fixture
def app(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., AppTest]]:
    """Factory: the whole app signed in as ``user``, switched to one page."""
    monkeypatch.setenv(DATABASE_URL_ENV, database_url)
    st.cache_resource.clear()
    st.cache_data.clear()

    def _open(user: SignedIn, page: str, **params: str) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.session_state["wb_user"] = user
        at.run()
        at.switch_page(f"ui/pages/{page}")
        for name, value in params.items():
            at.query_params[name] = value
        return at.run()

    yield _open
    st.cache_resource.clear()
    st.cache_data.clear()


def _signed(user_id: int, name: str, role: Role) -> SignedIn:
    return SignedIn(user_id, name, role)


def test_guidelines_markdown_shows_html_and_links_as_typed() -> None:
    shown = guidelines_markdown(HOSTILE)
    assert shown.splitlines()[0] == "### Rules"
    assert shown.splitlines()[2].startswith("- **verified**\\: see \\<script\\>")
    assert "<script>" not in shown and "](" not in shown
    assert "\\[x\\]\\(javascript\\:alert\\(2\\)\\)" in shown


def test_admin_saves_a_new_version_and_sees_the_versions(
    db: Database, make_user: MakeUser, app: Callable[..., AppTest]
) -> None:
    chief = make_user("chief", role="admin")
    at = app(_signed(chief, "chief", Role.ADMIN), "admin_guidelines.py")
    assert not at.exception
    assert at.text_area(key="wb_guidelines_text").value == default_guidelines()
    assert "Version 1 is in force" in at.caption[0].value
    at.text_area(key="wb_guidelines_text").input(HOSTILE)
    at = at.button(key="FormSubmitter:wb_guidelines_form-Save as a new version").click().run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == ["Saved as version 2\\."]
    assert "Version 2 is in force" in at.caption[0].value
    assert list(at.dataframe[0].value["version"]) == [2, 1]
    assert list(at.dataframe[0].value["by"]) == ["chief", "packaged default"]
    preview = [m.value for m in at.markdown if "verified" in m.value]
    assert preview == [guidelines_markdown(HOSTILE)]
    with db.read() as session:
        assert session.scalar(select(Guideline.text).where(Guideline.version == 2)) == HOSTILE
    # An empty text is refused, stays in the editor, and adds no version.
    at.text_area(key="wb_guidelines_text").input("   ")
    at = at.button(key="FormSubmitter:wb_guidelines_form-Save as a new version").click().run()
    assert [e.value for e in at.error] == ["the guidelines are empty; write what each label means"]
    assert at.text_area(key="wb_guidelines_text").value == "   "
    with db.read() as session:
        assert session.scalar(select(Guideline.version).order_by(Guideline.version.desc())) == 2


def test_reviewers_see_the_guidelines_and_each_label_s_definition(
    seeded_db: Database, make_user: MakeUser, app: Callable[..., AppTest]
) -> None:
    ana = make_user("ana")
    at = app(_signed(ana, "ana", Role.REVIEWER), "annotate.py", article=ARTICLE)
    assert not at.exception
    (panel,) = [e for e in at.expander if "Labeling guidelines" in e.label]
    assert panel.label == "Labeling guidelines (version 1)"
    assert panel.markdown[0].value == guidelines_markdown(default_guidelines())
    verified = at.button(key="wb_label_verified")
    assert verified.help == "reliable evidence supports the claim."
    chief = make_user("chief", role="admin")
    with seeded_db.write() as session:
        save_guidelines(session, author_id=chief, text="- **verified**: two sources agree")
    at = app(_signed(ana, "ana", Role.REVIEWER), "annotate.py", article=ARTICLE)
    (panel,) = [e for e in at.expander if "Labeling guidelines" in e.label]
    assert panel.label == "Labeling guidelines (version 2)"
    assert at.button(key="wb_label_verified").help == "two sources agree"
    assert at.button(key="wb_label_disputed").help == DEFAULT_DEFINITIONS[Label.DISPUTED]
    at = at.button(key="wb_label_unsourced").click().run()
    assert not at.exception
    with seeded_db.read() as session:
        assert session.scalar(select(Annotation.guideline_version)) == 2


def test_editor_pages_the_labels_made_under_an_older_version(
    seeded_db: Database, make_user: MakeUser, app: Callable[..., AppTest]
) -> None:
    ana, chief = make_user("ana"), make_user("chief", role="admin")
    eve = make_user("eve", role="editor")
    with seeded_db.read() as session:
        sids = list(session.scalars(select(Sentence.id).order_by(Sentence.id).limit(53)))
    with seeded_db.write() as session:
        for sid in sids:
            record_label(session, user_id=ana, sentence_id=sid, label="unsourced")
    editor = _signed(eve, "eve", Role.EDITOR)
    at = app(editor, "older_labels.py")
    assert not at.exception
    assert [s.value for s in at.success] == ["No reviewer labels made under an older version."]
    with seeded_db.write() as session:
        save_guidelines(session, author_id=chief, text="v2")
    with seeded_db.write() as session:
        record_label(session, user_id=ana, sentence_id=sids[0], label="verified")
    at = app(editor, "older_labels.py")
    assert not at.exception
    assert "version 2" in at.caption[0].value and "52 reviewer label(s)" in at.caption[0].value
    table = at.dataframe[0].value
    assert len(table) == 50 and set(table["guidelines"]) == {"v1"}
    with seeded_db.read() as session:
        first = session.get(Sentence, sids[1])
        last = session.get(Sentence, sids[-1])
        assert first is not None and last is not None
    assert table["sentence id"][0] == f"{first.article_id}:{first.index}"
    assert at.number_input[0].label == "Page (of 2; 52 reviewer labels)"
    at = at.number_input[0].set_value(2).run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 2 and table["sentence id"][1] == f"{last.article_id}:{last.index}"
    at = at.radio(key="wb_older_kind").set_value("Gold labels").run()
    assert [s.value for s in at.success] == ["No gold labels made under an older version."]
