"""A crafted ``?article=`` reaches the page's error box only as escaped text."""

from __future__ import annotations

import re
from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from workbench.domain.labels import Role
from workbench.ui.components.text import escape_markdown
from workbench.ui.runtime import SignedIn

HOSTILE_ID = (
    "x ![pixel](https://evil.example/p.png) [sign in again](https://evil.example/login) "
    "<img src=https://evil.example/i.png> https://evil.example/bare"
)


def test_unknown_article_id_is_shown_escaped(
    signed_in_page: Callable[[str, SignedIn], AppTest], make_user: Callable[..., int]
) -> None:
    ana = SignedIn(make_user("ana"), "ana", Role.REVIEWER)
    page = signed_in_page("annotate.py", ana)
    page.query_params["article"] = HOSTILE_ID
    page.run()
    [error] = [e.value for e in page.error]
    assert error == f"There is no article with id '{escape_markdown(HOSTILE_ID)}'."
    shown = error.removeprefix("There is no article with id '").removesuffix("'.")
    assert re.search(r"(?<!\\)[!\[\]()<>]", shown) is None  # every markup character escaped
    assert "https://" not in shown and "https:" not in shown.replace("\\", "")


def test_a_very_long_article_id_is_cut_in_the_message(
    signed_in_page: Callable[[str, SignedIn], AppTest], make_user: Callable[..., int]
) -> None:
    ana = SignedIn(make_user("ana"), "ana", Role.REVIEWER)
    page = signed_in_page("annotate.py", ana)
    page.query_params["article"] = "a" * 5_000
    page.run()
    [error] = [e.value for e in page.error]
    assert error == f"There is no article with id '{'a' * 200}…'."
