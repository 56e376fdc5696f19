"""Streamlit user interface: app.py is the router, pages/ the screens."""
