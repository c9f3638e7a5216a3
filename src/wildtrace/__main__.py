"""``python -m wildtrace``: the same as the ``wildtrace`` command."""

from wildtrace.cli import run

run()
