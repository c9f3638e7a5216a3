"""``python -m wildtrace``: the same as the ``wildtrace`` command."""

from wildtrace.cli import app

app(prog_name="wildtrace")
