"""The investigators' web app and JSON API (``wildtrace serve``): ``app.create_app``.

Routes and their rules (``auth.require``) live in ``api.py`` and ``pages.py``; what they read
comes from ``store/browse.py`` through the visibility filter of ``store/access.py``.
"""
