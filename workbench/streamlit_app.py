"""Entry file that ``workbench serve`` hands to Streamlit; the router is workbench.ui.app.

It lives outside workbench/ui/ on purpose: Streamlit treats a ``pages/`` folder next to the
entry file as a legacy multipage app and would then run a page file directly (without the
router and its sign-in) when a browser's first request is a page URL.
"""

from workbench.ui.app import main

main()
