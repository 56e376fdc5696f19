"""Telling the user what happened: a WorkbenchError as ``st.error``, and one-time notices.

A notice is left by a callback or an action that reruns the page, and shown once by the part
of the page that owns it, on its next render. Messages are plain text and are escaped, so a
name or a URL quoted in one is shown as typed; only the app's own fixed wording may skip that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

import streamlit as st

from workbench.errors import WorkbenchError
from workbench.ui import state
from workbench.ui.components.text import escape_markdown

Kind = Literal["success", "info", "warning", "error", "saved"]
_BOXES: dict[str, Callable[..., Any]] = {
    "success": st.success,
    "info": st.info,
    "warning": st.warning,
    "error": st.error,
}


@contextmanager
def show_errors(*, stop: bool = False, also: tuple[type[Exception], ...] = ()) -> Iterator[None]:
    """Show a WorkbenchError (or one of ``also``) raised inside as ``st.error``.

    With ``stop`` the script run ends there, as a page does when it has nothing to show;
    without it the code after the ``with`` block goes on.
    """
    caught: tuple[type[Exception], ...] = (WorkbenchError, *also)
    try:
        yield
    except caught as exc:
        st.error(escape_markdown(str(exc)))
        if stop:
            st.stop()


@dataclass(frozen=True, slots=True)
class Notice:
    """A message kept for the next render: its kind, its Markdown (already safe), its icon."""

    kind: Kind
    markdown: str
    icon: str | None = None


def leave(
    key: str, kind: Kind, message: str, *, icon: str | None = None, escape: bool = True
) -> None:
    """Keep ``message`` under the session-state ``key`` to be shown once on the next render.

    ``escape=False`` is for the app's own wording only, never for text a person typed.
    """
    state.put(key, Notice(kind, escape_markdown(message) if escape else message, icon))


def show(key: str) -> None:
    """Show and forget the notice kept under ``key``; nothing when there is none.

    A ``saved`` notice is a quiet caption; the others are coloured boxes.
    """
    notice = state.take(key)
    if not isinstance(notice, Notice):
        return
    if notice.kind == "saved":
        st.caption(f":material/cloud_done: {notice.markdown}")
    else:
        _BOXES[notice.kind](notice.markdown, icon=notice.icon)
