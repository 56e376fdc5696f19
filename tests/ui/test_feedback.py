"""The UI's one feedback helper: WorkbenchError as st.error, and notices shown exactly once."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _errors_app() -> None:
    import streamlit as st

    from workbench.errors import InputError
    from workbench.ui import feedback

    mode = st.session_state.get("mode", "stop")
    with feedback.show_errors(stop=mode == "stop", also=(OSError,)):
        if mode == "os":
            raise OSError("disk full")
        if mode != "fine":
            raise InputError("bad *name* <b>")
        st.write("inside")
    st.write("after")


def _notices_app() -> None:
    import streamlit as st

    from workbench.ui import feedback

    kind = st.session_state.get("kind")
    if kind is not None:
        feedback.leave(
            "wb_test_notice",
            kind,
            st.session_state.get("message", "see https://x.example *now*"),
            icon=st.session_state.get("icon"),
            escape=st.session_state.get("escape", True),
        )
        st.session_state["kind"] = None
    feedback.show("wb_test_notice")


def test_an_error_is_shown_escaped_and_stops_the_run() -> None:
    at = AppTest.from_function(_errors_app).run()
    assert [e.value for e in at.error] == [r"bad \*name\* \<b\>"]
    assert [m.value for m in at.markdown] == []


def test_without_stop_the_run_goes_on_after_the_block() -> None:
    at = AppTest.from_function(_errors_app)
    at.session_state["mode"] = "go on"
    at.run()
    assert [e.value for e in at.error] == [r"bad \*name\* \<b\>"]
    assert [m.value for m in at.markdown] == ["after"]


def test_other_exception_types_are_shown_only_when_named() -> None:
    at = AppTest.from_function(_errors_app)
    at.session_state["mode"] = "os"
    at.run()
    assert [e.value for e in at.error] == ["disk full"]
    at.session_state["mode"] = "fine"
    at.run()
    assert not at.error
    assert [m.value for m in at.markdown] == ["inside", "after"]


def test_a_notice_is_shown_once_escaped() -> None:
    at = AppTest.from_function(_notices_app)
    at.session_state["kind"] = "warning"
    at.run()
    assert [w.value for w in at.warning] == ["see https\u2060\\://x\\.example \\*now\\*"]
    at.run()
    assert not at.warning


def test_notice_kinds_icons_and_own_wording() -> None:
    at = AppTest.from_function(_notices_app)
    at.session_state["kind"] = "error"
    at.session_state["message"] = "Evidence not added: bad"
    at.session_state["icon"] = ":material/error:"
    at.run()
    shown = [(e.value, e.icon) for e in at.error]
    assert shown == [("Evidence not added\\: bad", ":material/error:")]
    for name, value in {
        "kind": "success",
        "message": "Saved (version 2).",
        "escape": False,
    }.items():
        at.session_state[name] = value
    at.session_state["icon"] = None
    at.run()
    assert [s.value for s in at.success] == ["Saved (version 2)."]
    at.session_state["kind"] = "saved"
    at.session_state["message"] = "Note saved"
    at.session_state["escape"] = True
    at.run()
    assert [c.value for c in at.caption] == [":material/cloud_done: Note saved"]
