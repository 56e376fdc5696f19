"""The REST API under ``/api/v1``: the app's services over HTTP, for a personal access token.

``create_app`` builds the FastAPI application; ``workbench.ui.server`` mounts it in the served
app, so ``workbench serve`` answers both the browser and the API from one process.
"""

from workbench.api.app import create_app

__all__ = ["create_app"]
