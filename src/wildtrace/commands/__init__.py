"""CLI commands that live outside ``cli.py``: one module per stage, registered in ``cli.py``."""
