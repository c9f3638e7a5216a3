"""The scan job tunes Python's cycle collector for its run and gives it back as it was."""

from __future__ import annotations

import gc

import pytest

from wildtrace.scanning import fewer_collections


def test_the_collector_is_tuned_during_the_job_and_restored_after_even_on_error() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), fewer_collections():
        assert gc.get_threshold()[0] == 50_000
        assert gc.get_freeze_count() > 0  # what was loaded before the run is left out of its scans
        raise RuntimeError("stopped")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
