"""Runners: map ``analyze_batch`` over many batches, on one machine or (later) a cluster."""

from wildtrace.runners.local import analyze_batches, default_workers

__all__ = ["analyze_batches", "default_workers"]
