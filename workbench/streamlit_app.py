"""Entry file that ``workbench serve`` hands to Streamlit; the router is workbench.ui.app.

Imported as a module (``streamlit run`` finds ``app`` below and serves it with uvicorn), it is
the ASGI app: Streamlit plus the routes and middleware of workbench.ui.server. Run as the script
of a browser session (``__main__``), it routes the pages.

It lives outside workbench/ui/ on purpose: Streamlit treats a ``pages/`` folder next to the
entry file as a legacy multipage app and would then run a page file directly (without the
router and its sign-in) when a browser's first request is a page URL.
"""

import streamlit as st

if __name__ == "__main__":
    from workbench.ui.app import main

    main()
else:
    from workbench.ui import server, warmup

    app = st.App(
        __file__, routes=server.routes(), middleware=server.middleware(), lifespan=warmup.lifespan
    )
