"""A browser guard for text typed but not yet sent: leaving the page asks first.

Streamlit sends a text field's value when the field loses focus (or on Ctrl+Enter, or when a
form is submitted). A reviewer who types a note and reloads the page while the cursor is still in
the field would lose it without a word. The script below marks a field as unsent from its first
keystroke until the browser has sent it: when it loses focus (outside a form), on Enter or
Ctrl+Enter, or when its form's submit button is pressed. While any unsent field is still on the
page, leaving it (reload, closing the tab, a link) makes the browser ask first. Passwords are
left out: nothing typed there is a draft.
"""

from __future__ import annotations

import streamlit as st

SCRIPT = """<script>
(() => {
  if (window.wbUnsavedGuard) return;
  window.wbUnsavedGuard = true;
  const unsent = new Set();
  const field = (el) => el instanceof HTMLTextAreaElement
    || (el instanceof HTMLInputElement && el.type !== "password"
        && ["text", "search", "url", "email", "number", ""].includes(el.type));
  const form = (el) => el.closest('[data-testid="stForm"]');
  document.addEventListener("input", (e) => { if (field(e.target)) unsent.add(e.target); }, true);
  document.addEventListener("focusout", (e) => {
    if (unsent.has(e.target) && !form(e.target)) unsent.delete(e.target);
  }, true);
  document.addEventListener("keydown", (e) => {
    const applies = e.key === "Enter"
      && (e.target instanceof HTMLInputElement || e.ctrlKey || e.metaKey);
    if (!applies || !unsent.has(e.target)) return;
    const within = form(e.target);
    if (!within) { unsent.delete(e.target); return; }
    for (const el of [...unsent]) if (within.contains(el)) unsent.delete(el);
  }, true);
  document.addEventListener("click", (e) => {
    const within = e.target instanceof Element && e.target.closest("button") && form(e.target);
    if (within) for (const el of [...unsent]) if (within.contains(el)) unsent.delete(el);
  }, true);
  window.addEventListener("beforeunload", (e) => {
    for (const el of [...unsent]) if (!el.isConnected) unsent.delete(el);
    if (unsent.size) { e.preventDefault(); e.returnValue = ""; }
  });
})();
</script>"""


def guard_unsent_text() -> None:
    """Ask before the page is left while typed text has not reached the server (once per page)."""
    st.html(SCRIPT, unsafe_allow_javascript=True)
